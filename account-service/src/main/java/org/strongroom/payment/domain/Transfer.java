package org.strongroom.payment.domain;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.time.Instant;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;
import org.strongroom.kernel.Money;
import org.strongroom.payment.api.TransferApi.CompleteTransferCommand;
import org.strongroom.payment.api.TransferApi.FailTransferCommand;
import org.strongroom.payment.api.TransferApi.RequestTransferCommand;
import org.strongroom.payment.api.TransferApi.TransferCompletedEvent;
import org.strongroom.payment.api.TransferApi.TransferDetails;
import org.strongroom.payment.api.TransferApi.TransferFailedEvent;
import org.strongroom.payment.api.TransferApi.TransferRequestedEvent;
import org.strongroom.payment.api.TransferApi.TransferStatus;

/**
 * A transfer's own record: what was asked, and how it ended. It ends once: completing or failing an
 * ended transfer (a step redelivered after a crash) changes nothing.
 */
@Aggregate
public class Transfer {

    @AggregateIdentifier
    private String transferId;
    private String sourceAccountId;
    private String targetAccountId;
    private Money amount;
    private String reference;
    private TransferStatus status;
    private String failureReason;
    private String failureMessage;
    private Instant requestTime;
    private Instant updateTime;

    protected Transfer() {
        // rebuilt from events
    }

    Transfer(RequestTransferCommand command) {
        if (command.sourceAccountId().equals(command.targetAccountId()) || command.amount() == null
                || !command.amount().isPositive()) {
            throw new IllegalStateException("the gateway checks accounts and amount before requesting a transfer");
        }
        apply(new TransferRequestedEvent(command.transferId(), command.sourceAccountId(), command.targetAccountId(),
                command.amount(), command.reference(), command.limits(), command.roleLimits()));
    }

    @CommandHandler
    TransferDetails handle(CompleteTransferCommand command) {
        if (status == TransferStatus.PENDING) {
            apply(new TransferCompletedEvent(transferId, sourceAccountId, targetAccountId, amount));
        }
        return details();
    }

    @CommandHandler
    TransferDetails handle(FailTransferCommand command) {
        if (status == TransferStatus.PENDING) {
            apply(new TransferFailedEvent(transferId, sourceAccountId, targetAccountId, amount, command.reason(),
                    command.message()));
        }
        return details();
    }

    TransferDetails details() {
        return new TransferDetails(transferId, sourceAccountId, targetAccountId, amount, reference, status,
                failureReason, failureMessage, requestTime, updateTime);
    }

    @EventSourcingHandler
    void on(TransferRequestedEvent event, @Timestamp Instant occurredAt) {
        transferId = event.transferId();
        sourceAccountId = event.sourceAccountId();
        targetAccountId = event.targetAccountId();
        amount = event.amount();
        reference = event.reference();
        status = TransferStatus.PENDING;
        requestTime = occurredAt;
        updateTime = occurredAt;
    }

    @EventSourcingHandler
    void on(TransferCompletedEvent event, @Timestamp Instant occurredAt) {
        status = TransferStatus.COMPLETED;
        updateTime = occurredAt;
    }

    @EventSourcingHandler
    void on(TransferFailedEvent event, @Timestamp Instant occurredAt) {
        status = TransferStatus.FAILED;
        failureReason = event.reason();
        failureMessage = event.message();
        updateTime = occurredAt;
    }
}
