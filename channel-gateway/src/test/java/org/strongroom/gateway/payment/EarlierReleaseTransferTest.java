package org.strongroom.gateway.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Currency;
import java.util.Map;
import java.util.UUID;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.account.api.DebitLimits;
import org.strongroom.gateway.AccountFixtures;
import org.strongroom.kernel.MetadataKeys;
import org.strongroom.kernel.Money;
import org.strongroom.node.NodeTest;
import org.strongroom.node.TestTokens;
import org.strongroom.proto.admin.v1.ListProjectionsRequest;
import org.strongroom.proto.admin.v1.Projection;
import org.strongroom.proto.admin.v1.ProjectionAdminServiceGrpc;
import org.strongroom.proto.admin.v1.ProjectionState;
import org.strongroom.node.time.BusinessDateService;
import org.strongroom.payment.api.TransferApi.RequestTransferCommand;
import org.strongroom.proto.account.v1.GetAccountRequest;
import org.strongroom.proto.payment.v1.GetTransferRequest;
import org.strongroom.proto.payment.v1.PaymentServiceGrpc;
import org.strongroom.proto.payment.v1.TransferStatus;

/**
 * Upgrade: a transfer an earlier release recorded as requested (TransferRequestedEvent, carried out step
 * by step by the transfer process) and left in flight still ends on the new node, once, with the money
 * moved and no reservation left.
 */
class EarlierReleaseTransferTest extends NodeTest {

    @Autowired
    CommandGateway commands;
    @Autowired
    BusinessDateService businessDate;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TransferProcessStandby standby;

    @Test
    void aTransferRequestedUnderTheEarlierProcessCompletesOnceAfterTheUpgrade() {
        AccountFixtures fixtures = new AccountFixtures(channel());
        String source = fixtures.fundedAccount(100);
        String target = fixtures.fundedAccount(0);
        String transferId = UUID.randomUUID().toString();
        // What an earlier release's TransferFunds recorded: the request, and nothing more yet.
        commands.sendAndWait(GenericCommandMessage.asCommandMessage(new RequestTransferCommand(transferId, source,
                        target, new Money(new BigDecimal("30.00"), Currency.getInstance("EUR")), "before the upgrade",
                        DebitLimits.NONE, DebitLimits.NONE, null, businessDate.current()))
                .andMetaData(Map.of(MetadataKeys.PRINCIPAL_ID, "teller-old", MetadataKeys.ROLE, "TELLER",
                        MetadataKeys.CHANNEL, "BRANCH", MetadataKeys.REQUEST_ID, "old-" + transferId,
                        MetadataKeys.BUSINESS_DATE, businessDate.current().toString())));

        // What the node does when it starts on such a data directory: the transfer process runs.
        assertThat(standby.runWhileTransfersAreInFlight()).isTrue();

        var payments = as(PaymentServiceGrpc.newBlockingStub(channel()), AccountFixtures.teller());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(payments.getTransfer(
                GetTransferRequest.newBuilder().setTransferId(transferId).build()).getTransfer().getStatus())
                .as(() -> "the transfer, with the transfer process at " + transferProcess())
                .isEqualTo(TransferStatus.TRANSFER_STATUS_COMPLETED));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var from = fixtures.accounts().getAccount(GetAccountRequest.newBuilder().setAccountId(source).build())
                    .getAccount();
            assertThat(from.getBalance()).isEqualTo(AccountFixtures.eur(70, 0));
            assertThat(from.getHoldsList()).isEmpty();
            assertThat(fixtures.accounts().getAccount(GetAccountRequest.newBuilder().setAccountId(target).build())
                    .getAccount().getBalance()).isEqualTo(AccountFixtures.eur(30, 0));
        });
        assertThat(jdbc.queryForList("SELECT payload_type FROM domain_event_entry WHERE aggregate_identifier = ? "
                + "ORDER BY sequence_number", String.class, transferId))
                .extracting(type -> type.substring(type.lastIndexOf('$') + 1))
                .containsExactly("TransferRequestedEvent", "TransferCompletedEvent");
        // Nothing left in flight: the process is not needed any more.
        assertThat(standby.runWhileTransfersAreInFlight()).isFalse();
    }

    @Test
    void aNodeStartedWithNoTransferOfAnEarlierReleaseInFlightLeavesTheTransferProcessStopped() {
        // This node started on a new data directory with nothing in flight: the standby left the process
        // stopped. (The bank workload checks the same over real restarts, through ListProjections.)
        assertThat(standby.startedAtStartup()).isFalse();
    }

    private Projection transferProcess() {
        return as(ProjectionAdminServiceGrpc.newBlockingStub(channel()),
                TestTokens.headers("ops-1", "OPERATOR", "SYSTEM", claims -> { }))
                .listProjections(ListProjectionsRequest.getDefaultInstance()).getProcessesList().stream()
                .filter(p -> p.getName().equals(TransferProcessHandler.PROCESSING_GROUP)).findFirst().orElseThrow();
    }
}
