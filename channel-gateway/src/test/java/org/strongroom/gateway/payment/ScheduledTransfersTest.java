package org.strongroom.gateway.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.gateway.AccountFixtures;
import org.strongroom.gateway.grpc.ProtoTime;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.node.NodeTest;
import org.strongroom.node.TestTokens;
import org.strongroom.node.time.BusinessDateService;
import org.strongroom.proto.account.v1.Account;
import org.strongroom.proto.account.v1.GetAccountRequest;
import org.strongroom.proto.account.v1.ListTransactionsRequest;
import org.strongroom.proto.account.v1.Transaction;
import org.strongroom.proto.account.v1.WithdrawFundsRequest;
import org.strongroom.proto.payment.v1.GetTransferRequest;
import org.strongroom.proto.payment.v1.PaymentServiceGrpc;
import org.strongroom.proto.payment.v1.Transfer;
import org.strongroom.proto.payment.v1.TransferFundsRequest;
import org.strongroom.proto.payment.v1.TransferStatus;

/**
 * Scheduled transfers on their date, as close of business starts them, against the node's embedded
 * PostgreSQL: money moves once, on the execution date, judged by the funds of that date.
 */
class ScheduledTransfersTest extends NodeTest {

    @Autowired
    ScheduledTransfers scheduledTransfers;
    @Autowired
    BusinessDateService businessDate;
    @Autowired
    JdbcTemplate jdbc;

    private LocalDate today;

    @BeforeEach
    void rememberTheBusinessDate() {
        today = businessDate.current();
    }

    @AfterEach
    void putTheBusinessDateBack() {
        // For the other tests sharing this node (a test-only correction; only close of business moves it).
        jdbc.update("UPDATE business_date SET business_date = ? WHERE id = 1", today);
        businessDate.refresh();
    }

    private AccountFixtures fixtures() {
        return new AccountFixtures(channel());
    }

    private Account account(String accountId) {
        return fixtures().accounts().getAccount(GetAccountRequest.newBuilder().setAccountId(accountId).build())
                .getAccount();
    }

