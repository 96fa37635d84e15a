package org.strongroom.loan.domain;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.serialization.Revision;
import org.axonframework.spring.stereotype.Aggregate;
import org.strongroom.account.api.AccountFieldRules;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.FieldViolation;
import org.strongroom.kernel.Money;
import org.strongroom.loan.api.LoanApi.ApplyForLoanCommand;
import org.strongroom.loan.api.LoanApi.CloseLoanDayCommand;
import org.strongroom.loan.api.LoanApi.DecideLoanCommand;
import org.strongroom.loan.api.LoanApi.DelinquencyBucket;
import org.strongroom.loan.api.LoanApi.DisburseLoanCommand;
import org.strongroom.loan.api.LoanApi.InspectLoanCommand;
import org.strongroom.loan.api.LoanApi.LineAmount;
import org.strongroom.loan.api.LoanApi.LoanAppliedEvent;
import org.strongroom.loan.api.LoanApi.LoanApprovedEvent;
import org.strongroom.loan.api.LoanApi.LoanClosedEvent;
import org.strongroom.loan.api.LoanApi.LoanDayClosedEvent;
import org.strongroom.loan.api.LoanApi.LoanDetails;
import org.strongroom.loan.api.LoanApi.LoanDisbursedEvent;
import org.strongroom.loan.api.LoanApi.LoanInterestAccruedEvent;
import org.strongroom.loan.api.LoanApi.LoanRecoveryRecordedEvent;
import org.strongroom.loan.api.LoanApi.LoanReferredEvent;
import org.strongroom.loan.api.LoanApi.LoanRejectedEvent;
import org.strongroom.loan.api.LoanApi.LoanRepaidEvent;
import org.strongroom.loan.api.LoanApi.LoanStatus;
import org.strongroom.loan.api.LoanApi.LoanWrittenOffEvent;
import org.strongroom.loan.api.LoanApi.PayoffQuote;
import org.strongroom.loan.api.LoanApi.QuotePayoffCommand;
import org.strongroom.loan.api.LoanApi.RecordRecoveryCommand;
import org.strongroom.loan.api.LoanApi.ReferLoanCommand;
import org.strongroom.loan.api.LoanApi.RepayLoanCommand;
import org.strongroom.loan.api.LoanApi.ScheduledLine;
import org.strongroom.loan.api.LoanApi.WriteOffLoanCommand;
import org.strongroom.loan.api.LoanApi.AssessWriteOffCommand;
import org.strongroom.loan.product.LoanProduct;
import org.strongroom.loan.schedule.Instalment;
import org.strongroom.loan.schedule.ScheduleCalculator;
import org.strongroom.loan.schedule.ScheduleTerms;
import org.strongroom.loan.scoring.CreditDecision;
import org.strongroom.loan.scoring.CreditOutcome;
import org.strongroom.loan.scoring.Scorecard;

/**
 * A loan from application to its end: decided by the scorecard (and a loan officer where the product or
 * the score asks for one), disbursed once, repaid by instalments, aged and charged penalty interest by
 * close of business, and closed, or written off and recovered. Money arithmetic is in {@link LoanBook}.
 */
@Aggregate
// The form of its snapshots: raise it whenever a field changes, and older snapshots are ignored.
@Revision("1")
public class Loan {

    /** Persisted with every scheduled decision deadline: renaming it strands stored ones. */
    static final String DECISION_EXPIRY = "loan-decision-expiry";
    /** How far ahead a payoff can be quoted. */
    static final int MAX_QUOTE_DAYS = 366;

    @AggregateIdentifier
    private String loanId;
    private String customerId;
    private String accountId;
    private LoanProduct product;
    private Money principal;
    private int instalments;
    private CreditDecision decision;
    private List<String> referralReasons = List.of();
    private String approvalId;
    private LocalDate applicationDate;
    private LocalDate disbursementDate;
    private LoanStatus status;
    private Money fee;
    private LoanBook book;
    private DelinquencyBucket bucket = DelinquencyBucket.CURRENT;
    private int daysPastDue;
    private Money writtenOff;
    private Money recovered;
    private Instant updateTime;

