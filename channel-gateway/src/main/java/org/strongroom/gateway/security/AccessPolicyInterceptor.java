package org.strongroom.gateway.security;

import com.google.rpc.Code;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import org.springframework.core.annotation.Order;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.stereotype.Component;
import org.strongroom.gateway.grpc.CallerContext;
import org.strongroom.gateway.grpc.ErrorStatuses;
import org.strongroom.kernel.ErrorReason;

/** Applies {@link AccessPolicy} once the caller is known: a role without a rule for the method is refused. */
@Component
@GlobalServerInterceptor
@Order(25)
public class AccessPolicyInterceptor implements ServerInterceptor {

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        if (!call.getMethodDescriptor().getServiceName().startsWith("strongroom.")) {
            return next.startCall(call, headers);
        }
        String method = call.getMethodDescriptor().getFullMethodName();
        CallerContext caller = CallerContext.current();
        if (!AccessPolicy.permits(method, caller.role())) {
            StatusRuntimeException denied = ErrorStatuses.exception(Code.PERMISSION_DENIED,
                    ErrorReason.ROLE_NOT_PERMITTED, "role " + caller.role() + " may not call this method",
                    Map.of("role", caller.role().name(), "method", method));
            call.close(denied.getStatus(), denied.getTrailers());
            return new ServerCall.Listener<>() {
            };
        }
        return next.startCall(call, headers);
    }
}
