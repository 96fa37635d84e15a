package org.strongroom.gateway.audit;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes access log entries off the calling thread, so a flood of refused calls costs callers nothing.
 * The queue is bounded: when it is full, entries are dropped and counted (and the count is logged)
 * rather than letting an attacker exhaust the node's memory. Stopped, and drained, before the database.
 */
@Component
public class AccessLog implements SmartLifecycle {

    static final int QUEUE_CAPACITY = 10_000;
    private static final Logger log = LoggerFactory.getLogger(AccessLog.class);

    private final JdbcTemplate jdbc;
    private final AtomicLong dropped = new AtomicLong();
    private final ThreadPoolExecutor writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE_CAPACITY), runnable -> {
                Thread thread = new Thread(runnable, "access-log");
                thread.setDaemon(true);
                return thread;
            }, (runnable, executor) -> {
                if (dropped.incrementAndGet() % 1000 == 1) {
                    log.warn("access log queue full: {} entries dropped so far", dropped.get());
                }
            });
    private volatile boolean running;

    public AccessLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** One access: who (may be unknown), what, when, from where, and how it ended. */
    public record Entry(Instant occurredAt, String principalId, String role, String channel, String branchId,
                       String method, String statusCode, String reason, String origin, String correlationId) {
    }

    public void record(Entry entry) {
        writer.execute(() -> {
            try {
                jdbc.update("INSERT INTO access_log (occurred_at, principal_id, role, channel, branch_id, method, "
                                + "status_code, reason, origin, correlation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        Timestamp.from(entry.occurredAt()), entry.principalId(), entry.role(), entry.channel(),
                        entry.branchId(), truncate(entry.method(), 200), entry.statusCode(), entry.reason(),
                        truncate(entry.origin(), 200), entry.correlationId());
            } catch (RuntimeException e) {
                log.warn("access log entry not written: {}", e.toString());
            }
        });
    }

    /** Waits until everything recorded so far is written. */
    public void flush() {
        try {
            writer.submit(() -> { }).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("access log did not drain", e);
        }
    }

    public long dropped() {
        return dropped.get();
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        writer.shutdown();
        try {
            if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("access log: {} entries not written at shutdown", writer.getQueue().size());
                writer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
