package org.strongroom.payment.api;

import java.time.Instant;
import java.time.LocalDate;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.strongroom.account.api.DebitLimits;
import org.strongroom.kernel.Money;

/**
 * Commands, events and answers of the Transfer aggregate: a transfer between two accounts of the bank,
 * carried out step by step by {@code TransferProcess} (reserve on the source, credit the target, settle
 * the source; or release the reservation and fail). A transfer dated after the business date it is
 * requested on waits as SCHEDULED until close of business starts it on that date.
 */
public final class TransferApi {

    private TransferApi() {
    }

    public enum TransferStatus {
        PENDING,
        COMPLETED,
        FAILED,
        /** Dated for a later business date; becomes PENDING when started on it. */
        SCHEDULED
    }

    /**
     * @param limits        the initiating caller's channel limits, applied when the source is reserved
     * @param roleLimits    the initiating caller's role limits
     * @param executionDate the business date to carry it out on; null (or the business date) for now
     * @param businessDate  the current business date, which the execution date is judged against
     */
    public record RequestTransferCommand(@TargetAggregateIdentifier String transferId, String sourceAccountId,
                                         String targetAccountId, Money amount, String reference, DebitLimits limits,
                                         DebitLimits roleLimits, LocalDate executionDate, LocalDate businessDate) {
    }

    /**
     * What a transfer carried out now moves, and within whose limits: the asking caller's channel and role
     * (for a scheduled transfer, those of the caller who scheduled it).
     */
    public record TransferOrder(String transferId, String sourceAccountId, String targetAccountId, Money amount,
                                String reference, DebitLimits limits, DebitLimits roleLimits) {
    }

    /**
     * Records a transfer inside the bank carried out in this transaction: COMPLETED if both sides
     * accepted, else FAILED with the refusing side's reason.
     */
    public record BookTransferCommand(@TargetAggregateIdentifier String transferId, TransferOrder order,
                                      String failureReason, String failureMessage) {
    }

    /**
     * The order of a SCHEDULED transfer whose execution date has come, to carry out now; null for one
     * already carried out (close of business may ask again after a crash). Records nothing.
     *
     * @throws org.strongroom.kernel.DomainException TRANSFER_NOT_DUE before its date
     */
    public record DueTransferCommand(@TargetAggregateIdentifier String transferId, LocalDate businessDate) {
    }

    /**
     * Records how a SCHEDULED transfer ended on its date (see {@link DueTransferCommand}); does nothing to
     * one that already ended.
     */
    public record ExecuteScheduledTransferCommand(@TargetAggregateIdentifier String transferId,
                                                  LocalDate businessDate, String failureReason,
                                                  String failureMessage) {
    }

    public record CompleteTransferCommand(@TargetAggregateIdentifier String transferId) {
    }

    /** @param reason an ErrorReason name: why a step refused */
    public record FailTransferCommand(@TargetAggregateIdentifier String transferId, String reason, String message) {
    }

    public record TransferRequestedEvent(String transferId, String sourceAccountId, String targetAccountId,
                                         Money amount, String reference, DebitLimits limits, DebitLimits roleLimits) {
    }

    /** A transfer dated for a later business date: TransferRequestedEvent follows on that date. */
    public record TransferScheduledEvent(String transferId, String sourceAccountId, String targetAccountId,
                                         Money amount, String reference, DebitLimits limits, DebitLimits roleLimits,
                                         LocalDate executionDate) {
    }

    /**
     * A transfer inside the bank carried out in one transaction with both accounts' changes: COMPLETED
     * (no failure reason) or FAILED with the refusing side's reason. For a scheduled transfer it follows
     * its TransferScheduledEvent on the execution date.
     */
    public record TransferExecutedEvent(String transferId, String sourceAccountId, String targetAccountId,
                                        Money amount, String reference, String failureReason,
                                        String failureMessage) {

        public boolean completed() {
            return failureReason == null;
        }
    }

    public record TransferCompletedEvent(String transferId, String sourceAccountId, String targetAccountId,
                                         Money amount) {
    }

    public record TransferFailedEvent(String transferId, String sourceAccountId, String targetAccountId, Money amount,
                                      String reason, String message) {
    }

    /** @param executionDate the date a scheduled transfer was dated for; null for one carried out at once */
    public record TransferDetails(String transferId, String sourceAccountId, String targetAccountId, Money amount,
                                  String reference, TransferStatus status, String failureReason,
                                  String failureMessage, Instant requestTime, Instant updateTime,
                                  LocalDate executionDate) {
    }
}
