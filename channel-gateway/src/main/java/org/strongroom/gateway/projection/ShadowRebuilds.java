package org.strongroom.gateway.projection;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.strongroom.projections.api.Projections;
import org.strongroom.projections.api.WriteBehind;

/**
 * Rebuilds a same-transaction view without taking it offline (docs/architecture.md, "Rebuilding a
 * view"). The view's own handlers replay every event into shadow copies of its tables, in a schema of
 * their own ({@code rebuild_<view>}, first on the search path of the replaying transactions), while
 * the live tables keep serving reads and taking writes. Once the replay has caught up, one transaction
 * takes the {@link ViewWriters} lock exclusively (every transaction that wrote the view has committed,
 * new ones wait), replays the last events, drops the live tables and moves the shadow ones into their
 * place with the same names, constraints and indexes. Readers wait only for that swap; writers held
 * back by it write into the new tables once it commits.
 */
@Component
public class ShadowRebuilds implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ShadowRebuilds.class);
    /** Events replayed per transaction while catching up. */
    static final int BATCH = 1_000;
    private static final int SWAP_ATTEMPTS = 40;
    private static final int SWAP_LOCK_TIMEOUT_MS = 250;
    private static final Pattern SAFE_NAME = Pattern.compile("[a-z_]+");

    private final EventProcessingConfiguration processing;
    private final EventStorageEngine events;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "view-rebuild");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, Progress> progress = new ConcurrentHashMap<>();

    /** Where a view's latest rebuild stands. */
    public static final class Progress {
        private final AtomicLong replayed = new AtomicLong();
        private volatile boolean running = true;
        private volatile Throwable failure;

        public boolean running() {
            return running;
        }

        public long replayed() {
            return replayed.get();
        }

        public Optional<Throwable> failure() {
            return Optional.ofNullable(failure);
        }
    }

    public ShadowRebuilds(EventProcessingConfiguration processing, EventStorageEngine events, JdbcTemplate jdbc,
                          PlatformTransactionManager transactionManager) {
        this.processing = processing;
        this.events = events;
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.transactions.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
    }

    public static boolean isSameTransactionView(String name) {
        return Projections.SAME_TRANSACTION_VIEWS.containsKey(name);
    }

    /** The latest rebuild of the view since this node started, if any. */
    public Optional<Progress> progress(String name) {
        return Optional.ofNullable(progress.get(name));
    }

    /** Starts rebuilding the view in the background; a rebuild already running carries on instead. */
    public Progress start(String name) {
        if (!isSameTransactionView(name)) {
            throw new IllegalArgumentException(name + " is not a same-transaction view");
        }
        Progress fresh = new Progress();
        Progress current = progress.compute(name, (key, previous) ->
                previous != null && previous.running ? previous : fresh);
        if (current == fresh) {
            worker.execute(() -> run(name, fresh));
        }
        return current;
    }

    /** Rebuilds the view now, on the calling thread. */
    void rebuild(String name, Progress progress) {
        List<String> tables = Projections.SAME_TRANSACTION_VIEWS.get(name);
        String schema = "rebuild_" + name.replace('-', '_');
        EventHandlerInvoker handlers = ViewReplay.handlers(processing, name);
        transactions.executeWithoutResult(tx -> createShadow(schema, tables));
        TrackingToken[] position = {null};
        // Catch up while the view's writers carry on: one thread reads and deserializes the events, this
        // one applies them, a batch per transaction.
        try (ViewReplay.ReadAhead ahead = new ViewReplay.ReadAhead(events, null, BATCH, "view-rebuild-reader")) {
            List<TrackedEventMessage<?>> batch;
            do {
                batch = ahead.next();
                List<TrackedEventMessage<?>> read = batch;
                transactions.executeWithoutResult(tx -> apply(schema, handlers, read, position, progress));
            } while (batch.size() == BATCH);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rebuilding " + name, e);
        }
        // The rest, and the swap, with the writers held back.
        for (int attempt = 1; ; attempt++) {
            TrackingToken before = position[0];
            long counted = progress.replayed();
            try {
                transactions.executeWithoutResult(tx -> swap(schema, tables, handlers, position, progress));
                return;
            } catch (org.springframework.dao.DataAccessException e) {
                if (!isLockConflict(e)) {
                    throw e;
                }
                // A transaction that read a live table before writing the view holds it against the swap
                // while it waits for the writers' lock the swap holds: give way, let it finish, try again.
                position[0] = before;
                progress.replayed.set(counted);
                if (attempt == SWAP_ATTEMPTS) {
                    throw new IllegalStateException("the live tables of " + name + " stayed busy through "
                            + SWAP_ATTEMPTS + " attempts to swap", e);
                }
                try {
                    Thread.sleep(50L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while rebuilding " + name, interrupted);
                }
            }
        }
    }

    /** PostgreSQL's lock_not_available (the swap's lock timeout) or deadlock_detected, anywhere in the causes. */
    static boolean isLockConflict(Throwable thrown) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.sql.SQLException sql
                    && ("55P03".equals(sql.getSQLState()) || "40P01".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private void swap(String schema, List<String> tables, EventHandlerInvoker handlers, TrackingToken[] position,
                      Progress progress) {
        jdbc.query(ViewWriters.EXCLUSIVE, rs -> null);
        // Readers of the live tables finish first; one that is also waiting for the writers' lock would
        // wait for ever, so the swap gives up quickly instead and is retried.
        jdbc.execute("SET LOCAL lock_timeout = '" + SWAP_LOCK_TIMEOUT_MS + "ms'");
        jdbc.execute("LOCK TABLE " + String.join(", ", tables.stream().map(t -> "public." + t).toList())
                + " IN ACCESS EXCLUSIVE MODE");
        jdbc.execute("SET LOCAL lock_timeout = 0");
        while (replay(schema, handlers, position, BATCH, progress) == BATCH) {
            // another batch
        }
        for (int i = tables.size() - 1; i >= 0; i--) {
            jdbc.execute("DROP TABLE public." + tables.get(i));
        }
        for (String table : tables) {
            jdbc.execute("ALTER TABLE " + schema + "." + table + " SET SCHEMA public");
        }
        jdbc.execute("DROP SCHEMA " + schema);
    }

    private void run(String name, Progress progress) {
        long started = System.nanoTime();
        try {
            log.info("rebuilding view {} from the events into shadow tables", name);
            rebuild(name, progress);
            log.info("view {} rebuilt from {} events in {} ms and swapped in", name, progress.replayed(),
                    (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException | Error e) {
            progress.failure = e;
            log.error("rebuilding view {} failed; the live tables are untouched and serving", name, e);
        } finally {
            progress.running = false;
        }
    }

    /**
     * Empty copies of the live tables in {@code schema}: same columns and defaults, and every constraint
     * and index under its own name (names are unique per schema, so the copies can carry the live ones'
     * names and keep them once moved).
     */
    private void createShadow(String schema, List<String> tables) {
        jdbc.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        // The live definitions, read before any copy exists (so names in them resolve to the live tables).
        Map<String, List<Map<String, Object>>> constraints = new java.util.HashMap<>();
        Map<String, List<String>> indexes = new java.util.HashMap<>();
        for (String table : tables) {
            if (!SAFE_NAME.matcher(table).matches()) {
                throw new IllegalStateException("unexpected table name " + table);
            }
            constraints.put(table, jdbc.queryForList("SELECT conname, pg_get_constraintdef(c.oid) AS def "
                    + "FROM pg_constraint c WHERE conrelid = ('public.' || ?)::regclass AND contype <> 'n' "
                    + "ORDER BY contype = 'f', conname", table));
            indexes.put(table, jdbc.queryForList("SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
                    + "WHERE i.indrelid = ('public.' || ?)::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                    + "WHERE c.conindid = i.indexrelid)", String.class, table));
        }
        jdbc.execute("CREATE SCHEMA " + schema);
        for (String table : tables) {
            jdbc.execute("CREATE TABLE " + schema + "." + table + " (LIKE public." + table
                    + " INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS)");
            for (Map<String, Object> constraint : constraints.get(table)) {
                String definition = (String) constraint.get("def");
                // A reference to another table of the view points at its copy.
                for (String referenced : tables) {
                    definition = definition.replace("REFERENCES " + referenced + "(",
                            "REFERENCES " + schema + "." + referenced + "(")
                            .replace("REFERENCES public." + referenced + "(",
                                    "REFERENCES " + schema + "." + referenced + "(");
                }
                jdbc.execute("ALTER TABLE " + schema + "." + table + " ADD CONSTRAINT \"" + constraint.get("conname")
                        + "\" " + definition);
            }
            for (String index : indexes.get(table)) {
                jdbc.execute(index.replace(" ON public." + table + " ", " ON " + schema + "." + table + " "));
            }
        }
    }

    /** Applies events read ahead into the shadow tables, in the caller's transaction, and moves {@code position}. */
    private void apply(String schema, EventHandlerInvoker handlers, List<TrackedEventMessage<?>> read,
                       TrackingToken[] position, Progress progress) {
        jdbc.execute("SET LOCAL search_path TO " + schema + ", public");
        ViewReplay.Replayed[] replayed = new ViewReplay.Replayed[1];
        WriteBehind.during(() -> replayed[0] = ViewReplay.apply(handlers, read, position[0]));
        jdbc.execute("SET LOCAL search_path TO DEFAULT");
        position[0] = replayed[0].position();
        progress.replayed.addAndGet(replayed[0].count());
    }

    /**
     * Replays up to {@code limit} events after {@code position} into the shadow tables, in the caller's
     * transaction, and moves {@code position} past them. Returns how many were read.
     */
    private int replay(String schema, EventHandlerInvoker handlers, TrackingToken[] position, int limit,
                       Progress progress) {
        List<TrackedEventMessage<?>> read = ViewReplay.read(events, position[0], limit);
        apply(schema, handlers, read, position, progress);
        return read.size();
    }

    @Override
    public void destroy() {
        worker.shutdownNow();
    }
}
