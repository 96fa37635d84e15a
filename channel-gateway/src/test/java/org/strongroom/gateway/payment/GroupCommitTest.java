package org.strongroom.gateway.payment;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.gateway.AccountFixtures;
import org.strongroom.gateway.idempotency.IdempotentExecutor;
import org.strongroom.node.NodeTest;
import org.strongroom.node.TestTokens;
import org.strongroom.proto.account.v1.GetAccountRequest;
import org.strongroom.proto.payment.v1.PaymentServiceGrpc;
import org.strongroom.proto.payment.v1.Transfer;
import org.strongroom.proto.payment.v1.TransferFundsRequest;
import org.strongroom.proto.payment.v1.TransferStatus;

/**
 * Group commit (docs/architecture.md, "Group commit"): transfers that queue while the node's writers are busy
 * are written together in one database transaction, each under its own caller; a group in which anything
 * fails keeps nothing, and every member is then carried out alone with the outcome it would have had alone.
 *
 * <p>The writers are made busy on purpose: the test holds the view writers' lock from a connection of its own,
 * as a rebuild's swap does, so a transfer in each writer slot waits for it, and the transfers sent after them
 * queue until it is released.
 */
class GroupCommitTest extends NodeTest {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    IdempotentExecutor executor;

    private final ExecutorService clients = Executors.newFixedThreadPool(8);

    @AfterEach
    void stopClients() {
        clients.shutdownNow();
    }

    private record Sent(String requestId, String source, String target, long cents,
                        CompletableFuture<Transfer> answer) {
    }

    private static TransferFundsRequest request(String source, String target, long cents, String reference) {
        return TransferFundsRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setSourceAccountId(source).setTargetAccountId(target)
                .setAmount(AccountFixtures.eur(cents / 100, (int) (cents % 100))).setReference(reference).build();
    }

    /** Sends the request as the caller from a client thread of its own; the answer completes later. */
    private CompletableFuture<Transfer> send(Metadata caller, TransferFundsRequest request, Duration deadline) {
        var payments = as(PaymentServiceGrpc.newBlockingStub(channel()), caller);
        return CompletableFuture.supplyAsync(() -> payments
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .transferFunds(request).getTransfer(), clients);
    }

