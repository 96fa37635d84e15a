package org.strongroom.projections.api;

import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Writes views' appends in JDBC batches while many events are applied at once: a rebuild replaying events
 * into its shadow tables, or an operation's unit of work handing its events to the read-your-writes views
 * when it commits. Inside {@link #during} an {@link #append} is kept, and written when the work returns,
 * consecutive statements of the same text as one batch (PostgreSQL's driver sends a batch in one round trip
 * and rewrites a batch of inserts into multi-row ones). Outside it an append is written at once, as any
 * other statement. Only a statement nothing in the same work reads back may be appended this way.
 */
public final class WriteBehind {

    private record Write(JdbcTemplate jdbc, String sql, Object[] args) {
    }

    private static final ThreadLocal<List<Write>> PENDING = new ThreadLocal<>();

    private WriteBehind() {
    }

    /** Runs the work with appends kept, then writes them, in the caller's transaction. */
    public static void during(Runnable replay) {
        if (PENDING.get() != null) {
            replay.run();
            return;
        }
        PENDING.set(new ArrayList<>());
        try {
            replay.run();
            flush();
        } finally {
            PENDING.remove();
        }
    }

    /**
     * Writes what is kept now, in order. A view that keeps some of its writes calls this before any other
     * statement on the same tables, so its statements reach the database in the order its events came.
     */
    public static void flush() {
        List<Write> pending = PENDING.get();
        if (pending == null || pending.isEmpty()) {
            return;
        }
        int i = 0;
        while (i < pending.size()) {
            Write first = pending.get(i);
            List<Object[]> batch = new ArrayList<>();
            while (i < pending.size() && pending.get(i).sql().equals(first.sql())
                    && pending.get(i).jdbc() == first.jdbc()) {
                batch.add(pending.get(i).args());
                i++;
            }
            if (batch.size() == 1) {
                first.jdbc().update(first.sql(), first.args());
            } else {
                first.jdbc().batchUpdate(first.sql(), batch);
            }
        }
        pending.clear();
    }

    /**
     * A write whose result nothing needs and that nothing reads back during the work (other than after a
     * {@link #flush}): kept until the work returns, written at once otherwise.
     */
    public static void append(JdbcTemplate jdbc, String sql, Object... args) {
        List<Write> pending = PENDING.get();
        if (pending == null) {
            jdbc.update(sql, args);
        } else {
            pending.add(new Write(jdbc, sql, args));
        }
    }
}
