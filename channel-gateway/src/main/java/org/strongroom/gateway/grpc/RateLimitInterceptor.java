package org.strongroom.gateway.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.annotation.Order;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.stereotype.Component;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.node.NodeProperties;

/**
 * Rate limit per principal: a steady rate with a burst allowance. A caller over its limit
 * gets RESOURCE_EXHAUSTED / RATE_LIMITED with a RetryInfo saying when the next call will be accepted.
 * Runs after the caller is identified, so the bucket is the authenticated principal's.
 */
@Component
@GlobalServerInterceptor
@Order(30)
public class RateLimitInterceptor implements ServerInterceptor {

    /** Principals idle this long are forgotten, which bounds memory by the principals active recently. */
    private static final long IDLE_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final int SWEEP_THRESHOLD = 10_000;

    private final long requestsPerSecond;
    private final long burst;
    /** Nanoseconds between calls at the steady rate. */
    private final long intervalNanos;
    /** How far ahead of now a principal's schedule may run: the burst allowance. */
    private final long toleranceNanos;
    private final boolean enabled;
    private final LongSupplier nanoTime;
    /** Per principal, the time at which its next call would be on schedule (GCRA's theoretical arrival time). */
    private final Map<String, AtomicLong> schedules = new ConcurrentHashMap<>();

    @Autowired
    public RateLimitInterceptor(NodeProperties properties) {
        this(properties.getGrpc().getRateLimit(), System::nanoTime);
    }

    RateLimitInterceptor(NodeProperties.RateLimit limit, LongSupplier nanoTime) {
        this.enabled = limit.isEnabled();
        this.requestsPerSecond = limit.getRequestsPerSecond();
        this.burst = limit.getBurst();
        this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / requestsPerSecond;
        this.toleranceNanos = (burst - 1) * intervalNanos;
        this.nanoTime = nanoTime;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        CallerContext caller = CallerContext.KEY.get();
        if (!enabled || caller == null) {
            return next.startCall(call, headers);
        }
        long waitNanos = acquire(caller.principalId());
        if (waitNanos > 0) {
            StatusRuntimeException refused = refusal(caller.principalId(), waitNanos);
            call.close(refused.getStatus(), refused.getTrailers());
            return new ServerCall.Listener<>() {
            };
        }
        return next.startCall(call, headers);
    }

    /** Whether this principal has a schedule, i.e. its calls reached the limiter identified. */
    boolean tracks(String principal) {
        return schedules.containsKey(principal);
    }

    /**
     * Admits a call (generic cell rate algorithm, integer nanoseconds): returns 0, or how long until the
     * principal's next call would be admitted.
     */
    long acquire(String principal) {
        long now = nanoTime.getAsLong();
        if (schedules.size() > SWEEP_THRESHOLD) {
            schedules.values().removeIf(schedule -> now - schedule.get() > IDLE_NANOS);
        }
        AtomicLong schedule = schedules.computeIfAbsent(principal, p -> new AtomicLong(now));
        while (true) {
            long due = schedule.get();
            long start = Math.max(due, now);
            long ahead = start - now;
            if (ahead > toleranceNanos) {
                return ahead - toleranceNanos;
            }
            if (schedule.compareAndSet(due, start + intervalNanos)) {
                return 0;
            }
        }
    }

    private StatusRuntimeException refusal(String principal, long waitNanos) {
        com.google.rpc.Status status = ErrorStatuses.status(Code.RESOURCE_EXHAUSTED, ErrorReason.RATE_LIMITED,
                "too many calls from this caller; retry after the delay in RetryInfo",
                Map.of("principal", principal,
                        "requests_per_second", String.valueOf(requestsPerSecond),
                        "burst", String.valueOf(burst)));
        status = status.toBuilder().addDetails(Any.pack(RetryInfo.newBuilder()
                .setRetryDelay(Duration.newBuilder()
                        .setSeconds(waitNanos / 1_000_000_000L)
                        .setNanos((int) (waitNanos % 1_000_000_000L)))
                .build())).build();
        return ErrorStatuses.exception(status);
    }
}
