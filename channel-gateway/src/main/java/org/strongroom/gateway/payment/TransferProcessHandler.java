package org.strongroom.gateway.payment;

import java.util.Optional;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.strongroom.account.api.AccountEvents.TransferCreditedEvent;
import org.strongroom.account.api.AccountEvents.TransferDebitReservedEvent;
import org.strongroom.account.api.AccountEvents.TransferDebitSettledEvent;
import org.strongroom.account.api.AccountEvents.TransferReservationReleasedEvent;
import org.strongroom.account.api.AccountEvents.TransferStepRefusedEvent;
import org.strongroom.gateway.idempotency.IdempotentExecutor;
import org.strongroom.payment.api.TransferApi.TransferRequestedEvent;
import org.strongroom.payment.domain.TransferProcess;

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

    public TransferProcessHandler(CommandGateway commands, JdbcTemplate jdbc) {
        this.commands = commands;
        this.jdbc = jdbc;
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
        step(event);
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
        if (next.isPresent()) {
            IdempotentExecutor.lockAggregate(jdbc, next.get().aggregateId());
            commands.sendAndWait(next.get().command());
        }
    }
}
