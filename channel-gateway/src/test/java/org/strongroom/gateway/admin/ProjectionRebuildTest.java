package org.strongroom.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.gateway.AccountFixtures;
import org.strongroom.gateway.GrpcErrors;
import org.strongroom.node.NodeTest;
import org.strongroom.node.TestTokens;
import org.strongroom.proto.account.v1.Account;
import org.strongroom.proto.account.v1.GetAccountRequest;
import org.strongroom.proto.account.v1.PlaceHoldRequest;
import org.strongroom.proto.account.v1.WithdrawFundsRequest;
import org.strongroom.proto.admin.v1.ListProjectionsRequest;
import org.strongroom.proto.customer.v1.CustomerServiceGrpc;
import org.strongroom.proto.customer.v1.IdentityDocument;
import org.strongroom.proto.customer.v1.IdentityDocumentType;
import org.strongroom.proto.customer.v1.RegisterCustomerRequest;
import org.strongroom.proto.admin.v1.Projection;
import org.strongroom.proto.admin.v1.ProjectionAdminServiceGrpc;
import org.strongroom.proto.admin.v1.ProjectionState;
import org.strongroom.proto.admin.v1.RebuildProjectionRequest;

/**
 * docs/architecture.md, invariant 4: projections are a pure function of the events. Damage the rows, rebuild, and
 * every row is back exactly; rebuild while money moves, and nothing is lost.
 */
class ProjectionRebuildTest extends NodeTest {

    private static final List<String> TABLES = List.of(
            "SELECT * FROM customer_view ORDER BY customer_id",
            "SELECT * FROM account_view ORDER BY account_id",
            "SELECT * FROM account_hold ORDER BY account_id, hold_id",
            "SELECT * FROM account_transaction ORDER BY account_id, posting_sequence",
            // The swapped-in tables keep every index and constraint under its name.
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname",
            "SELECT conrelid::regclass::text AS table_name, conname, pg_get_constraintdef(oid) AS def "
                    + "FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY conname");

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    org.springframework.transaction.PlatformTransactionManager transactionManager;