    protected Loan() {
        // rebuilt from events
    }

    @CommandHandler
    Loan(ApplyForLoanCommand command) {
        LoanProduct product = command.product();
        Money principal = command.principal();
        List<FieldViolation> violations = product.termViolations(principal, command.instalments());
        if (!violations.isEmpty()) {
            throw DomainException.invalidFields(violations);
        }
        List<Instalment> preview = ScheduleCalculator.schedule(terms(product, principal, command.instalments(),
                command.applicationDate()));
        Money largest = preview.stream().map(Instalment::total).max(Money::compareTo).orElseThrow();
        Money monthly = new Money(largest.amount().multiply(BigDecimal.valueOf(product.frequency().periodsPerYear()))
                .divide(BigDecimal.valueOf(12), largest.amount().scale(), RoundingMode.HALF_UP), largest.currency());
        CreditDecision decision = Scorecard.decide(command.profile(), monthly.amount());
        List<String> referral = new ArrayList<>();
        LoanStatus status;
        if (decision.outcome() == CreditOutcome.REJECTED) {
            status = LoanStatus.REJECTED;
        } else {
            if (decision.outcome() == CreditOutcome.MANUAL_REVIEW) {
                referral.add("SCORE_IN_REVIEW_BAND");
            }
            if (principal.amount().compareTo(product.autoApprovalLimit()) > 0) {
                referral.add("ABOVE_AUTO_APPROVAL_LIMIT");
            }
            status = referral.isEmpty() ? LoanStatus.APPROVED : LoanStatus.PENDING_REVIEW;
        }
        apply(new LoanAppliedEvent(command.loanId(), command.customerId(), command.accountId(), product, principal,
                command.instalments(), command.profile(), decision, monthly, status, referral,
                command.applicationDate(), command.applicantId()));
    }

    private static ScheduleTerms terms(LoanProduct product, Money principal, int instalments, LocalDate start) {
        return new ScheduleTerms(principal, product.annualRate(), instalments, product.frequency(),
                product.amortization(), product.dayCount(), start);
    }

    @CommandHandler
    LoanDetails handle(ReferLoanCommand command, DeadlineManager deadlines) {
        if (status != LoanStatus.PENDING_REVIEW || approvalId != null) {
            throw notAwaitingDecision();
        }
        apply(new LoanReferredEvent(loanId, command.approvalId()));
        if (command.expireTime() != null) {
            deadlines.schedule(command.expireTime(), DECISION_EXPIRY, command.approvalId());
        }
        return details(null);
    }

    /** Nobody decided in time: the application is rejected, as its approval request expired. */
    @DeadlineHandler(deadlineName = DECISION_EXPIRY)
    void onDecisionExpiry(String expiredApprovalId) {
        if (status == LoanStatus.PENDING_REVIEW && expiredApprovalId.equals(approvalId)) {
            apply(new LoanRejectedEvent(loanId, approvalId, null, "no loan officer decided in time"));
        }
    }

    @CommandHandler
    LoanDetails handle(DecideLoanCommand command) {
        if (status != LoanStatus.PENDING_REVIEW || approvalId == null || !approvalId.equals(command.approvalId())) {
            throw notAwaitingDecision();
        }
        if (command.approve()) {
            apply(new LoanApprovedEvent(loanId, approvalId, command.officerId()));
        } else {
            apply(new LoanRejectedEvent(loanId, approvalId, command.officerId(), command.reason()));
        }
        return details(null);
    }

    @CommandHandler
    LoanDetails handle(DisburseLoanCommand command) {
        if (status != LoanStatus.APPROVED) {
            throw DomainException.rule(ErrorReason.LOAN_NOT_APPROVED, "the loan is " + status + "; only an "
                    + "approved application is disbursed, once", Map.of("loan_id", loanId, "status", status.name()));
        }
        ScheduleTerms terms = terms(product, principal, instalments, command.businessDate());
        List<ScheduledLine> schedule = ScheduleCalculator.schedule(terms).stream()
                .map(row -> new ScheduledLine(row.number(), row.dueDate(), row.principal(), row.interest())).toList();
        apply(new LoanDisbursedEvent(loanId, command.transactionId(), accountId, command.businessDate(), principal,
                product.originationFee(principal), schedule,
                new Money(ScheduleCalculator.regularPayment(terms), principal.currency())));
        return details(command.businessDate());
    }

