package org.strongroom.ops;

import com.nimbusds.jose.jwk.RSAKey;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.strongroom.proto.admin.v1.BusinessDayServiceGrpc;
import org.strongroom.proto.admin.v1.CloseOfBusinessRun;
import org.strongroom.proto.admin.v1.CloseOfBusinessState;
import org.strongroom.proto.admin.v1.GetBusinessDayRequest;

/**
 * Close of business day after day, as an operator runs it, in a thread of its own while a benchmark level
 * runs: the transfers' latency is then measured beside the night's batch work. Stops after the day running
 * when asked to stop (a run is never abandoned half-way).
 */
final class CloseOfBusinessLoop {

    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<CloseOfBusinessRun> runs = new ArrayList<>();
    private final Thread thread;
    private volatile Exception failure;

    private CloseOfBusinessLoop(ManagedChannel channel, RSAKey key) {
        var days = BusinessDayServiceGrpc.newBlockingStub(channel).withInterceptors(OpsSupport.bearer(
                TokenCommand.issue(key, Instant.now(), Duration.ofHours(12), "bench-cob", "OPERATOR", "SYSTEM",
                        Map.of(), "strongroom", "strongroom")));
        thread = new Thread(() -> {
            try {
                while (!stop.get()) {
                    var today = days.withDeadlineAfter(30, TimeUnit.SECONDS)
                            .getBusinessDay(GetBusinessDayRequest.getDefaultInstance()).getBusinessDate();
                    CloseOfBusinessRun run = CloseOfBusinessCommand.close(days, today, 50, progress -> { });
                    synchronized (runs) {
                        runs.add(run);
                    }
                    if (run.getState() != CloseOfBusinessState.CLOSE_OF_BUSINESS_STATE_COMPLETED) {
                        throw new IllegalStateException(CloseOfBusinessCommand.describe(run));
                    }
                }
            } catch (Exception e) {
                failure = e;
            }
        }, "bench-close-of-business");
        thread.setDaemon(true);
    }

    static CloseOfBusinessLoop start(ManagedChannel channel, RSAKey key) {
        CloseOfBusinessLoop loop = new CloseOfBusinessLoop(channel, key);
        loop.thread.start();
        return loop;
    }

    /** Waits for the day running to end and describes the days closed: how many, loans, loans per second. */
    String stop() throws InterruptedException {
        stop.set(true);
        thread.join(TimeUnit.MINUTES.toMillis(10));
        List<CloseOfBusinessRun> closed;
        synchronized (runs) {
            closed = List.copyOf(runs);
        }
        long loans = closed.stream().mapToLong(CloseOfBusinessRun::getLoansDone).sum();
        long collections = closed.stream().mapToLong(CloseOfBusinessRun::getCollections).sum();
        double seconds = closed.stream().mapToDouble(CloseOfBusinessCommand::seconds).sum();
        String summary = String.format("%d days closed, %d loans (%d collections) in %.1f s of runs, %.1f loans/s",
                closed.size(), loans, collections, seconds, seconds > 0 ? loans / seconds : 0);
        if (!closed.isEmpty() && loans == 0) {
            summary += " (no active loans: run strongroom-ops loans --cob-days 0 first)";
        }
        return failure == null ? summary : summary + "; stopped: " + failure.getMessage();
    }
}
