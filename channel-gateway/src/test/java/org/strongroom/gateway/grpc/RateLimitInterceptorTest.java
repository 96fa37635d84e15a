package org.strongroom.gateway.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.strongroom.gateway.GrpcErrors;
import org.strongroom.node.NodeProperties;
import org.strongroom.proto.customer.v1.CustomerServiceGrpc;
import org.strongroom.proto.customer.v1.GetCustomerRequest;
import org.strongroom.proto.customer.v1.GetCustomerResponse;

/** The per-principal token bucket, through real interceptors on an in-process channel and a fake clock. */
class RateLimitInterceptorTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        NodeProperties properties = new NodeProperties();
        properties.getGrpc().setDevelopmentIdentity(true);
        NodeProperties.RateLimit limit = properties.getGrpc().getRateLimit();
        limit.setRequestsPerSecond(2);
        limit.setBurst(3);
        RateLimitInterceptor rateLimit = new RateLimitInterceptor(limit, nanos::get);
        CustomerServiceGrpc.CustomerServiceImplBase service = new CustomerServiceGrpc.CustomerServiceImplBase() {
            @Override
            public void getCustomer(GetCustomerRequest request, StreamObserver<GetCustomerResponse> response) {
                response.onNext(GetCustomerResponse.getDefaultInstance());
                response.onCompleted();
            }
        };
        String name = InProcessServerBuilder.generateName();
        // interceptForward: the caller is identified first, then rate limited (as in the node).
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.interceptForward(service,
                        new CallerContextInterceptor(properties, null), rateLimit))
                .build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private GetCustomerResponse call(String principal) {
        Metadata headers = new Metadata();
        headers.put(CallerContextInterceptor.PRINCIPAL, principal);
        headers.put(CallerContextInterceptor.ROLE, "CUSTOMER");
        headers.put(CallerContextInterceptor.CHANNEL, "MOBILE");
        return CustomerServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .getCustomer(GetCustomerRequest.getDefaultInstance());
    }

    @Test
    void aBurstIsAllowedThenCallsAreRefusedWithRetryInfo() throws InvalidProtocolBufferException {
        for (int i = 0; i < 3; i++) {
            call("alice");
        }
        var info = GrpcErrors.assertError(() -> call("alice"), Status.Code.RESOURCE_EXHAUSTED, "RATE_LIMITED");
        assertThat(info.getMetadataMap()).containsEntry("principal", "alice").containsEntry("burst", "3");

        StatusRuntimeException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                StatusRuntimeException.class, () -> call("alice"));
        RetryInfo retry = StatusProto.fromThrowable(refused).getDetailsList().stream()
                .filter(any -> any.is(RetryInfo.class)).findFirst().orElseThrow().unpack(RetryInfo.class);
        // 2 per second: the next token is due within half a second.
        long retryNanos = retry.getRetryDelay().getSeconds() * 1_000_000_000L + retry.getRetryDelay().getNanos();
        assertThat(retryNanos).isPositive().isLessThanOrEqualTo(500_000_000L);
    }

    @Test
    void tokensComeBackAtTheConfiguredRate() {
        for (int i = 0; i < 3; i++) {
            call("bob");
        }
        GrpcErrors.assertError(() -> call("bob"), Status.Code.RESOURCE_EXHAUSTED, "RATE_LIMITED");
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
        call("bob");
        GrpcErrors.assertError(() -> call("bob"), Status.Code.RESOURCE_EXHAUSTED, "RATE_LIMITED");
    }

    @Test
    void eachPrincipalHasItsOwnBucket() {
        for (int i = 0; i < 3; i++) {
            call("carol");
        }
        GrpcErrors.assertError(() -> call("carol"), Status.Code.RESOURCE_EXHAUSTED, "RATE_LIMITED");
        call("dave");
    }

    @Test
    void unidentifiedCallsAreRefusedBeforeTheyCostAnyonesBudget() {
        GrpcErrors.assertError(() -> CustomerServiceGrpc.newBlockingStub(channel)
                .getCustomer(GetCustomerRequest.getDefaultInstance()), Status.Code.UNAUTHENTICATED,
                "MISSING_CREDENTIALS");
    }
}
