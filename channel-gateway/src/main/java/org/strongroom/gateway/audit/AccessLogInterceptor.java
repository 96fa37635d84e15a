package org.strongroom.gateway.audit;

import com.google.rpc.ErrorInfo;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.net.SocketAddress;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.stereotype.Component;
import org.strongroom.gateway.grpc.CallerContext;
import org.strongroom.proto.account.v1.AccountServiceGrpc;
import org.strongroom.proto.audit.v1.AuditServiceGrpc;
import org.strongroom.proto.customer.v1.CustomerServiceGrpc;

/**
 * Feeds the access log: every call refused for who the caller is (unauthenticated, not permitted, rate
 * limited) and every read of personal data. Writes need no entry here: the event store records them,
 * with their caller. Outermost interceptor (ahead of Spring gRPC's exception handler, order 1), so it
 * sees every close: refusals before identification and statuses mapped from exceptions alike.
 */
@Component
@GlobalServerInterceptor
@Order(0)
public class AccessLogInterceptor implements ServerInterceptor {

    private static final Logger log = LoggerFactory.getLogger(AccessLogInterceptor.class);
    private static final Set<Status.Code> REFUSALS = EnumSet.of(Status.Code.UNAUTHENTICATED,
            Status.Code.PERMISSION_DENIED, Status.Code.RESOURCE_EXHAUSTED);
    /** Reads that disclose personal or financial data. */
    static final Set<String> PERSONAL_READS = Set.of(
            CustomerServiceGrpc.getGetCustomerMethod().getFullMethodName(),
            AccountServiceGrpc.getGetAccountMethod().getFullMethodName(),
            AccountServiceGrpc.getListAccountsMethod().getFullMethodName(),
            AccountServiceGrpc.getListTransactionsMethod().getFullMethodName(),
            AuditServiceGrpc.getListActivitiesMethod().getFullMethodName(),
            AuditServiceGrpc.getListAccessLogEntriesMethod().getFullMethodName());

    private final AccessLog accessLog;
    private final Clock clock;

    public AccessLogInterceptor(AccessLog accessLog, Clock clock) {
        this.accessLog = accessLog;
        this.clock = clock;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (!call.getMethodDescriptor().getServiceName().startsWith("strongroom.")) {
            return next.startCall(call, headers);
        }
        CallerContext.Holder caller = new CallerContext.Holder();
        ServerCall<Q, R> observed = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                if (REFUSALS.contains(status.getCode()) || PERSONAL_READS.contains(method)) {
                    try {
                        accessLog.record(entry(call, caller.caller(), method, status, trailers));
                    } catch (RuntimeException e) {
                        log.warn("access log entry for {} not recorded: {}", method, e.toString());
                    }
                }
                super.close(status, trailers);
            }
        };
        // Inner interceptors report the identified caller here: a close mapped from an exception runs
        // outside the caller's context.
        return Contexts.interceptCall(Context.current().withValue(CallerContext.HOLDER, caller), observed,
                headers, next);
    }

    private AccessLog.Entry entry(ServerCall<?, ?> call, CallerContext caller, String method, Status status,
                                  Metadata trailers) {
        SocketAddress origin = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        return new AccessLog.Entry(clock.instant(),
                caller == null ? null : caller.principalId(),
                caller == null ? null : caller.role().name(),
                caller == null ? null : caller.channel().name(),
                caller == null ? null : caller.branchId(),
                method, status.getCode().name(), reason(status, trailers),
                origin == null ? null : origin.toString(),
                caller == null ? null : caller.correlationId());
    }

    private static String reason(Status status, Metadata trailers) {
        if (status.isOk() || trailers == null) {
            return null;
        }
        com.google.rpc.Status details = StatusProto.fromStatusAndTrailers(status, trailers);
        if (details == null) {
            return null;
        }
        return details.getDetailsList().stream().filter(any -> any.is(ErrorInfo.class)).findFirst().map(any -> {
            try {
                return any.unpack(ErrorInfo.class).getReason();
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                return null;
            }
        }).orElse(null);
    }
}
