package org.strongroom.node;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.context.event.EventListener;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the node's in-JVM integration tests: one Spring context (and so one embedded PostgreSQL) for
 * every test class that extends it, served over a real Netty gRPC port.
 */
@SpringBootTest(classes = StrongroomNode.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(NodeTest.TestSupport.class)
public abstract class NodeTest {

    /** Business day the tests start on: 2026-11-23, 10:00 UTC. */
    public static final Instant START = Instant.parse("2026-11-23T10:00:00Z");

    static final Path DATA_DIR = createDataDir();
    private static volatile ManagedChannel channel;

    @Autowired
    protected TestSupport support;

    @DynamicPropertySource
    static void nodeProperties(DynamicPropertyRegistry registry) {
        registry.add("strongroom.data-dir", DATA_DIR::toString);
        registry.add("spring.grpc.server.port", () -> "0");
        // Only SELF_SERVICE has limits in tests, so other tests move money freely (ChannelLimitsTest).
        registry.add("strongroom.limits.SELF_SERVICE.per-transaction", () -> "200");
        registry.add("strongroom.limits.SELF_SERVICE.daily", () -> "300");
        // The test clock starts in the past of the wall clock the deadline scheduler runs on: pending
        // approvals must not expire under tests that do not ask for it (TellerServiceTest does).
        registry.add("strongroom.approvals.expire-after", () -> "P3650D");
        // The same for loan decisions (referred applications), which expire after 3 days by default.
        registry.add("strongroom.loans.decision-expire-after", () -> "P3650D");
        // The clearing integration that funds accounts (AccountFixtures.clearingFeed()).
        registry.add("strongroom.clearing.feed-principals", () -> TestTokens.CLEARING_FEED);
        // Snapshots every 10 events, so that the suite loads aggregates from snapshots (SnapshotTest).
        registry.add("strongroom.snapshots.every", () -> "10");
    }

    private static Path createDataDir() {
        try {
            return Files.createTempDirectory("strongroom-node-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected ManagedChannel channel() {
        if (channel == null) {
            synchronized (NodeTest.class) {
                if (channel == null) {
                    channel = ManagedChannelBuilder.forAddress("127.0.0.1", support.grpcPort()).usePlaintext().build();
                }
            }
        }
        return channel;
    }

    /** A stub calling with a signed token for the given identity (staff work at branch-1). */
    protected <S extends AbstractStub<S>> S as(S stub, String principal, String role, String channelName) {
        boolean staff = role.equals("TELLER") || role.equals("SUPERVISOR");
        return as(stub, TestTokens.headers(principal, role, channelName, claims -> {
            if (staff) {
                claims.claim("branch", "branch-1");
            }
        }));
    }

    protected <S extends AbstractStub<S>> S as(S stub, Metadata headers) {
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /** Test-only beans: a clock the tests control, and the port the gRPC server bound. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class TestSupport {

        private final AtomicInteger grpcPort = new AtomicInteger(-1);
        private final MutableClock clock = new MutableClock(START);

        @Bean
        @Primary
        Clock testClock() {
            return clock;
        }

        public MutableClock clock() {
            return clock;
        }

        @EventListener
        void onGrpcStarted(GrpcServerStartedEvent event) {
            grpcPort.set(event.getPort());
        }

        public int grpcPort() {
            if (grpcPort.get() <= 0) {
                throw new IllegalStateException("gRPC server has not started");
            }
            return grpcPort.get();
        }
    }
}
