package org.strongroom.account.domain;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.serialization.Revision;
import org.axonframework.spring.stereotype.Aggregate;
import org.strongroom.account.api.AccountCommands.CaptureHeldDebitCommand;
import org.strongroom.account.api.AccountCommands.CollectDueAmountCommand;
import org.strongroom.account.api.AccountCommands.CreditTransferCommand;
import org.strongroom.account.api.AccountCommands.ReleaseTransferCommand;
import org.strongroom.account.api.AccountCommands.ReserveForTransferCommand;
import org.strongroom.account.api.AccountCommands.SettleTransferCommand;
import org.strongroom.account.api.AccountEvents.TransferCreditedEvent;
import org.strongroom.account.api.AccountEvents.TransferDebitReservedEvent;
import org.strongroom.account.api.AccountEvents.TransferDebitSettledEvent;
import org.strongroom.account.api.AccountEvents.TransferReservationReleasedEvent;
import org.strongroom.account.api.AccountEvents.TransferStepRefusedEvent;
import org.strongroom.account.api.TransferStep;
import org.strongroom.account.api.AccountCommands.ChangeOverdraftLimitCommand;
import org.strongroom.account.api.AccountCommands.CloseAccountCommand;
import org.strongroom.account.api.AccountCommands.DepositFundsCommand;
import org.strongroom.account.api.AccountCommands.FreezeAccountCommand;
import org.strongroom.account.api.AccountCommands.OpenAccountCommand;
import org.strongroom.account.api.AccountCommands.PlaceHoldCommand;
import org.strongroom.account.api.AccountCommands.ReleaseHoldCommand;
import org.strongroom.account.api.AccountCommands.DeclineHeldDebitCommand;
import org.strongroom.account.api.AccountCommands.DebitForTransferCommand;
import org.strongroom.account.api.AccountCommands.CheckTransferCreditCommand;
import org.strongroom.account.api.AccountCommands.CreditForTransferCommand;
import org.strongroom.account.api.AccountCommands.TransferLeg;
import org.strongroom.account.api.AccountEvents.TransferDebitedEvent;
import org.strongroom.account.api.AccountCommands.UnfreezeAccountCommand;
import org.strongroom.account.api.AccountCommands.WithdrawFundsCommand;
import org.strongroom.account.api.AccountDetails;
import org.strongroom.account.api.AccountFieldRules;
import org.strongroom.account.api.AccountEvents.AccountClosedEvent;
import org.strongroom.account.api.AccountEvents.AccountFrozenEvent;
import org.strongroom.account.api.AccountEvents.AccountOpenedEvent;
import org.strongroom.account.api.AccountEvents.AccountUnfrozenEvent;
import org.strongroom.account.api.AccountEvents.DebitHeldForReviewEvent;
import org.strongroom.account.api.AccountEvents.FundsDepositedEvent;
import org.strongroom.account.api.AccountEvents.FundsWithdrawnEvent;
import org.strongroom.account.api.AccountEvents.HoldExpiredEvent;
import org.strongroom.account.api.AccountEvents.HoldPlacedEvent;
import org.strongroom.account.api.AccountEvents.HoldReleasedEvent;
import org.strongroom.account.api.AccountEvents.OverdraftLimitChangedEvent;
import org.strongroom.account.api.AccountProduct;
import org.strongroom.account.api.AccountStatus;
import org.strongroom.account.api.Counterparty;
import org.strongroom.account.api.DebitLimits;
import org.strongroom.account.api.FreezeScope;
import org.strongroom.account.api.Hold;
import org.strongroom.account.api.VelocityRule;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.MetadataKeys;
import org.strongroom.kernel.Money;
import org.strongroom.kernel.Violations;

/**
 * A customer's deposit account in one currency. Decides every movement from its own state:
 * available = balance + overdraft limit - active holds, and no debit or hold may exceed it.
 */
@Aggregate
// The form of its snapshots: raise it whenever a field changes, and older snapshots are ignored.
@Revision("1")
public class Account {

    static final String HOLD_EXPIRY = "hold-expiry";
    static final int MINIMUM_AGE_YEARS = 18;
    static final int REMEMBERED_TRANSFERS = 1000;
    /** Largest balance an account may hold, in currency units: far beyond any real account, far below overflow. */
    static final BigDecimal MAX_BALANCE_UNITS = new BigDecimal("1000000000000000");

