package org.strongroom.gateway.payment;

import java.util.Optional;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.gateway.command.EventStoreProbe;
import org.springframework.stereotype.Component;
import org.strongroom.account.api.AccountEvents.TransferCreditedEvent;
import org.strongroom.payment.api.TransferApi.TransferExecutedEvent;
import org.strongroom.account.api.AccountEvents.TransferDebitReservedEvent;
import org.strongroom.account.api.AccountEvents.TransferDebitSettledEvent;
import org.strongroom.account.api.AccountEvents.TransferReservationReleasedEvent;
import org.strongroom.account.api.AccountEvents.TransferStepRefusedEvent;
import org.strongroom.gateway.idempotency.IdempotentExecutor;
import org.strongroom.payment.api.TransferApi.TransferRequestedEvent;
import org.strongroom.payment.domain.TransferProcess;
import org.strongroom.payment.api.TransferApi.FailTransferCommand;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.payment.api.TransferApi.CompleteTransferCommand;
import org.strongroom.account.api.AccountCommands.CreditTransferCommand;
import org.strongroom.account.api.AccountCommands.ReleaseTransferCommand;

/**
 * Runs {@link TransferProcess} on a tracking processor of its own ({@value #PROCESSING_GROUP}, never
 * replayed with the projections). Each step's command runs in the processor's transaction, so the step's
 * events and the processor's token commit together; errors propagate, so a failed step is retried, never
 * skipped. The account's lock is taken first, as the gateway's calls take it, so steps and calls on one
 * account queue instead of conflicting.
 */
@Component
@ProcessingGroup(TransferProcessHandler.PROCESSING_GROUP)
public class TransferProcessHandler {

    public static final String PROCESSING_GROUP = "transfer-process";

    private final CommandGateway commands;
    private final JdbcTemplate jdbc;
    private final EventStoreProbe eventStore;

    public TransferProcessHandler(CommandGateway commands, JdbcTemplate jdbc, EventStoreProbe eventStore) {
        this.commands = commands;
        this.jdbc = jdbc;
        this.eventStore = eventStore;
    }

    @EventHandler
    void on(TransferRequestedEvent event) {
        step(event);
    }

    @EventHandler
    void on(TransferDebitReservedEvent event) {
        step(event);
    }

    @EventHandler
    void on(TransferCreditedEvent event) {
        // A transfer carried out in one transaction was credited beside its debit: nothing to settle, and
        // no reason to queue for the source account's lock behind the calls that use it.
        if (!eventStore.hasEvent(event.transferId(), TransferExecutedEvent.class)) {
            step(event);
        }
    }

    @EventHandler
    void on(TransferDebitSettledEvent event) {
        step(event);
    }

    @EventHandler
    void on(TransferStepRefusedEvent event) {
        step(event);
    }

    @EventHandler
    void on(TransferReservationReleasedEvent event) {
        step(event);
    }

    private void step(Object event) {
        Optional<TransferProcess.Step> next = TransferProcess.next(event);
        if (next.isEmpty()) {
            return;
        }
        TransferProcess.Step step = next.get();
        IdempotentExecutor.lockAggregate(jdbc, step.aggregateId());
        boolean toTransfer = step.command() instanceof CompleteTransferCommand
                || step.command() instanceof FailTransferCommand;
        if (!toTransfer && !eventStore.exists(step.aggregateId(), "Account")) {
            // A missing account cannot take its step, and a failing command would roll back this whole
            // transaction and stall every transfer behind it: the transfer fails instead. (The gateway
            // checks both accounts first; this guards records made by any other way.)
            String refusal = "no such account: " + step.aggregateId();
            if (step.command() instanceof CreditTransferCommand credit) {
                // A missing target refuses like a closed one: the source's reservation is released first.
                IdempotentExecutor.lockAggregate(jdbc, credit.sourceAccountId());
                commands.sendAndWait(new ReleaseTransferCommand(credit.sourceAccountId(), credit.transferId(),
                        ErrorReason.ACCOUNT_NOT_FOUND.name() + ": " + refusal));
                return;
            }
            String transferId = transferIdOf(event);
            IdempotentExecutor.lockAggregate(jdbc, transferId);
            commands.sendAndWait(new FailTransferCommand(transferId, ErrorReason.ACCOUNT_NOT_FOUND.name(), refusal));
            return;
        }
        commands.sendAndWait(step.command());
    }

    private static String transferIdOf(Object event) {
        if (event instanceof TransferRequestedEvent e) {
            return e.transferId();
        }
        if (event instanceof TransferDebitReservedEvent e) {
            return e.transferId();
        }
        if (event instanceof TransferStepRefusedEvent e) {
            return e.transferId();
        }
        throw new IllegalStateException("a step on a missing account after " + event.getClass().getSimpleName());
    }
}
