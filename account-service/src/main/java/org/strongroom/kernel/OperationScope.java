package org.strongroom.kernel;

/**
 * The one database transaction a business operation runs in (docs/architecture.md, "Transfers"), as application
 * services see it: commands sent through it run in that transaction, stamped with the operation's caller
 * (principal, role, channel, request id, business date), and locks taken through it are held until the
 * transaction ends. Services take the locks of every aggregate they touch before loading any, in sorted
 * order, so two operations over the same aggregates queue instead of deadlocking.
 */
public interface OperationScope {

    /** Sends a command in this operation's transaction and returns its answer. */
    <R> R send(Object command);

    /** Holds the aggregate's lock until the transaction ends. */
    void lock(String aggregateId);

    /**
     * Holds the locks of these aggregates, taken in the order given (callers sort them), until the
     * transaction ends; the scope may take them in one round trip.
     */
    default void lockAll(java.util.List<String> aggregateIds) {
        aggregateIds.forEach(this::lock);
    }

    /**
     * Runs the operation as one unit of work: the events of all its commands are appended, and the
     * views they change written, together when it returns, and an aggregate two of its commands address
     * is loaded once. Without such support, it simply runs.
     */
    default <R> R unitOfWork(java.util.function.Supplier<R> operation) {
        return operation.get();
    }
}