    @AggregateIdentifier
    private String accountId;
    private String customerId;
    private AccountProduct product;
    private Currency currency;
    private Money balance;
    private Money overdraftLimit;
    private final Map<String, Hold> holds = new LinkedHashMap<>();
    /** Per channel and per role: what was debited on the latest business day seen, for daily limits. */
    private final Map<String, DailyDebits> dailyDebits = new LinkedHashMap<>();
    /** Per channel: recent debits (time, amount), for velocity rules. */
    private final Map<String, List<RecentDebit>> recentDebits = new LinkedHashMap<>();
    /**
     * The last step this account recorded for each of its most recent transfers (at most
     * {@value #REMEMBERED_TRANSFERS}, oldest dropped first), so that a step the earlier releases' process
     * delivers again finds it done. A step is delivered again at once, in the process's next attempt, never
     * after a thousand other transfers; an open reservation is kept in {@link #reservedFor} until it ends.
     */
    private final Map<String, TransferStep> transfers = new LinkedHashMap<>();
    /** Open transfer reservations: transfer id to target account. */
    private final Map<String, Reservation> reservedFor = new LinkedHashMap<>();
    /** Debits held for review, by transaction id (= hold id). */
    private final Map<String, ReviewedDebit> underReview = new LinkedHashMap<>();
    private FreezeScope freezeScope;
    private String freezeReason;
    private AccountStatus status;
    private LocalDate openingBusinessDate;
    private Instant createTime;
    private Instant updateTime;

    protected Account() {
        // rebuilt from events
    }

    Account(OpenAccountCommand command, LocalDate businessDate) {
        Violations violations = new Violations();
        Currency currency = AccountFieldRules.checkCurrency(command.currencyCode(), violations);
        if (command.product() == null) {
            violations.add("product", "is required");
        }
        Money overdraft = command.overdraftLimit();
        AccountFieldRules.checkOverdraft(overdraft, command.product(), currency, violations);
        violations.throwIfAny();
        if (command.customerDateOfBirth() == null) {
            throw new IllegalStateException("the gateway supplies the customer's date of birth");
        }
        int age = Period.between(command.customerDateOfBirth(), businessDate).getYears();
        if (age < MINIMUM_AGE_YEARS) {
            throw DomainException.rule(ErrorReason.CUSTOMER_UNDERAGE,
                    "the customer must be at least " + MINIMUM_AGE_YEARS + " to open an account",
                    Map.of("customer_id", command.customerId(), "minimum_age", String.valueOf(MINIMUM_AGE_YEARS),
                            "age", String.valueOf(age)));
        }
        apply(new AccountOpenedEvent(command.accountId(), command.customerId(), command.product(),
                currency.getCurrencyCode(), overdraft == null ? Money.zero(currency) : overdraft, businessDate));
    }

    @CommandHandler
    AccountDetails handle(DepositFundsCommand command) {
        requireOpen();
        if (freezeScope == FreezeScope.ALL) {
            throw frozen("credits");
        }
        Money amount = requireAmount(command.amount());
        Counterparty counterparty = AccountFieldRules.checkCounterparty(command.counterparty());
        Money after = balance.plus(amount);
        if (after.amount().compareTo(MAX_BALANCE_UNITS) > 0) {
            throw DomainException.rule(ErrorReason.BALANCE_LIMIT_EXCEEDED,
                    "the deposit would take the balance above the largest balance an account may hold",
                    Map.of("account_id", accountId, "maximum_balance", MAX_BALANCE_UNITS.toPlainString(),
                            "currency_code", currency.getCurrencyCode()));
        }
        apply(new FundsDepositedEvent(accountId, command.transactionId(), amount, counterparty, after));
        return details();
    }

