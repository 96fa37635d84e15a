package org.strongroom.payment.domain;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Objects;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.serialization.Revision;
import org.axonframework.spring.stereotype.Aggregate;
import org.strongroom.account.api.DebitLimits;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.Money;
import org.strongroom.payment.api.TransferApi.CompleteTransferCommand;
import org.strongroom.payment.api.TransferApi.ExecuteScheduledTransferCommand;
import org.strongroom.payment.api.TransferApi.BookTransferCommand;
import org.strongroom.payment.api.TransferApi.DueTransferCommand;
import org.strongroom.payment.api.TransferApi.TransferExecutedEvent;
import org.strongroom.payment.api.TransferApi.TransferOrder;
import org.strongroom.payment.api.TransferApi.FailTransferCommand;
import org.strongroom.payment.api.TransferApi.RequestTransferCommand;
import org.strongroom.payment.api.TransferApi.TransferCompletedEvent;
import org.strongroom.payment.api.TransferApi.TransferDetails;
import org.strongroom.payment.api.TransferApi.TransferFailedEvent;
import org.strongroom.payment.api.TransferApi.TransferRequestedEvent;
import org.strongroom.payment.api.TransferApi.TransferScheduledEvent;
import org.strongroom.payment.api.TransferApi.TransferStatus;

/**
 * A transfer's own record: what was asked, and how it ended. It ends once: completing or failing an
 * ended transfer (a step redelivered after a crash) changes nothing. One dated for a later business date
 * waits as SCHEDULED; starting it records the same TransferRequestedEvent an immediate transfer begins
 * with, so the transfer process carries both out alike.
 */
@Aggregate
// The form of its snapshots: raise it whenever a field changes, and older snapshots are ignored.
@Revision("1")
public class Transfer {

    /** How far ahead a transfer may be dated: a year, leap day included. */
    static final int MAX_DAYS_AHEAD = 366;

    @AggregateIdentifier
    private String transferId;
    private String sourceAccountId;
    private String targetAccountId;
    private Money amount;
    private String reference;
    private DebitLimits limits;
    private DebitLimits roleLimits;
    private LocalDate executionDate;
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
        LocalDate date = command.executionDate();
        if (date == null || date.equals(command.businessDate())) {
            apply(new TransferRequestedEvent(command.transferId(), command.sourceAccountId(),
                    command.targetAccountId(), command.amount(), command.reference(), command.limits(),
                    command.roleLimits()));
            return;
        }
        LocalDate businessDate = Objects.requireNonNull(command.businessDate(),
                "an execution date is judged against the business date");
        if (date.isBefore(businessDate)) {
            throw DomainException.invalidField("execution_date",
                    "must not be before the business date " + businessDate);
        }
        if (date.isAfter(businessDate.plusDays(MAX_DAYS_AHEAD))) {
            throw DomainException.invalidField("execution_date",
                    "must be at most " + MAX_DAYS_AHEAD + " days after the business date " + businessDate);
        }
        // Known now, so refused now rather than failing on the execution date; the daily limits and the
        // funds can only be judged on that date.
        requireWithinPerTransactionLimit(command, command.limits());
        requireWithinPerTransactionLimit(command, command.roleLimits());
        apply(new TransferScheduledEvent(command.transferId(), command.sourceAccountId(), command.targetAccountId(),
                command.amount(), command.reference(), command.limits(), command.roleLimits(), date));
    }

    Transfer(BookTransferCommand command) {
        TransferOrder order = command.order();
        if (order.sourceAccountId().equals(order.targetAccountId()) || !order.amount().isPositive()) {
            throw new IllegalStateException("the gateway checks accounts and amount before booking a transfer");
        }
        apply(new TransferExecutedEvent(command.transferId(), order.sourceAccountId(), order.targetAccountId(),
                order.amount(), order.reference(), command.failureReason(), command.failureMessage()));
    }

    private static void requireWithinPerTransactionLimit(RequestTransferCommand command, DebitLimits limits) {
        if (limits != null && limits.perTransaction() != null
                && command.amount().amount().compareTo(limits.perTransaction()) > 0) {
            throw DomainException.rule(ErrorReason.TRANSACTION_LIMIT_EXCEEDED,
                    "the amount exceeds the per-transaction limit of " + limits.describe(),
                    Map.of("account_id", command.sourceAccountId(), "channel", String.valueOf(limits.channel()),
                            "limit", limits.perTransaction().toPlainString(),
                            "currency_code", command.amount().currency().getCurrencyCode()));
        }
    }

    @CommandHandler
    TransferOrder handle(DueTransferCommand command) {
        if (status != TransferStatus.SCHEDULED) {
            return null; // carried out before: close of business ran again after a crash
        }
        requireDue(command.businessDate());
        return new TransferOrder(transferId, sourceAccountId, targetAccountId, amount, reference, limits, roleLimits);
    }

    @CommandHandler
    TransferDetails handle(ExecuteScheduledTransferCommand command) {
        if (status != TransferStatus.SCHEDULED) {
            return details();
        }
        requireDue(command.businessDate());
        apply(new TransferExecutedEvent(transferId, sourceAccountId, targetAccountId, amount, reference,
                command.failureReason(), command.failureMessage()));
        return details();
    }

    private void requireDue(LocalDate businessDate) {
        Objects.requireNonNull(businessDate, "businessDate");
        if (executionDate.isAfter(businessDate)) {
            throw DomainException.rule(ErrorReason.TRANSFER_NOT_DUE,
                    "the transfer is dated " + executionDate + ", after the business date " + businessDate,
                    Map.of("transfer_id", transferId, "execution_date", executionDate.toString(),
                            "business_date", businessDate.toString()));
        }
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
                failureReason, failureMessage, requestTime, updateTime, executionDate);
    }

    /** What every transfer's first event says: which transfer, from and to whom, how much, and why. */
    private void what(String id, String source, String target, Money money, String text) {
        transferId = id;
        sourceAccountId = source;
        targetAccountId = target;
        amount = money;
        reference = text;
    }

    @EventSourcingHandler
    void on(TransferScheduledEvent event, @Timestamp Instant occurredAt) {
        what(event.transferId(), event.sourceAccountId(), event.targetAccountId(), event.amount(), event.reference());
        limits = event.limits();
        roleLimits = event.roleLimits();
        executionDate = event.executionDate();
        status = TransferStatus.SCHEDULED;
        requestTime = occurredAt;
        updateTime = occurredAt;
    }

    @EventSourcingHandler
    void on(TransferRequestedEvent event, @Timestamp Instant occurredAt) {
        what(event.transferId(), event.sourceAccountId(), event.targetAccountId(), event.amount(), event.reference());
        limits = event.limits();
        roleLimits = event.roleLimits();
        status = TransferStatus.PENDING;
        if (requestTime == null) {
            requestTime = occurredAt; // a scheduled transfer keeps the time it was asked for
        }
        updateTime = occurredAt;
    }

    @EventSourcingHandler
    void on(TransferExecutedEvent event, @Timestamp Instant occurredAt) {
        what(event.transferId(), event.sourceAccountId(), event.targetAccountId(), event.amount(), event.reference());
        status = event.completed() ? TransferStatus.COMPLETED : TransferStatus.FAILED;
        failureReason = event.failureReason();
        failureMessage = event.failureMessage();
        if (requestTime == null) {
            requestTime = occurredAt; // a scheduled transfer keeps the time it was asked for
        }
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
