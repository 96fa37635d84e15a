package org.strongroom.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * While the channels write, close of business runs as many batches at once as the gate's limit allows,
 * and a worker held back goes on as soon as the limit rises (the channels fall quiet), without waiting
 * for a running batch to end.
 */
class BatchGateTest {

    /** A worker that enters the gate on a thread of its own, counts {@code entered} down, maybe leaves. */
    private static Thread secondWorker(BatchGate gate, CountDownLatch entered, boolean leave) {
        Thread worker = new Thread(() -> {
            try {
                gate.enter();
                entered.countDown();
                if (leave) {
                    gate.leave();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        worker.start();
        return worker;
    }

    @Test
    void aSecondBatchWaitsWhileTheLimitIsOneAndRunsOnceItRises() throws Exception {
        AtomicInteger limit = new AtomicInteger(1);
        BatchGate gate = new BatchGate(limit::get);
        gate.enter();

        CountDownLatch entered = new CountDownLatch(1);
        Thread second = secondWorker(gate, entered, false);
        assertThat(entered.await(200, TimeUnit.MILLISECONDS)).as("held back while one batch runs").isFalse();
        assertThat(gate.running()).isEqualTo(1);

        limit.set(2); // the channels fell quiet: both workers may run
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(gate.running()).isEqualTo(2);
        gate.leave();
        gate.leave();
        second.join();
        assertThat(gate.running()).isZero();
    }

    @Test
    void aWorkerHeldBackGoesOnWhenTheRunningBatchEnds() throws Exception {
        BatchGate gate = new BatchGate(() -> 1);
        gate.enter();
        CountDownLatch entered = new CountDownLatch(1);
        Thread second = secondWorker(gate, entered, true);
        assertThat(entered.await(200, TimeUnit.MILLISECONDS)).isFalse();
        gate.leave();
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        second.join();
        assertThat(gate.running()).isZero();
    }
}
