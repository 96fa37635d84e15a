package org.strongroom.account.api;

import java.time.Instant;
import java.time.LocalDate;
import org.axonframework.serialization.Revision;
import org.strongroom.kernel.Money;

/** Facts about accounts. Postings carry the balance after them, so a statement needs no arithmetic. */
public final class AccountEvents {

    private AccountEvents() {
    }

    @Revision("1")
    public record AccountOpenedEvent(String accountId, String customerId, AccountProduct product, String currencyCode,
                                     Money overdraftLimit, LocalDate openingBusinessDate) {
    }

    @Revision("1")
    public record FundsDepositedEvent(String accountId, String transactionId, Money amount, Counterparty counterparty,
                                      Money balanceAfter) {
    }

    @Revision("1")
    public record FundsWithdrawnEvent(String accountId, String transactionId, Money amount, Counterparty counterparty,
                                      Money balanceAfter) {
    }

    @Revision("1")
    public record HoldPlacedEvent(String accountId, String holdId, Money amount, String reason, Instant expireTime) {
    }

    /**
     * A debit tripped its channel's velocity rule: instead of executing, its amount is held (hold id =
     * transaction id) until a reviewer grants it (then it executes) or rejects it, or the hold expires.
     */
    public record DebitHeldForReviewEvent(String accountId, String transactionId, Money amount,
                                          Counterparty counterparty, String channel, String rule) {
    }

    @Revision("1")
    public record HoldReleasedEvent(String accountId, String holdId, Money amount) {
    }

    @Revision("1")
    public record HoldExpiredEvent(String accountId, String holdId, Money amount) {
    }

    @Revision("1")
    public record AccountFrozenEvent(String accountId, FreezeScope scope, String reason) {
    }

    @Revision("1")
    public record AccountUnfrozenEvent(String accountId, String reason) {
    }

    @Revision("1")
    /** The source reserved a transfer's amount: a hold whose id is the transfer id. */
    public record TransferDebitReservedEvent(String accountId, String transferId, String targetAccountId,
                                             Money amount) {
    }

    /** The target received a transfer. */
    public record TransferCreditedEvent(String accountId, String transferId, String sourceAccountId, Money amount,
                                        Money balanceAfter) {
    }

    /**
     * The source paid a transfer inside the bank: debit, the target's credit and the transfer's record are
     * one transaction (no reservation).
     */
    public record TransferDebitedEvent(String accountId, String transferId, String targetAccountId, Money amount,
                                       Money balanceAfter) {
    }

    /** The source's reservation became the debit. */
    public record TransferDebitSettledEvent(String accountId, String transferId, String targetAccountId,
                                            Money amount, Money balanceAfter) {
    }

    /** The source's reservation was released because the target refused (reason: an ErrorReason name). */
    public record TransferReservationReleasedEvent(String accountId, String transferId, String targetAccountId,
                                                   Money amount, String reason) {
    }

    /**
     * An account refused a transfer step (RESERVE on the source, CREDIT on the target): recorded, so the
     * transfer process fails or compensates exactly once even after a crash.
     */
    public record TransferStepRefusedEvent(String accountId, String transferId, String step,
                                           String otherAccountId, Money amount, String reason, String message) {
    }

    public record OverdraftLimitChangedEvent(String accountId, Money previousLimit, Money overdraftLimit,
                                             String reason) {
    }

    public record AccountClosedEvent(String accountId) {
    }
}
