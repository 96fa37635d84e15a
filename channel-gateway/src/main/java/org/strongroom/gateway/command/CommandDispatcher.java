package org.strongroom.gateway.command;

import java.util.HashMap;
import java.util.Map;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.MetaData;
import org.axonframework.eventsourcing.IncompatibleAggregateException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.stereotype.Component;
import org.strongroom.gateway.grpc.CallerContext;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.OperationScope;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.gateway.idempotency.IdempotentExecutor;
import org.strongroom.kernel.MetadataKeys;
import org.strongroom.node.time.BusinessDateService;

/**
 * Sends commands on behalf of the current caller, stamped with the metadata every event must carry.
 * Runs the command in the calling thread (Axon's simple command bus), so it joins the caller's
 * transaction: the idempotency record commits with the events.
 */
@Component
public class CommandDispatcher {

    private final CommandGateway commandGateway;
    private final BusinessDateService businessDate;

    public CommandDispatcher(CommandGateway commandGateway, BusinessDateService businessDate) {
        this.commandGateway = commandGateway;
        this.businessDate = businessDate;
    }

    /**
     * Sends a command to an existing aggregate and returns its answer.
     *
     * @param notFound the refusal to give when the target aggregate does not exist
     */
    public <R> R send(Object command, String requestId, NotFound notFound) {
        return send(command, requestId, notFound, Map.of());
    }

    /** As {@link #send(Object, String, NotFound)}, with more metadata (e.g. an approval's maker and checker). */
    public <R> R send(Object command, String requestId, NotFound notFound, Map<String, String> more) {
        try {
            return commandGateway.sendAndWait(GenericCommandMessage.asCommandMessage(command)
                    .andMetaData(metadata(requestId)).andMetaData(more));
        } catch (AggregateNotFoundException e) {
            throw DomainException.notFound(notFound.reason(), notFound.message(),
                    Map.of(notFound.field(), String.valueOf(e.getAggregateIdentifier())));
        } catch (IncompatibleAggregateException e) {
            // The id belongs to another kind of aggregate (say, a customer id sent as an account id).
            throw DomainException.notFound(notFound.reason(), notFound.message(), Map.of());
        }
    }

    /** Sends a command that creates an aggregate. */
    public <R> R create(Object command, String requestId) {
        return commandGateway.sendAndWait(GenericCommandMessage.asCommandMessage(command)
                .andMetaData(metadata(requestId)));
    }

    private MetaData metadata(String requestId) {
        CallerContext caller = CallerContext.current();
        Map<String, Object> values = new HashMap<>();
        values.put(MetadataKeys.PRINCIPAL_ID, caller.principalId());
        values.put(MetadataKeys.ROLE, caller.role().name());
        values.put(MetadataKeys.CHANNEL, caller.channel().name());
        caller.branch().ifPresent(branch -> values.put(MetadataKeys.BRANCH_ID, branch));
        if (caller.actingFor() != null) {
            values.put(MetadataKeys.ACTING_FOR, caller.actingFor());
        }
        values.put(MetadataKeys.CORRELATION_ID, caller.correlationId());
        values.put(MetadataKeys.REQUEST_ID, requestId);
        values.put(MetadataKeys.BUSINESS_DATE, businessDate.current().toString());
        return MetaData.from(values);
    }

    /**
     * The current call's operation scope for application services: commands go out with the caller's
     * metadata, locks are the aggregates' transaction-scoped advisory locks.
     *
     * @param notFound the refusal to give when a command names an aggregate that does not exist
     */
    public OperationScope scope(String requestId, NotFound notFound, JdbcTemplate jdbc) {
        return new LockingOperationScope(jdbc) {
            @Override
            public <R> R send(Object command) {
                return CommandDispatcher.this.send(command, requestId, notFound);
            }
        };
    }

    /** What to answer when a command names an aggregate that does not exist. */
    public record NotFound(ErrorReason reason, String field, String message) {
    }
}
