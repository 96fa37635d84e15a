package org.strongroom.gateway.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.core.annotation.Order;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.stereotype.Component;
import org.strongroom.node.NodeProperties;

/**
 * Every call runs under a deadline: the client's, capped at the configured maximum, or the default when
 * the client sent none. Work checks the deadline before it writes and waits only until it.
 */
@Component
@GlobalServerInterceptor
@Order(10)
public class DeadlineInterceptor implements ServerInterceptor, AutoCloseable {

    private final long defaultNanos;
    private final long maxNanos;
    // Cancels contexts when their deadline passes; one daemon thread is enough for timers.
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "grpc-deadlines");
        thread.setDaemon(true);
        return thread;
    });

    public DeadlineInterceptor(NodeProperties properties) {
        this.defaultNanos = properties.getGrpc().getDefaultDeadline().toNanos();
        this.maxNanos = properties.getGrpc().getMaxDeadline().toNanos();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        Deadline clientDeadline = Context.current().getDeadline();
        Deadline cap = Deadline.after(maxNanos, TimeUnit.NANOSECONDS);
        Deadline effective = clientDeadline == null
                ? Deadline.after(defaultNanos, TimeUnit.NANOSECONDS)
                : clientDeadline.minimum(cap);
        if (clientDeadline != null && effective == clientDeadline) {
            return next.startCall(call, headers);
        }
        Context.CancellableContext context = Context.current().withDeadline(effective, timer);
        ServerCall.Listener<Q> delegate = Contexts.interceptCall(context, call, headers, next);
        // Release the deadline timer as soon as the call ends rather than when it would have fired.
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
            @Override
            public void onComplete() {
                try {
                    super.onComplete();
                } finally {
                    context.cancel(null);
                }
            }

            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    context.cancel(null);
                }
            }
        };
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