    @CommandHandler
    AccountDetails handle(WithdrawFundsCommand command,
                          @MetaDataValue(MetadataKeys.BUSINESS_DATE) String businessDate, DeadlineManager deadlines) {
        requireOpen();
        if (freezeScope != null) {
            throw frozen("debits");
        }
        Money amount = requireAmount(command.amount());
        Counterparty counterparty = AccountFieldRules.checkCounterparty(command.counterparty());
        requireWithinLimits(amount, command.limits() == null ? DebitLimits.NONE : command.limits(), businessDate);
        requireWithinLimits(amount, command.roleLimits() == null ? DebitLimits.NONE : command.roleLimits(),
                businessDate);
        requireAvailable(amount);
        String tripped = command.velocity() == null ? null : trippedRule(command.velocity(), amount);
        if (tripped != null) {
            // Held, not executed: the funds stay reserved while someone reviews the debit.
            VelocityRule rule = command.velocity();
            apply(new HoldPlacedEvent(accountId, command.transactionId(), amount, "held for review: " + tripped,
                    rule.reviewUntil()));
            apply(new DebitHeldForReviewEvent(accountId, command.transactionId(), amount, counterparty,
                    rule.channel(), tripped));
            deadlines.schedule(rule.reviewUntil(), HOLD_EXPIRY, command.transactionId());
            return details();
        }
        apply(new FundsWithdrawnEvent(accountId, command.transactionId(), amount, counterparty, balance.minus(amount)));
        return details();
    }

    @CommandHandler
    Money handle(CollectDueAmountCommand command) {
        Money nothing = Money.zero(currency);
        if (status != AccountStatus.OPEN || freezeScope != null || !command.maxAmount().currency().equals(currency)) {
            return nothing;
        }
        Money held = holds.values().stream().map(Hold::amount).reduce(nothing, Money::plus);
        Money own = balance.minus(held);
        if (!own.isPositive()) {
            return nothing;
        }
        Money amount = command.maxAmount().isGreaterThan(own) ? own : command.maxAmount();
        if (!amount.isPositive()) {
            return nothing;
        }
        apply(new FundsWithdrawnEvent(accountId, command.transactionId(), amount,
                AccountFieldRules.checkCounterparty(command.counterparty()), balance.minus(amount)));
        return amount;
    }

    @CommandHandler
    TransferLeg handle(DebitForTransferCommand command,
                       @MetaDataValue(MetadataKeys.BUSINESS_DATE) String businessDate) {
        DomainException refusal = refusalOf(() -> requireTransferDebit(command.amount(), command.limits(),
                command.roleLimits(), businessDate));
        if (refusal != null) {
            return new TransferLeg(refusal.reason().name(), refusal.getMessage());
        }
        apply(new TransferDebitedEvent(accountId, command.transferId(), command.targetAccountId(), command.amount(),
                balance.minus(command.amount())));
        return TransferLeg.ACCEPTED;
    }

    @CommandHandler
    TransferLeg handle(CheckTransferCreditCommand command) {
        DomainException refusal = refusalOf(() -> requireCreditable(command.amount()));
        return refusal == null ? TransferLeg.ACCEPTED : new TransferLeg(refusal.reason().name(), refusal.getMessage());
    }

    @CommandHandler
    AccountDetails handle(CreditForTransferCommand command) {
        // Checked under the same lock in the same transaction: a refusal here is a fault, and rolls back.
        DomainException refusal = refusalOf(() -> requireCreditable(command.amount()));
        if (refusal != null) {
            throw new IllegalStateException("a transfer credit the check accepted was refused: " + refusal.getMessage(),
                    refusal);
        }
        apply(new TransferCreditedEvent(accountId, command.transferId(), command.sourceAccountId(), command.amount(),
                balance.plus(command.amount())));
        return details();
    }

    /** Open, debits not frozen, the account's currency, within both limits and the available funds. */
    private void requireTransferDebit(Money debit, DebitLimits limits, DebitLimits roleLimits, String businessDate) {
        requireOpen();
        if (freezeScope != null) {
            throw frozen("debits");
        }
        Money amount = requireAmount(debit);
        requireWithinLimits(amount, limits == null ? DebitLimits.NONE : limits, businessDate);
        requireWithinLimits(amount, roleLimits == null ? DebitLimits.NONE : roleLimits, businessDate);
        requireAvailable(amount);
    }

    /** Open, credits not frozen, the account's currency, and room below the largest balance. */
    private void requireCreditable(Money credit) {
        requireOpen();
        if (freezeScope == FreezeScope.ALL) {
            throw frozen("credits");
        }
        Money amount = requireAmount(credit);
        if (balance.plus(amount).amount().compareTo(MAX_BALANCE_UNITS) > 0) {
            throw DomainException.rule(ErrorReason.BALANCE_LIMIT_EXCEEDED,
                    "the transfer would take the balance above the largest balance an account may hold",
                    Map.of("account_id", accountId));
        }
    }