    private Sent send(Metadata caller, String source, String target, long cents, Duration deadline) {
        TransferFundsRequest request = request(source, target, cents, "group " + UUID.randomUUID());
        return new Sent(request.getRequestId(), source, target, cents, send(caller, request, deadline));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant until = Instant.now().plusSeconds(30);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("waiting for " + what).isBefore(until);
            Thread.sleep(10);
        }
    }

    /**
     * Holds the view writers' lock exclusively, as a rebuild's swap does, until closed: a transfer in each
     * writer slot waits for it, and the transfers sent after them queue.
     */
    private final class BusyWriters implements AutoCloseable {
        private final Connection holder;
        private final List<Sent> blocked = new ArrayList<>();

        BusyWriters(AccountFixtures fixtures) throws Exception {
            int writers = executor.groupWriters();
            List<String> accounts = new ArrayList<>();
            for (int i = 0; i < 2 * writers; i++) {
                accounts.add(fixtures.fundedAccount(100));
            }
            holder = dataSource.getConnection();
            try (Statement statement = holder.createStatement()) {
                statement.execute("SELECT pg_advisory_lock(21330, 1)");
            }
            for (int i = 0; i < writers; i++) {
                blocked.add(send(AccountFixtures.teller(), accounts.get(2 * i), accounts.get(2 * i + 1), 1_00,
                        Duration.ofSeconds(60)));
            }
            await("every writer to wait for the view writers' lock", () -> jdbc.queryForObject(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted", Long.class)
                    == writers);
        }

        @Override
        public void close() throws Exception {
            try (Statement statement = holder.createStatement()) {
                statement.execute("SELECT pg_advisory_unlock_all()");
            } finally {
                holder.close();
            }
            for (Sent sent : blocked) {
                assertThat(sent.answer().get(60, TimeUnit.SECONDS).getStatus())
                        .isEqualTo(TransferStatus.TRANSFER_STATUS_COMPLETED);
            }
        }
    }

    private long balance(AccountFixtures fixtures, String accountId) {
        var money = fixtures.accounts().getAccount(GetAccountRequest.newBuilder().setAccountId(accountId).build())
                .getAccount().getBalance();
        return money.getUnits() * 100 + money.getNanos() / 10_000_000;
    }

    /** The database transactions that stored these requests' outcomes. */
    private long transactionsOf(List<Sent> sent) {
        return jdbc.queryForObject("SELECT count(DISTINCT xmin::text) FROM idempotency_record WHERE request_id = ANY (?)",
                Long.class, (Object) sent.stream().map(Sent::requestId).toArray(String[]::new));
    }

    @Test
    void transfersQueuedBehindBusyWritersCommitInOneTransactionEachUnderItsOwnCaller() throws Exception {
        AccountFixtures fixtures = new AccountFixtures(channel());
        List<String> ring = List.of(fixtures.fundedAccount(100), fixtures.fundedAccount(100),
                fixtures.fundedAccount(100), fixtures.fundedAccount(100));
        List<Sent> queued = new ArrayList<>();
        try (BusyWriters busy = new BusyWriters(fixtures)) {
            for (int i = 0; i < 4; i++) {
                queued.add(send(TestTokens.staff("group-teller-" + i, "TELLER", "branch-1"), ring.get(i),
                        ring.get((i + 1) % 4), (i + 1) * 10_00L, Duration.ofSeconds(60)));
            }
            await("four transfers queued for a group", () -> executor.queuedOperations() == 4);
        }
        for (Sent sent : queued) {
            assertThat(sent.answer().get(60, TimeUnit.SECONDS).getStatus())
                    .isEqualTo(TransferStatus.TRANSFER_STATUS_COMPLETED);
        }
        assertThat(transactionsOf(queued)).as("database transactions of the four").isEqualTo(1);
        // Each account paid its amount to the next and received the previous one's.
        for (int i = 0; i < 4; i++) {
            long paid = (i + 1) * 10_00L;
            long received = ((i + 3) % 4 + 1) * 10_00L;
            assertThat(balance(fixtures, ring.get(i))).isEqualTo(100_00 - paid + received);
        }
        // The writer's thread belongs to one caller; every transfer still names its own.
        for (int i = 0; i < 4; i++) {
            String transferId = queued.get(i).answer().get().getTransferId();
            String metadata = new String(jdbc.queryForObject("SELECT meta_data FROM domain_event_entry "
                    + "WHERE aggregate_identifier = ?", byte[].class, transferId), StandardCharsets.UTF_8);
            assertThat(metadata).contains("\"group-teller-" + i + "\"");
            for (int other = 0; other < 4; other++) {
                if (other != i) {
                    assertThat(metadata).doesNotContain("\"group-teller-" + other + "\"");
                }
            }
        }
    }

    @Test
    void aMemberWhoseDeadlinePassedInTheQueueCannotTakeTheOthersDownOrMoveMoney() throws Exception {
        AccountFixtures fixtures = new AccountFixtures(channel());
        String source = fixtures.fundedAccount(100);
        List<String> targets = List.of(fixtures.fundedAccount(0), fixtures.fundedAccount(0),
                fixtures.fundedAccount(0));
        List<Sent> patient = new ArrayList<>();
        Sent impatient;
        try (BusyWriters busy = new BusyWriters(fixtures)) {
            patient.add(send(AccountFixtures.teller(), source, targets.get(0), 5_00, Duration.ofSeconds(60)));
            impatient = send(AccountFixtures.teller(), source, targets.get(1), 7_00, Duration.ofMillis(1_500));
            patient.add(send(AccountFixtures.teller(), source, targets.get(2), 11_00, Duration.ofSeconds(60)));
            await("three transfers queued for a group", () -> executor.queuedOperations() == 3);
            await("the impatient client to give up", impatient.answer()::isDone);
        }
        for (Sent sent : patient) {
            assertThat(sent.answer().get(60, TimeUnit.SECONDS).getStatus())
                    .isEqualTo(TransferStatus.TRANSFER_STATUS_COMPLETED);
        }
        assertThat(impatient.answer()).isCompletedExceptionally();
        assertThat(Status.fromThrowable(impatient.answer().handle((ok, thrown) -> thrown).get()).getCode())
                .isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        // The group kept nothing; each patient transfer was then written alone, the impatient one not at all.
        assertThat(transactionsOf(patient)).isEqualTo(2);
        assertThat(transactionsOf(List.of(impatient))).isZero();
        assertThat(balance(fixtures, targets.get(1))).isZero();
        assertThat(balance(fixtures, source)).isEqualTo(100_00 - 5_00 - 11_00);
        assertThat(balance(fixtures, targets.get(0))).isEqualTo(5_00);
        assertThat(balance(fixtures, targets.get(2))).isEqualTo(11_00);
    }

    @Test
    void theSameRequestTwiceInOneGroupMovesTheMoneyOnceAndAnswersTheSameTransfer() throws Exception {
        AccountFixtures fixtures = new AccountFixtures(channel());
        String source = fixtures.fundedAccount(100);
        String target = fixtures.fundedAccount(0);
        TransferFundsRequest request = request(source, target, 30_00, "twice");
        List<CompletableFuture<Transfer>> answers = new ArrayList<>();
        try (BusyWriters busy = new BusyWriters(fixtures)) {
            for (int i = 0; i < 2; i++) {
                answers.add(send(AccountFixtures.teller(), request, Duration.ofSeconds(60)));
            }
            await("both copies queued for a group", () -> executor.queuedOperations() == 2);
        }
        Transfer first = answers.get(0).get(60, TimeUnit.SECONDS);
        Transfer second = answers.get(1).get(60, TimeUnit.SECONDS);
        assertThat(first.getStatus()).isEqualTo(TransferStatus.TRANSFER_STATUS_COMPLETED);
        assertThat(second).isEqualTo(first);
        assertThat(balance(fixtures, target)).isEqualTo(30_00);
        assertThat(balance(fixtures, source)).isEqualTo(70_00);
    }

    @Test
    void aRetryOfAnAnsweredRequestInAGroupGetsTheStoredAnswerAndTheOthersStillComplete() throws Exception {
        AccountFixtures fixtures = new AccountFixtures(channel());
        String source = fixtures.fundedAccount(100);
        String target = fixtures.fundedAccount(0);
        TransferFundsRequest request = request(source, target, 40_00, "answered");
        Transfer answered = send(AccountFixtures.teller(), request, Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);
        CompletableFuture<Transfer> retry;
        Sent other;
        try (BusyWriters busy = new BusyWriters(fixtures)) {
            retry = send(AccountFixtures.teller(), request, Duration.ofSeconds(60));
            other = send(AccountFixtures.teller(), source, target, 25_00, Duration.ofSeconds(60));
            await("the retry and another transfer queued for a group", () -> executor.queuedOperations() == 2);
        }
        assertThat(retry.get(60, TimeUnit.SECONDS)).isEqualTo(answered);
        assertThat(other.answer().get(60, TimeUnit.SECONDS).getStatus())
                .isEqualTo(TransferStatus.TRANSFER_STATUS_COMPLETED);
        assertThat(balance(fixtures, target)).isEqualTo(65_00);
    }

    @Test
    void aGroupDecidesEachTransferOnTheBalanceTheOnesBeforeItLeft() throws Exception {
        AccountFixtures fixtures = new AccountFixtures(channel());
        String source = fixtures.fundedAccount(100);
        String target = fixtures.fundedAccount(0);
        List<Sent> queued = new ArrayList<>();
        try (BusyWriters busy = new BusyWriters(fixtures)) {
            for (int i = 0; i < 3; i++) {
                queued.add(send(AccountFixtures.teller(), source, target, 40_00, Duration.ofSeconds(60)));
            }
            await("three transfers queued for a group", () -> executor.queuedOperations() == 3);
        }
        List<String> outcomes = new ArrayList<>();
        for (Sent sent : queued) {
            Transfer transfer = sent.answer().get(60, TimeUnit.SECONDS);
            outcomes.add(transfer.getStatus().name() + "/" + transfer.getFailureReason());
        }
        // 100 euros pay two transfers of 40; the third finds 20 and fails, in whatever order they were queued.
        assertThat(outcomes).containsExactlyInAnyOrder("TRANSFER_STATUS_COMPLETED/", "TRANSFER_STATUS_COMPLETED/",
                "TRANSFER_STATUS_FAILED/INSUFFICIENT_FUNDS");
        assertThat(transactionsOf(queued)).isEqualTo(1);
        assertThat(balance(fixtures, source)).isEqualTo(20_00);
        assertThat(balance(fixtures, target)).isEqualTo(80_00);
    }

    @Test
    void aTransferWaitingForAnAccountLockedElsewhereDoesNotHoldUpTheTransfersBehindIt() throws Exception {
        AccountFixtures fixtures = new AccountFixtures(channel());
        String locked = fixtures.fundedAccount(100);
        String payer = fixtures.fundedAccount(100);
        List<String> others = List.of(fixtures.fundedAccount(100), fixtures.fundedAccount(0));
        Sent waiting;
        List<Sent> behind = new ArrayList<>();
        try (Connection holder = dataSource.getConnection()) {
            // A long operation elsewhere (a close-of-business batch, a teller's) holds the account's lock.
            try (Statement statement = holder.createStatement()) {
                statement.execute("SELECT pg_advisory_lock(" + IdempotentExecutor.aggregateLockId(locked) + ")");
            }
            waiting = send(AccountFixtures.teller(), payer, locked, 10_00, Duration.ofSeconds(60));
            await("the transfer to wait for the locked account", () -> jdbc.queryForObject(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted", Long.class) == 1);
            for (int i = 0; i < 4; i++) {
                behind.add(send(AccountFixtures.teller(), others.get(0), others.get(1), 5_00, Duration.ofSeconds(60)));
            }
            for (Sent sent : behind) {
                assertThat(sent.answer().get(30, TimeUnit.SECONDS).getStatus())
                        .isEqualTo(TransferStatus.TRANSFER_STATUS_COMPLETED);
            }
            assertThat(waiting.answer()).as("still waiting for the lock").isNotDone();
            try (Statement statement = holder.createStatement()) {
                statement.execute("SELECT pg_advisory_unlock_all()");
            }
        }
        assertThat(waiting.answer().get(30, TimeUnit.SECONDS).getStatus())
                .isEqualTo(TransferStatus.TRANSFER_STATUS_COMPLETED);
        assertThat(balance(fixtures, locked)).isEqualTo(110_00);
        assertThat(balance(fixtures, others.get(1))).isEqualTo(20_00);
    }

    @Test
    void debitsRidingInOneGroupCannotPassTheCallersDailyLimitTogether() throws Exception {
        // Tests give SELF_SERVICE 200 a transaction and 300 a day.
        AccountFixtures fixtures = new AccountFixtures(channel());
        String account = fixtures.fundedAccount(1000);
        String owner = fixtures.accounts().getAccount(GetAccountRequest.newBuilder().setAccountId(account).build())
                .getAccount().getCustomerId();
        String payee = fixtures.fundedAccount(0);
        Metadata atm = TestTokens.headers(owner, "CUSTOMER", "SELF_SERVICE", claims -> {
        });
        List<Sent> queued = new ArrayList<>();
        try (BusyWriters busy = new BusyWriters(fixtures)) {
            for (int i = 0; i < 2; i++) {
                queued.add(send(atm, account, payee, 200_00, Duration.ofSeconds(60)));
            }
            await("both debits queued for a group", () -> executor.queuedOperations() == 2);
        }
        List<String> outcomes = new ArrayList<>();
        for (Sent sent : queued) {
            Transfer transfer = sent.answer().get(60, TimeUnit.SECONDS);
            outcomes.add(transfer.getStatus().name() + "/" + transfer.getFailureReason());
        }
        assertThat(outcomes).containsExactlyInAnyOrder("TRANSFER_STATUS_COMPLETED/",
                "TRANSFER_STATUS_FAILED/DAILY_LIMIT_EXCEEDED");
        assertThat(transactionsOf(queued)).isEqualTo(1);
        assertThat(balance(fixtures, payee)).isEqualTo(200_00);
    }
}
