package org.strongroom.gateway.projection;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.strongroom.node.axon.TransactionScoped;

/**
 * The gate between the writers of the same-transaction views and a rebuild's swap. Every transaction
 * that writes one of those views holds a shared transaction-scoped advisory lock from its first view
 * write until it commits; the swap takes the same lock exclusively, so it starts only once every such
 * transaction has committed (its events are then readable) and holds new ones back until the rebuilt
 * tables are live. One statement per transaction, taken by an interceptor on those processors.
 */
public final class ViewWriters implements MessageHandlerInterceptor<EventMessage<?>> {

    /** Two-integer advisory key ("SR", 1): its own key space, apart from the aggregates' bigint locks. */
    static final String SHARED = "SELECT pg_advisory_xact_lock_shared(21330, 1)";
    static final String EXCLUSIVE = "SELECT pg_advisory_xact_lock(21330, 1)";

    /** Bound in a transaction that holds the shared lock (a map look-up per event, nothing copied). */
    private static final Object HELD = new Object();

    private final JdbcTemplate jdbc;

    public ViewWriters(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Takes the shared view writers' lock and then these advisory locks (PostgreSQL evaluates a select
     * list from left to right) in one statement, for an operation that knows it will write views.
     */
    public static void holdSharedWith(JdbcTemplate jdbc, java.util.List<Long> exclusiveLocks) {
        boolean held = TransactionScoped.has(HELD);
        StringBuilder sql = new StringBuilder(held ? "SELECT 1" : SHARED);
        exclusiveLocks.forEach(key -> sql.append(", pg_advisory_xact_lock(?)"));
        jdbc.queryForList(sql.toString(), exclusiveLocks.toArray());
        if (!held) {
            markHeld();
        }
    }

    @Override
    public Object handle(UnitOfWork<? extends EventMessage<?>> unitOfWork, InterceptorChain chain) throws Exception {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("a read-your-writes view is written only inside the transaction that "
                    + "appends its events");
        }
        if (!TransactionScoped.has(HELD)) {
            jdbc.query(SHARED, rs -> null);
            markHeld();
        }
        return chain.proceed();
    }

    private static void markHeld() {
        TransactionScoped.get(HELD, () -> Boolean.TRUE, (held, status) -> {
        });
    }
}
