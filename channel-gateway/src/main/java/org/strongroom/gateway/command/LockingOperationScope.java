package org.strongroom.gateway.command;

import java.util.List;
import java.util.function.Supplier;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.gateway.idempotency.IdempotentExecutor;
import org.strongroom.gateway.projection.ViewWriters;
import org.strongroom.kernel.OperationScope;
import org.strongroom.node.axon.CheckedCachingRepository;
import org.strongroom.projections.api.WriteBehind;

/**
 * The node's operation scope, whoever the caller: locks are the aggregates' transaction-scoped advisory
 * locks, and the operation is one Axon unit of work in the caller's transaction. Subclasses say how a
 * command goes out (with which caller's metadata).
 */
public abstract class LockingOperationScope implements OperationScope {

    private final JdbcTemplate jdbc;

    protected LockingOperationScope(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void lock(String aggregateId) {
        IdempotentExecutor.lockAggregate(jdbc, aggregateId);
    }

    /**
     * One statement for the view writers' lock (the operation will write views) and the aggregates', then
     * one for the aggregates' stored versions (the cached ones are checked against them).
     */
    @Override
    public void lockAll(List<String> aggregateIds) {
        lockAll(jdbc, aggregateIds);
    }

    /** {@link #lockAll(List)} for callers without a scope. */
    public static void lockAll(JdbcTemplate jdbc, List<String> aggregateIds) {
        ViewWriters.holdSharedWith(jdbc, aggregateIds.stream().map(IdempotentExecutor::aggregateLockId).toList());
        CheckedCachingRepository.readStoredVersions(jdbc, aggregateIds);
    }

    @Override
    public <R> R unitOfWork(Supplier<R> operation) {
        return inOneUnitOfWork(operation);
    }

    /**
     * Runs an operation in one Axon unit of work inside the caller's transaction: its commands run in
     * nested units of work whose events join this one's, so they are appended in one batch and handed to
     * the read-your-writes views once, when the operation returns, the views' appends (statement lines)
     * written as one JDBC batch ({@link WriteBehind}); an aggregate two commands address is loaded once.
     * Anything thrown rolls the whole unit back.
     */
    public static <R> R inOneUnitOfWork(Supplier<R> operation) {
        UnitOfWork<?> unit = DefaultUnitOfWork.startAndGet(GenericMessage.asMessage("operation"));
        R result;
        try {
            result = operation.get();
        } catch (RuntimeException | Error e) {
            unit.rollback(e);
            throw e;
        }
        WriteBehind.during(unit::commit);
        return result;
    }
}