    @CommandHandler
    AccountDetails handle(ReserveForTransferCommand command,
                          @MetaDataValue(MetadataKeys.BUSINESS_DATE) String businessDate) {
        if (stepTaken(command.transferId())) {
            return details(); // this step was decided before: a redelivery changes nothing
        }
        DomainException refusal = refusalOf(() -> requireTransferDebit(command.amount(), command.limits(),
                command.roleLimits(), businessDate));
        if (refusal != null) {
            apply(new TransferStepRefusedEvent(accountId, command.transferId(), TransferStep.RESERVE.name(),
                    command.targetAccountId(), command.amount(), refusal.reason().name(), refusal.getMessage()));
        } else {
            apply(new TransferDebitReservedEvent(accountId, command.transferId(), command.targetAccountId(),
                    command.amount()));
        }
        return details();
    }

    @CommandHandler
    AccountDetails handle(CreditTransferCommand command) {
        if (stepTaken(command.transferId())) {
            return details();
        }
        DomainException refusal = refusalOf(() -> requireCreditable(command.amount()));
        if (refusal != null) {
            apply(new TransferStepRefusedEvent(accountId, command.transferId(), TransferStep.CREDIT.name(),
                    command.sourceAccountId(), command.amount(), refusal.reason().name(), refusal.getMessage()));
        } else {
            apply(new TransferCreditedEvent(accountId, command.transferId(), command.sourceAccountId(),
                    command.amount(), balance.plus(command.amount())));
        }
        return details();
    }

    @CommandHandler
    AccountDetails handle(SettleTransferCommand command) {
        if (!reservedFor.containsKey(command.transferId())) {
            return details(); // settled or released before, or never reserved here: nothing to do
        }
        // The amount comes from the reservation, not its hold: a store written before process holds were
        // protected may hold a reservation whose hold a teller released, and the credit already happened.
        Reservation reservation = reservedFor.get(command.transferId());
        // Reserved funds settle even if the account was frozen meanwhile: they left the available funds then.
        apply(new TransferDebitSettledEvent(accountId, command.transferId(), reservation.targetAccountId(),
                reservation.amount(), balance.minus(reservation.amount())));
        return details();
    }

    @CommandHandler
    AccountDetails handle(ReleaseTransferCommand command) {
        if (!reservedFor.containsKey(command.transferId())) {
            return details();
        }
        Reservation reservation = reservedFor.get(command.transferId());
        apply(new TransferReservationReleasedEvent(accountId, command.transferId(),
                reservation.targetAccountId(), reservation.amount(), command.reason()));
        return details();
    }

    /** Whether this account recorded a step of the transfer (among the remembered ones, or open). */
    private boolean stepTaken(String transferId) {
        return transfers.containsKey(transferId) || reservedFor.containsKey(transferId);
    }

    private void recordStep(String transferId, TransferStep step) {
        transfers.remove(transferId);
        transfers.put(transferId, step);
        if (transfers.size() > REMEMBERED_TRANSFERS) {
            transfers.remove(transfers.keySet().iterator().next());
        }
    }

    /** The business refusal the checks raise, or null if they pass. */
    private static DomainException refusalOf(Runnable checks) {
        try {
            checks.run();
            return null;
        } catch (DomainException e) {
            return e;
        }
    }

    @CommandHandler
    AccountDetails handle(CaptureHeldDebitCommand command) {
        requireOpen();
        Hold hold = holds.get(command.transactionId());
        ReviewedDebit debit = underReview.get(command.transactionId());
        if (hold == null || debit == null) {
            throw DomainException.notFound(ErrorReason.HOLD_NOT_FOUND, "the debit is no longer held for review",
                    Map.of("account_id", accountId, "hold_id", String.valueOf(command.transactionId())));
        }
        if (freezeScope != null) {
            throw frozen("debits");
        }
        apply(new HoldReleasedEvent(accountId, hold.holdId(), hold.amount()));
        apply(new FundsWithdrawnEvent(accountId, command.transactionId(), hold.amount(), debit.counterparty(),
                balance.minus(hold.amount())));
        return details();
    }