    @CommandHandler
    LoanDetails handle(RepayLoanCommand command) {
        requireActive();
        Money amount = command.amount();
        if (!amount.currency().equals(principal.currency())) {
            throw DomainException.invalidField("amount", "the loan is in " + principal.currency().getCurrencyCode());
        }
        if (!amount.isPositive()) {
            throw DomainException.invalidField("amount", "must be positive");
        }
        LocalDate date = requireNotBefore(command.businessDate());
        List<LineAmount> accruals = book.accrualTo(date);
        LoanBook accrued = book.copy();
        accrued.applyAccrual(accruals, date);
        if (amount.amount().compareTo(accrued.owed()) > 0) {
            throw DomainException.rule(ErrorReason.LOAN_OVERPAYMENT, "the loan owes " + accrued.money(accrued.owed())
                            + " today; a payment of " + amount + " would overpay it",
                    Map.of("loan_id", loanId, "payoff_amount", accrued.owed().toPlainString()));
        }
        LoanBook.Payment payment;
        try {
            payment = accrued.allocate(amount.amount(), date, command.mode());
        } catch (IllegalArgumentException e) {
            throw DomainException.invalidField("prepayment_mode", "the amount exceeds what is due ("
                    + accrued.money(accrued.dueOn(date)) + "): choose REDUCE_TERM or REDUCE_INSTALMENT for the rest");
        }
        if (!accruals.isEmpty()) {
            apply(new LoanInterestAccruedEvent(loanId, date, accruals));
        }
        boolean rescheduled = !payment.rescheduled().isEmpty();
        apply(new LoanRepaidEvent(loanId, command.transactionId(), date, amount, command.source(),
                payment.allocation(), payment.lines(), rescheduled ? command.mode() : null, payment.rescheduled(),
                rescheduled ? accrued.money(payment.regularPayment()) : null));
        if (book.repaid()) {
            apply(new LoanClosedEvent(loanId, date));
        }
        return details(date);
    }

    /** Closes every business day from the last closed one through the command's date; later ones are no-ops. */
    @CommandHandler
    LoanDetails handle(CloseLoanDayCommand command) {
        if (status != LoanStatus.ACTIVE) {
            return details(command.businessDate());
        }
        for (LocalDate day = book.closedThrough().plusDays(1); !day.isAfter(command.businessDate());
             day = day.plusDays(1)) {
            List<LineAmount> accruals = book.accrualTo(day);
            BigDecimal penalty = book.penaltyFor(day);
            int dpd = book.daysPastDue(day);
            apply(new LoanDayClosedEvent(loanId, day, accruals, book.money(penalty),
                    book.money(book.overduePrincipal(day)), dpd, DelinquencyBucket.of(dpd), bucket));
        }
        return details(command.businessDate());
    }

    @CommandHandler
    LoanDetails handle(InspectLoanCommand command) {
        return details(command.asOf());
    }

    @CommandHandler
    PayoffQuote handle(QuotePayoffCommand command) {
        requireActive();
        LocalDate date = command.payoffDate();
        if (date.isBefore(command.businessDate())) {
            throw DomainException.invalidField("payoff_date", "must not be before the business date "
                    + command.businessDate());
        }
        if (date.isAfter(command.businessDate().plusDays(MAX_QUOTE_DAYS))) {
            throw DomainException.invalidField("payoff_date", "must be within " + MAX_QUOTE_DAYS
                    + " days of the business date " + command.businessDate());
        }
        // Close the days from today to the payoff date as close of business will (without collections), then
        // accrue the payoff date itself. Days before today that are not yet closed charge nothing, exactly as
        // a repayment today would not.
        LoanBook projected = book.copy();
        LocalDate first = projected.closedThrough().plusDays(1);
        for (LocalDate day = first.isBefore(command.businessDate()) ? command.businessDate() : first;
             day.isBefore(date); day = day.plusDays(1)) {
            projected.applyDayClosed(projected.accrualTo(day), day, projected.penaltyFor(day));
        }
        projected.applyAccrual(projected.accrualTo(date), date);
        return new PayoffQuote(loanId, date, projected.money(projected.principalOutstanding()),
                projected.money(projected.interestAccrued()), projected.money(projected.penalties()),
                projected.money(projected.fees()), projected.money(projected.owed()));
    }