    private ProjectionAdminServiceGrpc.ProjectionAdminServiceBlockingStub admin() {
        Metadata headers = TestTokens.headers("operator-1", "OPERATOR", "SYSTEM", claims -> { });
        return ProjectionAdminServiceGrpc.newBlockingStub(channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @Test
    void rebuildRestoresDamagedRowsExactly() {
        AccountFixtures fixtures = new AccountFixtures(channel());
        for (int i = 0; i < 3; i++) {
            String accountId = fixtures.fundedAccount(100 + i);
            fixtures.clearingFeed().withdrawFunds(WithdrawFundsRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                    .setAccountId(accountId).setAmount(AccountFixtures.eur(10, 5))
                    .setCounterparty(AccountFixtures.clearing("OUT-" + i)).build());
            fixtures.accounts().placeHold(PlaceHoldRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                    .setAccountId(accountId).setAmount(AccountFixtures.eur(1, 0)).setReason("pending card payment")
                    .build());
        }
        List<List<Map<String, Object>>> before = snapshot();

        jdbc.update("DELETE FROM account_transaction WHERE posting_sequence = 1");
        jdbc.update("UPDATE account_view SET balance = balance + 1000000, freeze_scope = 'ALL'");
        jdbc.update("DELETE FROM account_hold");
        jdbc.update("UPDATE customer_view SET email = 'tampered@example.com'");
        jdbc.update("DELETE FROM customer_view WHERE customer_id IN (SELECT customer_id FROM customer_view LIMIT 2)");
        assertThat(snapshot()).isNotEqualTo(before);

        for (String projection : List.of("customer-view", "account-view", "account-transactions", "loan-view",
                "transfer-view", "approval-view")) {
            Projection answer = admin().rebuildProjection(RebuildProjectionRequest.newBuilder()
                    .setRequestId(UUID.randomUUID().toString()).setName(projection).build()).getProjection();
            assertThat(answer.getName()).isEqualTo(projection);
        }
        awaitAllCaughtUp();
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void rebuildUnderConcurrentWritesLosesNothing() throws Exception {
        AccountFixtures fixtures = new AccountFixtures(channel());
        List<String> accounts = List.of(fixtures.fundedAccount(50), fixtures.fundedAccount(50));
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Integer>> writers = new ArrayList<>();
            for (String accountId : accounts) {
                writers.add(pool.submit(() -> {
                    int deposits = 0;
                    while (writing.get() && deposits < 200) {
                        fixtures.clearingFeed().depositFunds(AccountFixtures.deposit(accountId, AccountFixtures.eur(1, 0)));
                        deposits++;
                    }
                    return deposits;
                }));
            }
            // Reads during the rebuild are served from the live tables, never refused, and never go back.
            Future<?> reader = pool.submit(() -> {
                long seen = 0;
                while (writing.get()) {
                    Account account = fixtures.accounts().getAccount(GetAccountRequest.newBuilder()
                            .setAccountId(accounts.get(0)).build()).getAccount();
                    assertThat(account.getBalance().getUnits()).isGreaterThanOrEqualTo(Math.max(50, seen));
                    seen = account.getBalance().getUnits();
                }
                return null;
            });
            Thread.sleep(200);
            admin().rebuildProjection(RebuildProjectionRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                    .setName("account-view").build());
            admin().rebuildProjection(RebuildProjectionRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                    .setName("account-transactions").build());
            Thread.sleep(300);
            writing.set(false);
            int[] deposits = new int[accounts.size()];
            for (int i = 0; i < accounts.size(); i++) {
                deposits[i] = writers.get(i).get(60, TimeUnit.SECONDS);
            }
            reader.get(60, TimeUnit.SECONDS);
            awaitAllCaughtUp();
            for (int i = 0; i < accounts.size(); i++) {
                String accountId = accounts.get(i);
                assertThat(jdbc.queryForObject("SELECT balance FROM account_view WHERE account_id = ?",
                        java.math.BigDecimal.class, accountId)).isEqualByComparingTo(String.valueOf(50 + deposits[i]));
                assertThat(jdbc.queryForObject("SELECT count(*) FROM account_transaction WHERE account_id = ?",
                        Long.class, accountId)).isEqualTo(1L + deposits[i]);
            }
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }
    }

    /**
     * The swap needs the live tables to itself: a transaction still reading them holds it back (the swap
     * gives way and tries again) but is never aborted, and the rebuild ends once it has committed.
     */
    @Test
    void aTransactionHoldingTheLiveTablesDelaysTheSwapAndIsNeverAborted() throws Exception {
        String accountId = new AccountFixtures(channel()).fundedAccount(20);
        var transactions = new org.springframework.transaction.support.TransactionTemplate(transactionManager);
        java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<List<java.math.BigDecimal>> reader = pool.submit(() -> transactions.execute(tx -> {
                java.math.BigDecimal first = balance(accountId);
                reading.countDown();
                try {
                    assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return List.of(first, balance(accountId));
            }));
            assertThat(reading.await(30, TimeUnit.SECONDS)).isTrue();
            admin().rebuildProjection(RebuildProjectionRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                    .setName("account-view").build());
            Thread.sleep(1500); // the replay is done long before; the swap keeps giving way
            assertThat(state("account-view")).isEqualTo(ProjectionState.PROJECTION_STATE_REBUILDING);
            release.countDown();
            assertThat(reader.get(30, TimeUnit.SECONDS)).allSatisfy(balance ->
                    assertThat(balance).isEqualByComparingTo("20"));
            awaitAllCaughtUp();
            assertThat(balance(accountId)).isEqualByComparingTo("20");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    private java.math.BigDecimal balance(String accountId) {
        return jdbc.queryForObject("SELECT balance FROM account_view WHERE account_id = ?", java.math.BigDecimal.class,
                accountId);
    }

    private ProjectionState state(String name) {
        return admin().listProjections(ListProjectionsRequest.getDefaultInstance()).getProjectionsList().stream()
                .filter(p -> p.getName().equals(name)).findFirst().orElseThrow().getState();
    }

    @Test
    void onlyOperatorsRebuildAndUnknownNamesAreNotFound() {
        GrpcErrors.assertError(() -> admin().rebuildProjection(RebuildProjectionRequest.newBuilder()
                .setRequestId("r-1").setName("no-such-view").build()), Status.Code.NOT_FOUND, "PROJECTION_NOT_FOUND");
        // The Kafka publisher and the transfer process are processors, not projections: never replayed.
        for (String processor : List.of("kafka-publisher", "transfer-process")) {
            GrpcErrors.assertError(() -> admin().rebuildProjection(RebuildProjectionRequest.newBuilder()
                    .setRequestId("r-" + processor).setName(processor).build()), Status.Code.NOT_FOUND,
                    "PROJECTION_NOT_FOUND");
        }
        GrpcErrors.assertInvalidFields(() -> admin().rebuildProjection(RebuildProjectionRequest.newBuilder()
                .setRequestId("r-2").build()), "name");
        GrpcErrors.assertError(() -> as(ProjectionAdminServiceGrpc.newBlockingStub(channel()), "t-1", "AUDITOR", "SYSTEM")
                .rebuildProjection(RebuildProjectionRequest.newBuilder().setRequestId("r-3").setName("account-view")
                        .build()), Status.Code.PERMISSION_DENIED, "ROLE_NOT_PERMITTED");
    }

    @Test
    void aLaggingProjectionFailingOnAnEventShowsFailingWithItsErrorAndCatchesUpOnceItCan() {
        AccountFixtures fixtures = new AccountFixtures(channel());
        String accountId = fixtures.fundedAccount(10);
        awaitAllCaughtUp();
        // A constraint the ledger cannot meet for one account: its processor fails on that account's next event.
        jdbc.execute("ALTER TABLE journal_entry ADD CONSTRAINT poison_pill CHECK (subject_id <> '" + accountId
                + "') NOT VALID");
        try {
            // The deposit itself commits: the ledger is a report that may lag, not part of the write.
            fixtures.clearingFeed().depositFunds(AccountFixtures.deposit(accountId, AccountFixtures.eur(5, 0)));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Projection ledger = admin().listProjections(ListProjectionsRequest.getDefaultInstance())
                        .getProjectionsList().stream().filter(p -> p.getName().equals("general-ledger")).findFirst()
                        .orElseThrow();
                assertThat(ledger.getState()).isEqualTo(ProjectionState.PROJECTION_STATE_FAILING);
                assertThat(ledger.getError()).contains("poison_pill").doesNotContain(accountId);
                assertThat(ledger.getLag()).isPositive();
            });
        } finally {
            jdbc.execute("ALTER TABLE journal_entry DROP CONSTRAINT poison_pill");
        }
        // Nothing was skipped: once the handler can write, the retry brings the ledger up to date.
        awaitAllCaughtUp();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM journal_entry WHERE subject_id = ?", Long.class,
                accountId)).isEqualTo(2L);
    }