    /** Which bound of the rule this debit would pass, described; null if it passes none. */
    private String trippedRule(VelocityRule rule, Money amount) {
        Instant since = rule.now().minus(rule.window());
        int count = 0;
        BigDecimal total = amount.amount();
        for (RecentDebit debit : recentDebits.getOrDefault(rule.channel(), List.of())) {
            if (debit.at().isAfter(since)) {
                count++;
                total = total.add(debit.amount());
            }
        }
        if (rule.maxDebits() != null && count + 1 > rule.maxDebits()) {
            return "more than " + rule.maxDebits() + " debits on " + rule.channel() + " within " + rule.window();
        }
        if (rule.maxAmount() != null && total.compareTo(rule.maxAmount()) > 0) {
            return "more than " + rule.maxAmount().toPlainString() + " debited on " + rule.channel() + " within "
                    + rule.window();
        }
        return null;
    }

    @CommandHandler
    AccountDetails handle(PlaceHoldCommand command, DeadlineManager deadlines) {
        requireOpen();
        if (freezeScope != null) {
            throw frozen("holds");
        }
        Money amount = requireAmount(command.amount());
        String reason = AccountFieldRules.checkText("reason", command.reason());
        requireAvailable(amount);
        apply(new HoldPlacedEvent(accountId, command.holdId(), amount, reason, command.expireTime()));
        if (command.expireTime() != null) {
            // A persistent deadline: fires after a restart too, also if the node was down at expiry.
            deadlines.schedule(command.expireTime(), HOLD_EXPIRY, command.holdId());
        }
        return details();
    }

    @CommandHandler
    AccountDetails handle(ReleaseHoldCommand command) {
        requireOpen();
        Hold hold = holds.get(command.holdId());
        if (hold == null) {
            throw DomainException.notFound(ErrorReason.HOLD_NOT_FOUND, "no active hold with this id on the account",
                    Map.of("account_id", accountId, "hold_id", String.valueOf(command.holdId())));
        }
        String process = reservedFor.containsKey(hold.holdId()) ? "transfer"
                : underReview.containsKey(hold.holdId()) ? "debit-review" : null;
        if (process != null) {
            // Releasing a transfer's reservation would let the transfer settle money it no longer holds;
            // a reviewed debit's hold ends with the reviewer's decision.
            throw DomainException.rule(ErrorReason.HOLD_HELD_BY_PROCESS,
                    "the hold belongs to a " + process + " and ends with it",
                    Map.of("account_id", accountId, "hold_id", hold.holdId(), "held_by", process));
        }
        // Its expiry deadline, if any, stays scheduled and finds no hold when it fires.
        apply(new HoldReleasedEvent(accountId, hold.holdId(), hold.amount()));
        return details();
    }

    @CommandHandler
    AccountDetails handle(DeclineHeldDebitCommand command) {
        Hold hold = holds.get(command.transactionId());
        if (hold == null || !underReview.containsKey(command.transactionId())) {
            throw DomainException.notFound(ErrorReason.HOLD_NOT_FOUND, "the debit is no longer held for review",
                    Map.of("account_id", accountId, "hold_id", String.valueOf(command.transactionId())));
        }
        apply(new HoldReleasedEvent(accountId, hold.holdId(), hold.amount()));
        return details();
    }

    @DeadlineHandler(deadlineName = HOLD_EXPIRY)
    void onHoldExpiry(String holdId) {
        Hold hold = holds.get(holdId);
        if (hold != null) {
            // Released meanwhile (or expired twice through redelivery): nothing to record.
            apply(new HoldExpiredEvent(accountId, holdId, hold.amount()));
        }
    }

    @CommandHandler
    AccountDetails handle(FreezeAccountCommand command) {
        requireOpen();
        Violations violations = new Violations();
        if (command.scope() == null) {
            violations.add("scope", "is required: DEBITS or ALL");
        }
        String reason = AccountFieldRules.checkText("reason", command.reason(), violations);
        violations.throwIfAny();
        if (command.scope() != freezeScope || !reason.equals(freezeReason)) {
            apply(new AccountFrozenEvent(accountId, command.scope(), reason));
        }
        return details();
    }

