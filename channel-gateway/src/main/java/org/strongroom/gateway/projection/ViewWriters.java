package org.strongroom.gateway.projection;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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

    /**
     * Bound in a transaction that holds the shared lock, to the exclusive locks it took with it (a map
     * look-up per event, nothing copied).
     */
    private static final Object HELD = new Object();

    private final JdbcTemplate jdbc;

    public ViewWriters(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Takes the shared view writers' lock and then these advisory locks (PostgreSQL evaluates a select
     * list from left to right) in one statement, for an operation that knows it will write views. Locks this
     * transaction took here before are not asked for again: an operation whose locks its commit group took
     * sends no statement at all.
     */
    public static void holdSharedWith(JdbcTemplate jdbc, List<Long> exclusiveLocks) {
        Set<Long> held = TransactionScoped.has(HELD) ? heldLocks() : null;
        List<Object> keys = new ArrayList<>();
        StringBuilder sql = new StringBuilder(held == null ? SHARED : "SELECT 1");
        exclusiveLocks.forEach(key -> {
            if (held == null || !held.contains(key)) {
                sql.append(", pg_advisory_xact_lock(?)");
                keys.add(key);
            }
        });
        if (held != null && keys.isEmpty()) {
            return;
        }
        jdbc.queryForList(sql.toString(), keys.toArray());
        Set<Long> now = heldLocks();
        if (now != null) {
            now.addAll(exclusiveLocks);
        }
    }

    /**
     * For a commit group, in one statement: tries each of the {@code first} locks, takes the shared view
     * writers' lock (waiting only while a rebuild's swap holds it), then tries each of the
     * {@code exclusiveLocks}. It never waits for a lock another transaction holds; it answers which locks it
     * got, and those of {@code exclusiveLocks} count as held for {@link #holdSharedWith}.
     */
    public static Set<Long> tryHoldSharedWith(JdbcTemplate jdbc, List<Long> first, List<Long> exclusiveLocks) {
        StringBuilder sql = new StringBuilder("SELECT 1");
        first.forEach(key -> sql.append(", pg_try_advisory_xact_lock(?)"));
        sql.append(", ").append(SHARED.substring("SELECT ".length()));
        exclusiveLocks.forEach(key -> sql.append(", pg_try_advisory_xact_lock(?)"));
        List<Object> keys = new ArrayList<>(first);
        keys.addAll(exclusiveLocks);
        Set<Long> got = new HashSet<>();
        jdbc.query(sql.toString(), rs -> {
            for (int i = 0; i < first.size(); i++) {
                if (rs.getBoolean(2 + i)) {
                    got.add(first.get(i));
                }
            }
            for (int i = 0; i < exclusiveLocks.size(); i++) {
                if (rs.getBoolean(3 + first.size() + i)) {
                    got.add(exclusiveLocks.get(i));
                }
            }
        }, keys.toArray());
        Set<Long> held = heldLocks();
        exclusiveLocks.stream().filter(got::contains).forEach(held::add);
        return got;
    }

    @Override
    public Object handle(UnitOfWork<? extends EventMessage<?>> unitOfWork, InterceptorChain chain) throws Exception {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("a read-your-writes view is written only inside the transaction that "
                    + "appends its events");
        }
        if (!TransactionScoped.has(HELD)) {
            jdbc.query(SHARED, rs -> null);
            heldLocks();
        }
        return chain.proceed();
    }

    /** The exclusive locks taken with the shared one, bound on first use; null outside a transaction. */
    private static Set<Long> heldLocks() {
        return TransactionScoped.get(HELD, HashSet::new, (held, status) -> {
        });
    }
}
