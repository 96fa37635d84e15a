package org.strongroom.payment.api;

import java.time.Instant;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.strongroom.account.api.DebitLimits;
import org.strongroom.kernel.Money;

/**
 * Commands, events and answers of the Transfer aggregate: a transfer between two accounts of the bank,
 * carried out step by step by {@code TransferProcess} (reserve on the source, credit the target, settle
 * the source; or release the reservation and fail).
 */
public final class TransferApi {

    private TransferApi() {
    }

    public enum TransferStatus {
        PENDING,
        COMPLETED,
        FAILED
    }

    /**
     * @param limits     the initiating caller's channel limits, applied when the source is reserved
     * @param roleLimits the initiating caller's role limits
     */
    public record RequestTransferCommand(@TargetAggregateIdentifier String transferId, String sourceAccountId,
                                         String targetAccountId, Money amount, String reference, DebitLimits limits,
                                         DebitLimits roleLimits) {
    }

    public record CompleteTransferCommand(@TargetAggregateIdentifier String transferId) {
    }

    /** @param reason an ErrorReason name: why a step refused */
    public record FailTransferCommand(@TargetAggregateIdentifier String transferId, String reason, String message) {
    }

    public record TransferRequestedEvent(String transferId, String sourceAccountId, String targetAccountId,
                                         Money amount, String reference, DebitLimits limits, DebitLimits roleLimits) {
    }

    public record TransferCompletedEvent(String transferId, String sourceAccountId, String targetAccountId,
                                         Money amount) {
    }

    public record TransferFailedEvent(String transferId, String sourceAccountId, String targetAccountId, Money amount,
                                      String reason, String message) {
    }

    public record TransferDetails(String transferId, String sourceAccountId, String targetAccountId, Money amount,
                                  String reference, TransferStatus status, String failureReason,
                                  String failureMessage, Instant requestTime, Instant updateTime) {
    }
}