    @CommandHandler
    AccountDetails handle(UnfreezeAccountCommand command) {
        requireOpen();
        String reason = AccountFieldRules.checkText("reason", command.reason());
        if (freezeScope == null) {
            throw DomainException.rule(ErrorReason.ACCOUNT_NOT_FROZEN, "the account is not frozen",
                    Map.of("account_id", accountId));
        }
        apply(new AccountUnfrozenEvent(accountId, reason));
        return details();
    }

    @CommandHandler
    AccountDetails handle(ChangeOverdraftLimitCommand command) {
        requireOpen();
        String reason = AccountFieldRules.checkText("reason", command.reason());
        Money limit = command.overdraftLimit();
        if (limit == null || limit.isNegative()) {
            throw DomainException.invalidField("overdraft_limit", "is required and must not be negative");
        }
        if (!limit.currency().equals(currency)) {
            throw DomainException.rule(ErrorReason.CURRENCY_MISMATCH,
                    "the limit is in " + limit.currency() + " but the account holds " + currency,
                    Map.of("account_id", accountId, "account_currency_code", currency.getCurrencyCode(),
                            "amount_currency_code", limit.currency().getCurrencyCode()));
        }
        if (product == AccountProduct.SAVINGS && limit.isPositive()) {
            throw DomainException.invalidField("overdraft_limit", "only CURRENT accounts may have an overdraft");
        }
        apply(new OverdraftLimitChangedEvent(accountId, overdraftLimit, limit, reason));
        return details();
    }

    @CommandHandler
    AccountDetails handle(CloseAccountCommand command) {
        requireOpen();
        if (!balance.isZero()) {
            throw DomainException.rule(ErrorReason.ACCOUNT_NOT_EMPTY, "only an account with a zero balance can close",
                    Map.of("account_id", accountId, "balance", balance.amount().toPlainString(),
                            "currency_code", currency.getCurrencyCode()));
        }
        if (!holds.isEmpty()) {
            throw DomainException.rule(ErrorReason.ACCOUNT_HAS_ACTIVE_HOLDS, "release the account's holds before closing",
                    Map.of("account_id", accountId, "active_holds", String.valueOf(holds.size())));
        }
        apply(new AccountClosedEvent(accountId));
        return details();
    }

    AccountDetails details() {
        return new AccountDetails(accountId, customerId, product, balance, available(), overdraftLimit,
                List.copyOf(new ArrayList<>(holds.values())), freezeScope, freezeReason, status, openingBusinessDate,
                createTime, updateTime);
    }

    private Money available() {
        Money held = Money.zero(currency);
        for (Hold hold : holds.values()) {
            held = held.plus(hold.amount());
        }
        return balance.plus(overdraftLimit).minus(held);
    }

    private void requireOpen() {
        if (accountId == null) {
            // The id named another kind of aggregate (e.g. a customer): there is no such account.
            throw DomainException.notFound(ErrorReason.ACCOUNT_NOT_FOUND, "no such account", Map.of());
        }
        if (status == AccountStatus.CLOSED) {
            throw DomainException.rule(ErrorReason.ACCOUNT_CLOSED, "the account is closed",
                    Map.of("account_id", accountId));
        }
    }

    private DomainException frozen(String what) {
        return DomainException.rule(ErrorReason.ACCOUNT_FROZEN, "the account is frozen: no " + what,
                Map.of("account_id", accountId, "freeze_scope", freezeScope.name()));
    }

    private Money requireAmount(Money amount) {
        if (amount == null || !amount.isPositive()) {
            throw DomainException.invalidField("amount", "must be greater than zero");
        }
        if (!amount.currency().equals(currency)) {
            throw DomainException.rule(ErrorReason.CURRENCY_MISMATCH,
                    "the amount is in " + amount.currency() + " but the account holds " + currency,
                    Map.of("account_id", accountId, "account_currency_code", currency.getCurrencyCode(),
                            "amount_currency_code", amount.currency().getCurrencyCode()));
        }
        return amount;
    }

