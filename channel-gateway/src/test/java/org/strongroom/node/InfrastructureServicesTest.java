package org.strongroom.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.client.RestClient;

/** Health and reflection are open to infrastructure and tools (no caller identity needed). */
class InfrastructureServicesTest extends NodeTest {

    @Value("${local.server.port}")
    int httpPort;

    @Test
    void grpcHealthIsServing() {
        HealthCheckResponse response = HealthGrpc.newBlockingStub(channel()).withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance());
        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void actuatorHealthIsUp() {
        String body = RestClient.create().get().uri("http://127.0.0.1:" + httpPort + "/actuator/health")
                .retrieve().body(String.class);
        assertThat(body).contains("\"status\":\"UP\"").contains("\"db\"");
    }

    @Test
    void reflectionV1ListsTheBanksServices() throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel())
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .serverReflectionInfo(observer(answer));
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
        requests.onCompleted();
        List<String> services = answer.get(5, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
                .map(io.grpc.reflection.v1.ServiceResponse::getName).toList();
        assertThat(services).contains("strongroom.customer.v1.CustomerService", "grpc.health.v1.Health");
    }

    @Test
    @SuppressWarnings("deprecation")
    void reflectionV1alphaListsTheBanksServices() throws Exception {
        CompletableFuture<io.grpc.reflection.v1alpha.ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> requests =
                io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(channel())
                        .withDeadlineAfter(5, TimeUnit.SECONDS)
                        .serverReflectionInfo(observer(answer));
        requests.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("*").build());
        requests.onCompleted();
        List<String> services = answer.get(5, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
                .map(io.grpc.reflection.v1alpha.ServiceResponse::getName).toList();
        assertThat(services).contains("strongroom.customer.v1.CustomerService");
    }

    private static <T> StreamObserver<T> observer(CompletableFuture<T> answer) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                answer.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                answer.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                answer.completeExceptionally(new AssertionError("no reflection response"));
            }
        };
    }
}
