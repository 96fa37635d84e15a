package org.strongroom.gateway.grpc;

import com.google.rpc.Code;
import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.util.Map;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;
import org.strongroom.kernel.ErrorReason;

/**
 * A request that is not valid protobuf (truncated, or a string field that is not UTF-8) makes grpc-java
 * answer UNKNOWN, because parsing happens before any interceptor can act. This guard parses requests
 * itself and answers such a request with INVALID_ARGUMENT / MALFORMED_REQUEST. It wraps every
 * Strongroom service bean.
 */
@Component
public class MalformedRequestGuard implements BeanPostProcessor {

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof BindableService service && bean.getClass().getName().startsWith("org.strongroom.")) {
            ServerServiceDefinition guarded = guard(service.bindService());
            return (BindableService) () -> guarded;
        }
        return bean;
    }

    /** The same service, with every method's request parsing made safe. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static ServerServiceDefinition guard(ServerServiceDefinition definition) {
        ServiceDescriptor original = definition.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
                .setSchemaDescriptor(original.getSchemaDescriptor());
        java.util.List<ServerMethodDefinition<?, ?>> methods = new java.util.ArrayList<>();
        for (ServerMethodDefinition method : definition.getMethods()) {
            MethodDescriptor<Object, Object> originalMethod = method.getMethodDescriptor();
            MethodDescriptor<Object, Object> guardedMethod = originalMethod.toBuilder()
                    .setRequestMarshaller(new SafeMarshaller(originalMethod.getRequestMarshaller()))
                    .build();
            descriptor.addMethod(guardedMethod);
            methods.add(ServerMethodDefinition.create(guardedMethod,
                    new GuardedHandler((ServerCallHandler<Object, Object>) method.getServerCallHandler())));
        }
        ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(builder::addMethod);
        return builder.build();
    }

    /** Marks a request that could not be parsed. */
    private record Malformed(String detail) {
    }

    private record SafeMarshaller(MethodDescriptor.Marshaller<Object> delegate)
            implements MethodDescriptor.Marshaller<Object> {

        @Override
        public InputStream stream(Object value) {
            return delegate.stream(value);
        }

        @Override
        public Object parse(InputStream stream) {
            try {
                return delegate.parse(stream);
            } catch (StatusRuntimeException | IllegalArgumentException e) {
                return new Malformed(e.getMessage());
            }
        }
    }

    private record GuardedHandler(ServerCallHandler<Object, Object> delegate)
            implements ServerCallHandler<Object, Object> {

        @Override
        public ServerCall.Listener<Object> startCall(ServerCall<Object, Object> call, Metadata headers) {
            ServerCall.Listener<Object> target = delegate.startCall(call, headers);
            return new ServerCall.Listener<>() {
                private boolean refused;

                @Override
                public void onMessage(Object message) {
                    if (refused) {
                        return;
                    }
                    if (message instanceof Malformed) {
                        refused = true;
                        StatusRuntimeException status = ErrorStatuses.exception(Code.INVALID_ARGUMENT,
                                ErrorReason.MALFORMED_REQUEST,
                                "the request is not a valid " + call.getMethodDescriptor().getFullMethodName()
                                        + " message (truncated, or a string field that is not UTF-8)",
                                Map.of("method", call.getMethodDescriptor().getFullMethodName()));
                        call.close(status.getStatus(), status.getTrailers());
                        return;
                    }
                    target.onMessage(message);
                }

                @Override
                public void onHalfClose() {
                    if (!refused) {
                        target.onHalfClose();
                    }
                }

                @Override
                public void onCancel() {
                    target.onCancel();
                }

                @Override
                public void onComplete() {
                    target.onComplete();
                }

                @Override
                public void onReady() {
                    if (!refused) {
                        target.onReady();
                    }
                }
            };
        }
    }
}