    private PaymentServiceGrpc.PaymentServiceBlockingStub payments(String customerId) {
        return as(PaymentServiceGrpc.newBlockingStub(channel()), TestTokens.customer(customerId, "MOBILE"))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private Transfer schedule(String source, String target, long euros, LocalDate executionDate) {
        return payments(account(source).getCustomerId()).transferFunds(TransferFundsRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setSourceAccountId(source).setTargetAccountId(target)
                .setAmount(AccountFixtures.eur(euros, 0)).setReference("standing order")
                .setExecutionDate(ProtoTime.toProto(executionDate)).build()).getTransfer();
    }

    private Transfer transfer(String source, String transferId) {
        return payments(account(source).getCustomerId()).getTransfer(GetTransferRequest.newBuilder()
                .setTransferId(transferId).build()).getTransfer();
    }

    /** The transfer once ended, with the account views past its end. */
    private Transfer awaitEnd(String source, String transferId) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                transfer(source, transferId).getStatus() != TransferStatus.TRANSFER_STATUS_PENDING);
        Transfer ended = transfer(source, transferId);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                account(ended.getSourceAccountId()).getHoldsList().isEmpty());
        return ended;
    }

    /** The simple names of the transfer's own events, in order. */
    private List<String> eventsOf(String transferId) {
        return jdbc.queryForList("SELECT payload_type FROM domain_event_entry WHERE aggregate_identifier = ? "
                + "ORDER BY sequence_number", String.class, transferId).stream()
                .map(type -> type.substring(type.lastIndexOf('$') + 1)).toList();
    }

    private String metadataOf(String transferId, String eventType) {
        return new String(jdbc.queryForObject("SELECT meta_data FROM domain_event_entry WHERE aggregate_identifier = ? "
                + "AND payload_type LIKE ?", byte[].class, transferId, "%$" + eventType), StandardCharsets.UTF_8);
    }

    @Test
    void aScheduledTransferMovesTheMoneyOnceOnItsDate() {
        String source = fixtures().fundedAccount(100);
        String target = fixtures().fundedAccount(0);
        LocalDate due = today.plusDays(2);
        Transfer scheduled = schedule(source, target, 40, due);
        Transfer later = schedule(source, target, 5, due.plusDays(1));
        String id = scheduled.getTransferId();
        assertThat(scheduled.getStatus()).isEqualTo(TransferStatus.TRANSFER_STATUS_SCHEDULED);
        assertThat(account(source).getAvailable()).isEqualTo(AccountFixtures.eur(100, 0));
        assertThat(account(target).getBalance()).isEqualTo(AccountFixtures.eur(0, 0));
        assertThat(scheduledTransfers.dueOn(today)).doesNotContain(id, later.getTransferId());
        assertThat(scheduledTransfers.dueOn(due)).contains(id).doesNotContain(later.getTransferId());

        LocalDate tomorrow = businessDate.advance(today);
        // Not its date yet: refused, nothing recorded.
        assertThatThrownBy(() -> scheduledTransfers.execute(id, tomorrow))
                .isInstanceOfSatisfying(DomainException.class,
                        refusal -> assertThat(refusal.reason()).isEqualTo(ErrorReason.TRANSFER_NOT_DUE));
        assertThat(eventsOf(id)).containsExactly("TransferScheduledEvent");

        assertThat(businessDate.advance(tomorrow)).isEqualTo(due);
        List<String> dueIds = scheduledTransfers.dueOn(due);
        assertThat(dueIds).contains(id).doesNotContain(later.getTransferId());
        scheduledTransfers.execute(id, due);
        Transfer done = awaitEnd(source, id);
        assertThat(done.getStatus()).isEqualTo(TransferStatus.TRANSFER_STATUS_COMPLETED);
        assertThat(done.getExecutionDate()).isEqualTo(ProtoTime.toProto(due));
        assertThat(done.getRequestTime()).isEqualTo(scheduled.getRequestTime());
        assertThat(account(source).getBalance()).isEqualTo(AccountFixtures.eur(60, 0));
        assertThat(account(target).getBalance()).isEqualTo(AccountFixtures.eur(40, 0));
        // Carried out by the system, on the execution date: its postings belong to that business day.
        assertThat(metadataOf(id, "TransferExecutedEvent"))
                .contains("\"role\":\"SYSTEM\"").contains("\"channel\":\"SYSTEM\"")
                .contains("\"principalId\":\"" + ScheduledTransfers.PRINCIPAL + "\"")
                .contains("\"businessDate\":\"" + due + "\"");
        await().atMost(Duration.ofSeconds(30)).until(() -> !postingsOf(source, id).isEmpty());
        assertThat(postingsOf(source, id)).singleElement().satisfies(posting -> {
            assertThat(posting.getBusinessDate()).isEqualTo(ProtoTime.toProto(due));
            assertThat(posting.getChannel()).isEqualTo("SYSTEM");
            assertThat(posting.getRequestId()).isEqualTo("scheduled-transfer:" + id);
        });

        // Close of business runs again (after a crash, say): nothing moves twice.
        scheduledTransfers.execute(id, due);
        assertThat(eventsOf(id)).containsExactly("TransferScheduledEvent", "TransferExecutedEvent");
        assertThat(scheduledTransfers.dueOn(due)).doesNotContain(id);
        assertThat(account(source).getBalance()).isEqualTo(AccountFixtures.eur(60, 0));
        assertThat(account(target).getBalance()).isEqualTo(AccountFixtures.eur(40, 0));
        assertThat(postingsOf(source, id)).hasSize(1);
        assertThat(postingsOf(target, id)).hasSize(1);
        assertThat(transfer(source, later.getTransferId()).getStatus())
                .isEqualTo(TransferStatus.TRANSFER_STATUS_SCHEDULED);
    }

    @Test
    void theFundsAreJudgedOnTheExecutionDate() {
        String source = fixtures().fundedAccount(100);
        String target = fixtures().fundedAccount(0);
        String id = schedule(source, target, 80, today.plusDays(1)).getTransferId();
        // Nothing is reserved by scheduling: the money can still be spent meanwhile.
        fixtures().clearingFeed().withdrawFunds(WithdrawFundsRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setAccountId(source)
                .setAmount(AccountFixtures.eur(50, 0)).setCounterparty(AccountFixtures.clearing("OUT-" + id)).build());

        LocalDate due = businessDate.advance(today);
        assertThat(scheduledTransfers.dueOn(due)).contains(id);
        scheduledTransfers.execute(id, due);
        Transfer failed = awaitEnd(source, id);
        assertThat(failed.getStatus()).isEqualTo(TransferStatus.TRANSFER_STATUS_FAILED);
        assertThat(failed.getFailureReason()).isEqualTo("INSUFFICIENT_FUNDS");
        assertThat(account(source).getBalance()).isEqualTo(AccountFixtures.eur(50, 0));
        assertThat(account(source).getAvailable()).isEqualTo(AccountFixtures.eur(50, 0));
        assertThat(account(target).getBalance()).isEqualTo(AccountFixtures.eur(0, 0));
    }

    private List<Transaction> postingsOf(String accountId, String transferId) {
        return fixtures().accounts().listTransactions(ListTransactionsRequest.newBuilder().setAccountId(accountId)
                .build()).getTransactionsList().stream()
                .filter(posting -> posting.getTransactionId().equals(transferId)).toList();
    }
}