    /** Per-transaction and per-day (per channel) limits, decided here so no race can exceed them. */
    private void requireWithinLimits(Money amount, DebitLimits limits, String businessDate) {
        if (limits.perTransaction() != null && amount.amount().compareTo(limits.perTransaction()) > 0) {
            throw DomainException.rule(ErrorReason.TRANSACTION_LIMIT_EXCEEDED,
                    "the amount exceeds the per-transaction limit of " + limits.describe(),
                    Map.of("account_id", accountId, "channel", String.valueOf(limits.channel()),
                            "limit", limits.perTransaction().toPlainString(),
                            "currency_code", currency.getCurrencyCode()));
        }
        if (limits.daily() != null) {
            BigDecimal usedToday = debitedToday(limits.channel(), businessDate);
            if (usedToday.add(amount.amount()).compareTo(limits.daily()) > 0) {
                throw DomainException.rule(ErrorReason.DAILY_LIMIT_EXCEEDED,
                        "the amount would exceed the daily limit of " + limits.describe(),
                        Map.of("account_id", accountId, "channel", String.valueOf(limits.channel()),
                                "limit", limits.daily().toPlainString(), "used_today", usedToday.toPlainString(),
                                "business_date", String.valueOf(businessDate),
                                "currency_code", currency.getCurrencyCode()));
            }
        }
    }

    private BigDecimal debitedToday(String channel, String businessDate) {
        DailyDebits debits = dailyDebits.get(channel);
        return debits != null && debits.businessDate().equals(businessDate) ? debits.total() : BigDecimal.ZERO;
    }

    /** Debits on one channel during one business day. */
    private record DailyDebits(String businessDate, BigDecimal total) {
    }

    private void requireAvailable(Money amount) {
        Money available = available();
        if (amount.isGreaterThan(available)) {
            throw DomainException.rule(ErrorReason.INSUFFICIENT_FUNDS, "the amount exceeds the available funds",
                    Map.of("account_id", accountId, "available", available.amount().toPlainString(),
                            "requested", amount.amount().toPlainString(),
                            "currency_code", currency.getCurrencyCode()));
        }
    }

    @EventSourcingHandler
    void on(AccountOpenedEvent event, @Timestamp Instant occurredAt) {
        accountId = event.accountId();
        customerId = event.customerId();
        product = event.product();
        currency = Currency.getInstance(event.currencyCode());
        balance = Money.zero(currency);
        overdraftLimit = event.overdraftLimit();
        status = AccountStatus.OPEN;
        openingBusinessDate = event.openingBusinessDate();
        createTime = occurredAt;
        updateTime = occurredAt;
    }

    @EventSourcingHandler
    void on(FundsDepositedEvent event, @Timestamp Instant occurredAt) {
        balance = event.balanceAfter();
        updateTime = occurredAt;
    }

    @EventSourcingHandler
    void on(FundsWithdrawnEvent event, @Timestamp Instant occurredAt,
            @MetaDataValue(MetadataKeys.CHANNEL) String channel,
            @MetaDataValue(MetadataKeys.ROLE) String role,
            @MetaDataValue(MetadataKeys.BUSINESS_DATE) String businessDate) {
        balance = event.balanceAfter();
        updateTime = occurredAt;
        if (channel != null) {
            remember(channel, occurredAt, event.amount());
        }
        if (businessDate != null) {
            // Counted per channel and per role: the keys DebitLimits names.
            countDebit(channel, businessDate, event.amount());
            countDebit(role == null ? null : DebitLimits.ROLE_PREFIX + role, businessDate, event.amount());
        }
    }

    /** Recent debits per channel for velocity rules: a day's worth, at most 1,000 per channel. */
    private void remember(String channel, Instant at, Money amount) {
        // A list, not a deque: the test fixture compares state by equals.
        List<RecentDebit> recent = recentDebits.computeIfAbsent(channel, key -> new ArrayList<>());
        recent.add(new RecentDebit(at, amount.amount()));
        Instant horizon = at.minus(VelocityRule.MAX_WINDOW);
        while (!recent.isEmpty() && (recent.size() > 1000 || recent.get(0).at().isBefore(horizon))) {
            recent.remove(0);
        }
    }

    private record RecentDebit(Instant at, BigDecimal amount) {
    }

    /** An open transfer reservation: where the money goes and how much was reserved. */
    private record Reservation(String targetAccountId, Money amount) {
    }

    /** Where a debit held for review goes once granted. */
    private record ReviewedDebit(Counterparty counterparty) {
    }

    private void countDebit(String key, String businessDate, Money amount) {
        if (key != null) {
            dailyDebits.put(key, new DailyDebits(businessDate, debitedToday(key, businessDate).add(amount.amount())));
        }
    }

