package org.strongroom.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.strongroom.proto.account.v1.AccountServiceGrpc;
import org.strongroom.proto.account.v1.DepositFundsRequest;

/**
 * The bank workload, CI-sized, against the packaged node: a few thousand concurrent transfers between
 * 20 accounts, with the node killed by SIGKILL and restarted mid-run, and the checker finding nothing.
 */
class BankWorkloadIT {

    private static final Path NODE_JAR = Path.of(System.getProperty("strongroom.node.jar",
            "../channel-gateway/target/node/strongroom-node.jar"));

    @Test
    void transfersSurviveASigkillWithNothingCreatedLostOrDoubled(@TempDir Path workDir) throws Exception {
        BankWorkload.Plan plan = new BankWorkload.Plan(20, 4, 0, 2000, 1, 42, 1000_00, null, NODE_JAR, workDir, null);

        BankWorkload.Summary summary = new BankWorkload(plan).execute();

        assertThat(summary.anomalies()).isEmpty();
        assertThat(summary.kills()).isEqualTo(1);
        assertThat(summary.attempted()).isEqualTo(2000);
        assertThat(summary.completed() + summary.failed()).isEqualTo(summary.attempted());
        // Both outcomes and the retry paths were exercised, not just the happy one.
        assertThat(summary.completed()).isPositive();
        assertThat(summary.failed()).isPositive();
        assertThat(summary.retries()).as("calls retried across the restart").isPositive();
        assertThat(summary.resends()).isPositive();
        assertThat(summary.reads()).isPositive();
    }

    @Test
    void theCheckerNoticesMoneyThatAppearsBehindItsBack(@TempDir Path workDir) throws Exception {
        try (LaunchedNode node = new LaunchedNode(NODE_JAR, workDir)) {
            node.start();
            BankWorkload workload = new BankWorkload(new BankWorkload.Plan(5, 2, 0, 100, 0, 7, 1000_00, node.target(),
                    null, workDir, node.dataDir()));
            assertThat(workload.execute().anomalies()).isEmpty();

            // One euro deposited outside the workload's knowledge.
            String token = TokenCommand.issue(TokenCommand.developmentKey(node.dataDir()), Instant.now(),
                    Duration.ofMinutes(10), "intruder", "TELLER", "BRANCH", Map.of("branch", "elsewhere"),
                    "strongroom", "strongroom");
            ManagedChannel channel = NettyChannelBuilder.forTarget(node.target()).usePlaintext().build();
            try {
                AccountServiceGrpc.newBlockingStub(channel).withInterceptors(OpsSupport.bearer(token))
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .depositFunds(DepositFundsRequest.newBuilder().setRequestId("intruder-1")
                                .setAccountId(workload.accountIds().get(0)).setAmount(OpsSupport.cents(100))
                                .setCounterparty(OpsSupport.clearing("behind the workload's back"))
                                .build());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }

            assertThat(workload.recheck())
                    .anyMatch(anomaly -> anomaly.startsWith("money is not conserved"))
                    .anyMatch(anomaly -> anomaly.startsWith("account " + workload.accountIds().get(0) + " holds"));
        }
    }
}
