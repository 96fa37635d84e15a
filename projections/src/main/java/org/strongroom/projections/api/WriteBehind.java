package org.strongroom.projections.api;

import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Writes a view's appends in JDBC batches while events are replayed into it (a rebuild's shadow tables):
 * inside {@link #during} an {@link #append} is kept, and written when the replay returns, consecutive
 * statements of the same text as one batch (PostgreSQL's driver sends a batch in one round trip and
 * rewrites a batch of inserts into multi-row ones). Outside a replay an append is written at once, as any
 * other statement. Only a statement nothing in the same replay reads back may be appended this way.
 */
public final class WriteBehind {

    private record Write(String sql, Object[] args) {
    }

    private static final ThreadLocal<List<Write>> PENDING = new ThreadLocal<>();

    private WriteBehind() {
    }

    /** Runs a replay with appends kept, then writes them, in the caller's transaction. */
    public static void during(JdbcTemplate jdbc, Runnable replay) {
        if (PENDING.get() != null) {
            replay.run();
            return;
        }
        List<Write> pending = new ArrayList<>();
        PENDING.set(pending);
        try {
            replay.run();
        } finally {
            PENDING.remove();
        }
        int i = 0;
        while (i < pending.size()) {
            String sql = pending.get(i).sql();
            List<Object[]> batch = new ArrayList<>();
            while (i < pending.size() && pending.get(i).sql().equals(sql)) {
                batch.add(pending.get(i).args());
                i++;
            }
            jdbc.batchUpdate(sql, batch);
        }
    }

    /** An insert that nothing reads back during a replay: kept until the replay returns, written at once otherwise. */
    public static void append(JdbcTemplate jdbc, String sql, Object... args) {
        List<Write> pending = PENDING.get();
        if (pending == null) {
            jdbc.update(sql, args);
        } else {
            pending.add(new Write(sql, args));
        }
    }
}