    @Test
    void aReadYourWritesViewThatCannotBeWrittenRefusesTheWriteAndNothingIsStored() {
        jdbc.execute("ALTER TABLE customer_view ADD CONSTRAINT poison_pill CHECK (full_name <> 'Poison Pill') "
                + "NOT VALID");
        String documentNumber = "PP" + UUID.randomUUID().toString().substring(0, 8);
        try {
            var customers = as(CustomerServiceGrpc.newBlockingStub(channel()), AccountFixtures.teller());
            var registration = RegisterCustomerRequest.newBuilder().setRequestId(UUID.randomUUID().toString()).setFullName("Poison Pill")
                    .setDateOfBirth(com.google.type.Date.newBuilder().setYear(1970).setMonth(1).setDay(1))
                    .setIdentityDocument(IdentityDocument.newBuilder()
                            .setType(IdentityDocumentType.IDENTITY_DOCUMENT_TYPE_PASSPORT)
                            .setIssuingCountryCode("GB").setNumber(documentNumber))
                    .setEmail("pill@example.com").setPhoneNumber("+447700900321").setResidentialCountryCode("GB")
                    .build();
            // A fault, answered with an incident id; the events and the view roll back together.
            GrpcErrors.assertError(() -> customers.registerCustomer(registration), Status.Code.INTERNAL,
                    "INTERNAL_ERROR");
        } finally {
            jdbc.execute("ALTER TABLE customer_view DROP CONSTRAINT poison_pill");
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_view WHERE full_name = 'Poison Pill'",
                Long.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE type = 'Customer' "
                + "AND convert_from(payload, 'UTF8') LIKE ?", Long.class, "%" + documentNumber + "%")).isZero();
    }

    @Test
    void processesAreListedBesideTheProjectionsAndNeverRebuilt() {
        var listed = admin().listProjections(ListProjectionsRequest.getDefaultInstance());
        assertThat(listed.getProcessesList()).extracting(Projection::getName).contains("transfer-process")
                .doesNotContainAnyElementsOf(listed.getProjectionsList().stream().map(Projection::getName).toList());
        GrpcErrors.assertError(() -> admin().rebuildProjection(RebuildProjectionRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setName("transfer-process").build()), Status.Code.NOT_FOUND, "PROJECTION_NOT_FOUND");
    }

    private void awaitAllCaughtUp() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            List<Projection> projections = admin().listProjections(ListProjectionsRequest.getDefaultInstance())
                    .getProjectionsList();
            assertThat(projections).allSatisfy(projection -> {
                assertThat(projection.getState()).isEqualTo(ProjectionState.PROJECTION_STATE_RUNNING);
                assertThat(projection.getLag()).isZero();
            });
        });
    }

    private List<List<Map<String, Object>>> snapshot() {
        return TABLES.stream().map(jdbc::queryForList).toList();
    }
}