    @CommandHandler
    LoanDetails handle(AssessWriteOffCommand command) {
        requireWriteOffAllowed(command.reason(), command.minimumDaysPastDue());
        return details(command.businessDate());
    }

    @CommandHandler
    LoanDetails handle(WriteOffLoanCommand command) {
        String reason = requireWriteOffAllowed(command.reason(), command.minimumDaysPastDue());
        apply(new LoanWrittenOffEvent(loanId, command.businessDate(), command.officerId(), reason,
                book.money(book.principalOutstanding()), book.money(book.interestAccrued()),
                book.money(book.penalties()), book.money(book.fees()), book.money(book.owed())));
        return details(command.businessDate());
    }

    /** An active loan, a reason, and at least the minimum days past due; returns the checked reason. */
    private String requireWriteOffAllowed(String reasonText, int minimumDaysPastDue) {
        requireActive();
        String reason = AccountFieldRules.checkText("reason", reasonText);
        if (daysPastDue < minimumDaysPastDue) {
            throw DomainException.rule(ErrorReason.WRITE_OFF_TOO_EARLY, "the loan is " + daysPastDue
                    + " days past due; a write-off needs at least " + minimumDaysPastDue,
                    Map.of("loan_id", loanId, "days_past_due", String.valueOf(daysPastDue),
                            "minimum_days_past_due", String.valueOf(minimumDaysPastDue)));
        }
        return reason;
    }

    @CommandHandler
    LoanDetails handle(RecordRecoveryCommand command) {
        if (status != LoanStatus.WRITTEN_OFF) {
            throw DomainException.rule(ErrorReason.LOAN_NOT_WRITTEN_OFF, "the loan is " + status
                    + "; recoveries are recorded on written-off loans", Map.of("loan_id", loanId,
                    "status", String.valueOf(status)));
        }
        Money amount = command.amount();
        if (!amount.currency().equals(principal.currency()) || !amount.isPositive()) {
            throw DomainException.invalidField("amount", "must be a positive amount in "
                    + principal.currency().getCurrencyCode());
        }
        Money recoverable = writtenOff.minus(recovered);
        if (amount.isGreaterThan(recoverable)) {
            throw DomainException.rule(ErrorReason.LOAN_OVERPAYMENT, "only " + recoverable
                    + " of the written-off amount is left to recover", Map.of("loan_id", loanId,
                    "recoverable_amount", recoverable.amount().toPlainString()));
        }
        apply(new LoanRecoveryRecordedEvent(loanId, command.transactionId(), command.businessDate(), amount,
                recovered.plus(amount)));
        return details(command.businessDate());
    }

    private void requireActive() {
        if (status != LoanStatus.ACTIVE) {
            throw DomainException.rule(ErrorReason.LOAN_NOT_ACTIVE, "the loan is " + status,
                    Map.of("loan_id", loanId, "status", String.valueOf(status)));
        }
    }

    private LocalDate requireNotBefore(LocalDate date) {
        if (date.isBefore(book.accruedThrough())) {
            throw new IllegalStateException("business date " + date + " is before the loan's last accrual "
                    + book.accruedThrough());
        }
        return date;
    }

    private DomainException notAwaitingDecision() {
        return DomainException.rule(ErrorReason.LOAN_NOT_AWAITING_DECISION, "the loan is " + status
                + " and not waiting for this decision", Map.of("loan_id", loanId, "status", status.name()));
    }

