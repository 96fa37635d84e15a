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
import java.util.function.LongSupplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.annotation.Order;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.stereotype.Component;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.node.NodeProperties;

/**
 * Rate limit per principal (token bucket): a steady rate with a burst allowance. A caller over its limit
 * gets RESOURCE_EXHAUSTED / RATE_LIMITED with a RetryInfo saying when the next call will be accepted.
 * Runs after the caller is identified, so the bucket is the authenticated principal's.
 */
@Component
@GlobalServerInterceptor
@Order(30)
public class RateLimitInterceptor implements ServerInterceptor {

    /** Buckets idle this long are dropped, which bounds memory by the principals active recently. */
    private static final long IDLE_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final int SWEEP_THRESHOLD = 10_000;

    private final double ratePerNano;
    private final double burst;
    private final boolean enabled;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    @Autowired
    public RateLimitInterceptor(NodeProperties properties) {
        this(properties.getGrpc().getRateLimit(), System::nanoTime);
    }

    RateLimitInterceptor(NodeProperties.RateLimit limit, LongSupplier nanoTime) {
        this.enabled = limit.isEnabled();
        this.ratePerNano = limit.getRequestsPerSecond() / 1e9;
        this.burst = limit.getBurst();
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

    /** Whether this principal has a bucket, i.e. its calls reached the limiter identified. */
    boolean tracks(String principal) {
        return buckets.containsKey(principal);
    }

    /** Takes a token; returns 0, or how long until one would be available. */
    long acquire(String principal) {
        long now = nanoTime.getAsLong();
        if (buckets.size() > SWEEP_THRESHOLD) {
            buckets.values().removeIf(bucket -> now - bucket.updatedNanos > IDLE_NANOS);
        }
        Bucket bucket = buckets.computeIfAbsent(principal, p -> new Bucket(burst, now));
        synchronized (bucket) {
            bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.updatedNanos) * ratePerNano);
            bucket.updatedNanos = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - bucket.tokens) / ratePerNano);
        }
    }

    private StatusRuntimeException refusal(String principal, long waitNanos) {
        com.google.rpc.Status status = ErrorStatuses.status(Code.RESOURCE_EXHAUSTED, ErrorReason.RATE_LIMITED,
                "too many calls from this caller; retry after the delay in RetryInfo",
                Map.of("principal", principal,
                        "requests_per_second", String.valueOf(Math.round(ratePerNano * 1e9)),
                        "burst", String.valueOf(Math.round(burst))));
        status = status.toBuilder().addDetails(Any.pack(RetryInfo.newBuilder()
                .setRetryDelay(Duration.newBuilder()
                        .setSeconds(waitNanos / 1_000_000_000L)
                        .setNanos((int) (waitNanos % 1_000_000_000L)))
                .build())).build();
        return ErrorStatuses.exception(status);
    }

    private static final class Bucket {
        double tokens;
        long updatedNanos;

        Bucket(double tokens, long updatedNanos) {
            this.tokens = tokens;
            this.updatedNanos = updatedNanos;
        }
    }
}