    @EventSourcingHandler
    void on(TransferDebitReservedEvent event, @Timestamp Instant occurredAt,
            @MetaDataValue(MetadataKeys.CHANNEL) String channel, @MetaDataValue(MetadataKeys.ROLE) String role,
            @MetaDataValue(MetadataKeys.BUSINESS_DATE) String businessDate) {
        recordStep(event.transferId(), TransferStep.RESERVE);
        reservedFor.put(event.transferId(), new Reservation(event.targetAccountId(), event.amount()));
        holds.put(event.transferId(), new Hold(event.transferId(), event.amount(),
                "transfer to " + event.targetAccountId(), null));
        // A reservation counts against the daily limits at once, so no race passes them together.
        if (businessDate != null) {
            countDebit(channel, businessDate, event.amount());
            countDebit(role == null ? null : DebitLimits.ROLE_PREFIX + role, businessDate, event.amount());
        }
        updateTime = occurredAt;
    }

    @EventSourcingHandler
    void on(TransferDebitedEvent event, @Timestamp Instant occurredAt,
            @MetaDataValue(MetadataKeys.CHANNEL) String channel, @MetaDataValue(MetadataKeys.ROLE) String role,
            @MetaDataValue(MetadataKeys.BUSINESS_DATE) String businessDate) {
        balance = event.balanceAfter();
        if (businessDate != null) {
            countDebit(channel, businessDate, event.amount());
            countDebit(role == null ? null : DebitLimits.ROLE_PREFIX + role, businessDate, event.amount());
        }
        updateTime = occurredAt;
    }

    @EventSourcingHandler
    void on(TransferCreditedEvent event, @Timestamp Instant occurredAt) {
        recordStep(event.transferId(), TransferStep.CREDIT);
        balance = event.balanceAfter();
        updateTime = occurredAt;
    }

    @EventSourcingHandler
    void on(TransferDebitSettledEvent event, @Timestamp Instant occurredAt) {
        recordStep(event.transferId(), TransferStep.SETTLE);
        reservedFor.remove(event.transferId());
        holds.remove(event.transferId());
        balance = event.balanceAfter();
        updateTime = occurredAt;
    }

    @EventSourcingHandler
    void on(TransferReservationReleasedEvent event, @Timestamp Instant occurredAt) {
        recordStep(event.transferId(), TransferStep.RELEASE);
        reservedFor.remove(event.transferId());
        holds.remove(event.transferId());
        updateTime = occurredAt;
    }

    @EventSourcingHandler
    void on(TransferStepRefusedEvent event) {
        recordStep(event.transferId(), TransferStep.REFUSED);
    }

    @EventSourcingHandler
    void on(DebitHeldForReviewEvent event) {
        underReview.put(event.transactionId(), new ReviewedDebit(event.counterparty()));
    }

    @EventSourcingHandler
    void on(HoldPlacedEvent event, @Timestamp Instant occurredAt) {
        holds.put(event.holdId(), new Hold(event.holdId(), event.amount(), event.reason(), event.expireTime()));
        updateTime = occurredAt;
    }

    @EventSourcingHandler
    void on(HoldReleasedEvent event, @Timestamp Instant occurredAt) {
        holds.remove(event.holdId());
        underReview.remove(event.holdId());
        updateTime = occurredAt;
    }

    @EventSourcingHandler
    void on(HoldExpiredEvent event, @Timestamp Instant occurredAt) {
        holds.remove(event.holdId());
        underReview.remove(event.holdId());
        updateTime = occurredAt;
    }

    @EventSourcingHandler
    void on(AccountFrozenEvent event, @Timestamp Instant occurredAt) {
        freezeScope = event.scope();
        freezeReason = event.reason();
        updateTime = occurredAt;
    }

    @EventSourcingHandler
    void on(AccountUnfrozenEvent event, @Timestamp Instant occurredAt) {
        freezeScope = null;
        freezeReason = null;
        updateTime = occurredAt;
    }

    @EventSourcingHandler
    void on(OverdraftLimitChangedEvent event, @Timestamp Instant occurredAt) {
        overdraftLimit = event.overdraftLimit();
        updateTime = occurredAt;
    }

    @EventSourcingHandler
    void on(AccountClosedEvent event, @Timestamp Instant occurredAt) {
        status = AccountStatus.CLOSED;
        updateTime = occurredAt;
    }
}
