package org.strongroom.gateway.admin;

import java.util.function.IntSupplier;

/**
 * How many close-of-business batches run at once. The limit is read again while a worker waits, not only
 * when a batch ends: it follows the channels' activity (all the workers while they are quiet, fewer while
 * they write, docs/loans.md "Close of business").
 */
final class BatchGate {

    /** How often a waiting worker reads the limit again if no batch ends meanwhile. */
    private static final long RECHECK_MS = 10;

    private final IntSupplier limit;
    private int running;

    BatchGate(IntSupplier limit) {
        this.limit = limit;
    }

    /** Waits until fewer batches run than the limit allows, then counts this one in. */
    synchronized void enter() throws InterruptedException {
        while (running >= Math.max(1, limit.getAsInt())) {
            wait(RECHECK_MS);
        }
        running++;
    }

    /** This batch has ended (committed or not). */
    synchronized void leave() {
        running--;
        notifyAll();
    }

    synchronized int running() {
        return running;
    }
}
