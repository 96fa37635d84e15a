package org.strongroom.account.api;

import java.time.Instant;
import java.time.LocalDate;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.strongroom.kernel.Money;

/** Commands to the Account aggregate. Amounts arrive as Money already at the right scale (or refused). */
public final class AccountCommands {

    private AccountCommands() {
    }

    /**
     * Open an account for a customer whose date of birth the caller read from the customer record
     * (age is decided against the business date by the aggregate). {@code overdraftLimit} opens the
     * account with that credit already granted: channels never pass one (credit is granted only through
     * maker-checker, as a ChangeOverdraftLimit after the supervisor's grant); null opens with none.
     */
    public record OpenAccountCommand(
            @TargetAggregateIdentifier String accountId,
            String customerId,
            LocalDate customerDateOfBirth,
            AccountProduct product,
            String currencyCode,
            Money overdraftLimit) {
    }

    public record DepositFundsCommand(
            @TargetAggregateIdentifier String accountId,
            String transactionId,
            Money amount,
            Counterparty counterparty) {
    }

    /**
     * @param limits     the caller's channel limits
     * @param roleLimits the caller's role limits (both apply)
     * @param velocity   the channel's velocity rule, or null: a debit that trips it is held for review
     */
    public record WithdrawFundsCommand(
            @TargetAggregateIdentifier String accountId,
            String transactionId,
            Money amount,
            Counterparty counterparty,
            DebitLimits limits,
            DebitLimits roleLimits,
            VelocityRule velocity) {

        /** A withdrawal with no limits (staff and system channels unless configured). */
        public WithdrawFundsCommand(String accountId, String transactionId, Money amount, Counterparty counterparty) {
            this(accountId, transactionId, amount, counterparty, DebitLimits.NONE, DebitLimits.NONE, null);
        }

        /** A withdrawal with channel limits only. */
        public WithdrawFundsCommand(String accountId, String transactionId, Money amount, Counterparty counterparty,
                                    DebitLimits limits) {
            this(accountId, transactionId, amount, counterparty, limits, DebitLimits.NONE, null);
        }
    }

    /**
     * Collects up to {@code maxAmount} of what a loan is due: as much of it as the account's own funds cover
     * (balance less holds, never the overdraft), nothing if the account is closed or frozen for debits.
     * Answers with the amount collected; never refuses for lack of funds.
     */
    public record CollectDueAmountCommand(@TargetAggregateIdentifier String accountId, String transactionId,
                                          Money maxAmount, Counterparty counterparty) {
    }

    /**
     * Executes a debit that was held for review, once a reviewer granted it: the review hold becomes the
     * withdrawal (limits and velocity were checked when the debit was asked for).
     */
    public record CaptureHeldDebitCommand(@TargetAggregateIdentifier String accountId, String transactionId) {
    }

    public record PlaceHoldCommand(
            @TargetAggregateIdentifier String accountId,
            String holdId,
            Money amount,
            String reason,
            Instant expireTime) {
    }

    /**
     * Releases a hold someone placed with PlaceHold. Holds a process placed (a transfer's reservation, a
     * debit held for review) are refused: they end with their process.
     */
    public record ReleaseHoldCommand(@TargetAggregateIdentifier String accountId, String holdId) {
    }

    /** A reviewer rejected a debit held for review: its hold is released and the debit never happens. */
    public record DeclineHeldDebitCommand(@TargetAggregateIdentifier String accountId, String transactionId) {
    }

    public record FreezeAccountCommand(@TargetAggregateIdentifier String accountId, FreezeScope scope, String reason) {
    }

    public record UnfreezeAccountCommand(@TargetAggregateIdentifier String accountId, String reason) {
    }

    public record CloseAccountCommand(@TargetAggregateIdentifier String accountId) {
    }

    /**
     * A transfer inside the bank, on the source: debits the amount within the caller's limits and the
     * available funds, or answers why not and changes nothing. Runs in the transfer's transaction, under
     * both accounts' locks; a refusal is an answer, not an exception, so the transaction goes on to record
     * the failed transfer.
     */
    public record DebitForTransferCommand(@TargetAggregateIdentifier String accountId, String transferId,
                                          String targetAccountId, Money amount, DebitLimits limits,
                                          DebitLimits roleLimits) {
    }

    /** Whether the target would take a transfer's credit now (open, credits allowed, its currency). */
    public record CheckTransferCreditCommand(@TargetAggregateIdentifier String accountId, String transferId,
                                             String sourceAccountId, Money amount) {
    }

    /** The target's credit of a transfer the source has paid; checked first with CheckTransferCreditCommand. */
    public record CreditForTransferCommand(@TargetAggregateIdentifier String accountId, String transferId,
                                           String sourceAccountId, Money amount) {
    }

    /** One side's answer to a transfer: accepted, or the refusing reason (an ErrorReason name) and message. */
    public record TransferLeg(String refusalReason, String refusalMessage) {

        public static final TransferLeg ACCEPTED = new TransferLeg(null, null);

        public boolean accepted() {
            return refusalReason == null;
        }
    }

    /**
     * Transfer step 1, on the source: reserve the amount (a hold with the transfer's id), or record why not.
     * Idempotent per transfer: a redelivered step changes nothing.
     */
    public record ReserveForTransferCommand(@TargetAggregateIdentifier String accountId, String transferId,
                                            String targetAccountId, Money amount, DebitLimits limits,
                                            DebitLimits roleLimits) {
    }

    /** Transfer step 2, on the target: credit the amount, or record why not. Idempotent per transfer. */
    public record CreditTransferCommand(@TargetAggregateIdentifier String accountId, String transferId,
                                        String sourceAccountId, Money amount) {
    }

    /** Transfer step 3, on the source: the reservation becomes the debit. Idempotent per transfer. */
    public record SettleTransferCommand(@TargetAggregateIdentifier String accountId, String transferId) {
    }

    /** Compensation, on the source: the target refused, so the reservation is released. Idempotent. */
    public record ReleaseTransferCommand(@TargetAggregateIdentifier String accountId, String transferId,
                                         String reason) {
    }

    /** Only ever sent once a supervisor approved it (maker-checker). */
    public record ChangeOverdraftLimitCommand(@TargetAggregateIdentifier String accountId, Money overdraftLimit,
                                              String reason) {
    }
}