    /** The loan as of {@code asOf} (accrued through it, nothing recorded); null: as recorded. */
    LoanDetails details(LocalDate asOf) {
        Money zero = Money.zero(principal.currency());
        if (book == null) {
            return new LoanDetails(loanId, customerId, accountId, product, status, principal,
                    product.originationFee(principal), instalments, decision, referralReasons, approvalId,
                    applicationDate, null, zero, zero, zero, zero, zero, 0, bucket, null, zero, zero, List.of(),
                    updateTime);
        }
        LoanBook view = book;
        if (asOf != null && status == LoanStatus.ACTIVE && asOf.isAfter(book.accruedThrough())) {
            view = book.copy();
            view.applyAccrual(view.accrualTo(asOf), asOf);
        }
        Money due = status == LoanStatus.ACTIVE && asOf != null ? view.money(view.dueOn(asOf)) : zero;
        return new LoanDetails(loanId, customerId, accountId, product, status, principal, fee, instalments, decision,
                referralReasons, approvalId, applicationDate, disbursementDate, view.money(view.principalOutstanding()),
                view.money(view.interestAccrued()), view.money(view.penalties()), view.money(view.fees()), due,
                daysPastDue, bucket, book.closedThrough(), writtenOff, recovered, view.instalments(), updateTime);
    }

    @EventSourcingHandler
    void on(LoanAppliedEvent event, @Timestamp Instant at) {
        loanId = event.loanId();
        customerId = event.customerId();
        accountId = event.accountId();
        product = event.product();
        principal = event.principal();
        instalments = event.instalments();
        decision = event.decision();
        referralReasons = event.referralReasons();
        applicationDate = event.applicationDate();
        status = event.status();
        writtenOff = Money.zero(principal.currency());
        recovered = writtenOff;
        updateTime = at;
    }

    @EventSourcingHandler
    void on(LoanReferredEvent event, @Timestamp Instant at) {
        approvalId = event.approvalId();
        updateTime = at;
    }

    @EventSourcingHandler
    void on(LoanApprovedEvent event, @Timestamp Instant at) {
        status = LoanStatus.APPROVED;
        updateTime = at;
    }

    @EventSourcingHandler
    void on(LoanRejectedEvent event, @Timestamp Instant at) {
        status = LoanStatus.REJECTED;
        updateTime = at;
    }

    @EventSourcingHandler
    void on(LoanDisbursedEvent event, @Timestamp Instant at) {
        status = LoanStatus.ACTIVE;
        disbursementDate = event.disbursementDate();
        fee = event.fee();
        book = new LoanBook(product, event.fee(), event.disbursementDate(), event.schedule(),
                event.regularPayment().amount());
        updateTime = at;
    }

    @EventSourcingHandler
    void on(LoanInterestAccruedEvent event, @Timestamp Instant at) {
        book.applyAccrual(event.accruals(), event.businessDate());
        updateTime = at;
    }

    @EventSourcingHandler
    void on(LoanRepaidEvent event, @Timestamp Instant at) {
        book.applyRepayment(event.allocation(), event.lines(), event.rescheduled(),
                event.regularPayment() == null ? null : event.regularPayment().amount(), event.businessDate());
        updateTime = at;
    }

    @EventSourcingHandler
    void on(LoanClosedEvent event, @Timestamp Instant at) {
        status = LoanStatus.CLOSED;
        daysPastDue = 0;
        bucket = DelinquencyBucket.CURRENT;
        updateTime = at;
    }

    @EventSourcingHandler
    void on(LoanDayClosedEvent event, @Timestamp Instant at) {
        book.applyDayClosed(event.accruals(), event.businessDate(), event.penalty().amount());
        daysPastDue = event.daysPastDue();
        bucket = event.bucket();
        updateTime = at;
    }

    @EventSourcingHandler
    void on(LoanWrittenOffEvent event, @Timestamp Instant at) {
        status = LoanStatus.WRITTEN_OFF;
        writtenOff = event.total();
        updateTime = at;
    }

    @EventSourcingHandler
    void on(LoanRecoveryRecordedEvent event, @Timestamp Instant at) {
        recovered = event.recoveredTotal();
        updateTime = at;
    }
}
