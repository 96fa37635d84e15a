package org.strongroom.gateway.idempotency;

import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Whether the channels are writing now: an operation started through {@link IdempotentExecutor} within the
 * last {@link #WINDOW}. Close of business reads it to run fewer batches at once while transfers flow, so
 * that they keep the cores they need, and all its threads when the channels are quiet (docs/loans.md,
 * "Close of business").
 */
@Component
public class OnlineWrites {

    /** How long after an operation started the channels still count as busy. */
    public static final Duration WINDOW = Duration.ofSeconds(1);

    private static final long WINDOW_NANOS = WINDOW.toNanos();

    /** System.nanoTime() of the latest start; far enough in the past at first that nobody counts as busy. */
    private volatile long lastStarted = System.nanoTime() - 2 * WINDOW_NANOS;

    /** An online operation starts (called once per operation, from any thread). */
    void started() {
        lastStarted = System.nanoTime();
    }

    /** Whether an online operation started within the last {@link #WINDOW}. */
    public boolean busy() {
        return System.nanoTime() - lastStarted < WINDOW_NANOS;
    }
}
