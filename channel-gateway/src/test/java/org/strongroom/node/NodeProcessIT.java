package org.strongroom.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.type.Date;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.strongroom.gateway.AccountFixtures;
import org.strongroom.gateway.grpc.CallerContextInterceptor;
import org.strongroom.proto.account.v1.Account;
import org.strongroom.proto.account.v1.AccountProduct;
import org.strongroom.proto.account.v1.AccountServiceGrpc;
import org.strongroom.proto.account.v1.FreezeAccountRequest;
import org.strongroom.proto.account.v1.FreezeScope;
import org.strongroom.proto.account.v1.GetAccountRequest;
import org.strongroom.proto.payment.v1.PaymentServiceGrpc;
import org.strongroom.proto.payment.v1.TransferFundsRequest;
import org.strongroom.proto.account.v1.UnfreezeAccountRequest;
import org.strongroom.proto.account.v1.OpenAccountRequest;
import org.strongroom.proto.account.v1.PlaceHoldRequest;
import org.strongroom.proto.customer.v1.Customer;
import org.strongroom.proto.customer.v1.CustomerServiceGrpc;
import org.strongroom.proto.customer.v1.GetCustomerRequest;
import org.strongroom.proto.customer.v1.IdentityDocument;
import org.strongroom.proto.customer.v1.IdentityDocumentType;
import org.strongroom.proto.customer.v1.RegisterCustomerRequest;

/**
 * The packaged node as an operator runs it: {@code java -jar node/strongroom-node.jar}. Kill it hard, restart
 * it on the same data directory, and stop it with SIGTERM; nothing acknowledged is lost and nothing is
 * left running.
 */
class NodeProcessIT {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    @TempDir
    Path workDir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(Process::destroyForcibly);
    }

    @Test
    void survivesSigkillWithItsPostgresStillRunningAndStopsCleanlyOnSigterm() throws Exception {
        Ports ports = Ports.free();
        Path dataDir = workDir.resolve("var");

        Process first = startNode(dataDir, ports, "first.log");
        List<Customer> registered = new ArrayList<>();
        RegisterCustomerRequest remembered;
        try (Client client = new Client(ports.grpc(), dataDir)) {
            client.awaitServing();
            for (int i = 0; i < 3; i++) {
                registered.add(client.customers().registerCustomer(registration("doc-" + i, "req-" + i).build())
                        .getCustomer());
            }
            remembered = registration("doc-0", "req-0").build();
        }
        long postmaster = postmasterPid(dataDir);
        assertThat(ProcessHandle.of(postmaster)).get().matches(ProcessHandle::isAlive);

        first.destroyForcibly(); // SIGKILL: no shutdown hooks, PostgreSQL is orphaned
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ProcessHandle.of(postmaster)).as("PostgreSQL outlives a SIGKILLed node")
                .get().matches(ProcessHandle::isAlive);

        Process second = startNode(dataDir, ports, "second.log");
        try (Client client = new Client(ports.grpc(), dataDir)) {
            client.awaitServing();
            assertThat(ProcessHandle.of(postmaster).filter(ProcessHandle::isAlive))
                    .as("the orphaned PostgreSQL was stopped").isEmpty();
            for (Customer customer : registered) {
                assertThat(client.customers().getCustomer(GetCustomerRequest.newBuilder()
                        .setCustomerId(customer.getCustomerId()).build()).getCustomer()).isEqualTo(customer);
            }
            // The retry after the crash is answered from the stored first outcome.
            assertThat(client.customers().registerCustomer(remembered).getCustomer()).isEqualTo(registered.get(0));
        }
        try (Connection db = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + ports.postgres() + "/strongroom", "postgres", "")) {
            assertThat(show(db, "fsync")).isEqualTo("on");
            assertThat(show(db, "synchronous_commit")).isEqualTo("on");
            assertThat(show(db, "full_page_writes")).isEqualTo("on");
            try (Statement statement = db.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT count(*) FROM domain_event_entry")) {
                rows.next();
                assertThat(rows.getLong(1)).as("one event per registration, none from the retry").isEqualTo(3);
            }
        }
        String health = httpGet(ports.http(), "/actuator/health");
        assertThat(health).contains("\"status\":\"UP\"");

        long secondPostmaster = postmasterPid(dataDir);
        long logBeforeShutdown = Files.size(workDir.resolve("second.log"));
        second.destroy(); // SIGTERM
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("node stops within 60 s of SIGTERM").isTrue();
        assertThat(ProcessHandle.of(secondPostmaster).filter(ProcessHandle::isAlive))
                .as("PostgreSQL stopped with the node").isEmpty();
        assertThat(second.descendants().filter(ProcessHandle::isAlive)).as("no orphan processes").isEmpty();
        byte[] log = Files.readAllBytes(workDir.resolve("second.log"));
        assertThat(new String(log, StandardCharsets.UTF_8)).contains("Strongroom node ready: gRPC on port " + ports.grpc());
        // Only what the node logged after SIGTERM: no errors, no stack traces.
        String shutdownLog = new String(log, (int) logBeforeShutdown, log.length - (int) logBeforeShutdown,
                StandardCharsets.UTF_8);
        assertThat(shutdownLog).as("quiet shutdown").doesNotContain(" ERROR ").doesNotContain("\tat ")
                .doesNotContainPattern("[A-Za-z]+Exception[:\\s]");
    }

    @Test
    void transfersInterruptedBySigkillFinishAfterTheRestartWithoutCreatingOrLosingMoney() throws Exception {
        Ports ports = Ports.free();
        Path dataDir = workDir.resolve("var");
        int accounts = 4;
        List<String> ids = new ArrayList<>();
        List<TransferFundsRequest> sent = java.util.Collections.synchronizedList(new ArrayList<>());
        Process first = startNode(dataDir, ports, "transfers-first.log");
        try (Client client = new Client(ports.grpc(), dataDir)) {
            client.awaitServing();
            for (int i = 0; i < accounts; i++) {
                String customerId = client.customers().registerCustomer(registration("doc-t" + i, "req-t" + i)
                        .build()).getCustomer().getCustomerId();
                String accountId = client.accounts().openAccount(OpenAccountRequest.newBuilder()
                        .setRequestId("open-t" + i).setCustomerId(customerId)
                        .setProduct(AccountProduct.ACCOUNT_PRODUCT_CURRENT).setCurrencyCode("EUR").build())
                        .getAccount().getAccountId();
                client.clearingFeed().depositFunds(AccountFixtures.deposit(accountId, AccountFixtures.eur(1000, 0)));
                ids.add(accountId);
            }
            // Two clients send transfers until the node is killed under them.
            java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(2);
            java.util.concurrent.atomic.AtomicBoolean sending = new java.util.concurrent.atomic.AtomicBoolean(true);
            for (int c = 0; c < 2; c++) {
                int client_ = c;
                senders.submit(() -> {
                    java.util.Random random = new java.util.Random(client_);
                    for (int n = 0; sending.get(); n++) {
                        int from = random.nextInt(accounts);
                        int to = (from + 1 + random.nextInt(accounts - 1)) % accounts;
                        TransferFundsRequest request = TransferFundsRequest.newBuilder()
                                .setRequestId("t-" + client_ + "-" + n).setSourceAccountId(ids.get(from))
                                .setTargetAccountId(ids.get(to)).setAmount(AccountFixtures.eur(1 + random.nextInt(300), 0))
                                .setReference("crash drill").build();
                        sent.add(request);
                        try {
                            client.payments().transferFunds(request);
                        } catch (io.grpc.StatusRuntimeException e) {
                            return; // the node died under the call: it is retried after the restart
                        }
                    }
                });
            }
            Thread.sleep(3000);
            first.destroyForcibly(); // SIGKILL, with transfers at every step
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            sending.set(false);
            senders.shutdown();
            assertThat(senders.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(sent).hasSizeGreaterThan(5);

        long completed = 0;
        Process second = startNode(dataDir, ports, "transfers-second.log");
        try (Client client = new Client(ports.grpc(), dataDir)) {
            client.awaitServing();
            // Clients retry with the same request ids: each transfer happens once and ends.
            for (TransferFundsRequest request : sent) {
                org.strongroom.proto.payment.v1.Transfer transfer = client.payments().transferFunds(request)
                        .getTransfer();
                Instant giveUp = Instant.now().plusSeconds(30);
                while (transfer.getStatus() == org.strongroom.proto.payment.v1.TransferStatus.TRANSFER_STATUS_PENDING
                        && Instant.now().isBefore(giveUp)) {
                    Thread.sleep(100);
                    transfer = client.payments().getTransfer(org.strongroom.proto.payment.v1.GetTransferRequest
                            .newBuilder().setTransferId(transfer.getTransferId()).build()).getTransfer();
                }
                assertThat(transfer.getStatus()).as("transfer %s ended", request.getRequestId())
                        .isIn(org.strongroom.proto.payment.v1.TransferStatus.TRANSFER_STATUS_COMPLETED,
                                org.strongroom.proto.payment.v1.TransferStatus.TRANSFER_STATUS_FAILED);
                if (transfer.getStatus() == org.strongroom.proto.payment.v1.TransferStatus.TRANSFER_STATUS_COMPLETED) {
                    completed++;
                }
            }
            long total = 0;
            for (String accountId : ids) {
                Account account = client.accounts().getAccount(GetAccountRequest.newBuilder().setAccountId(accountId)
                        .build()).getAccount();
                assertThat(account.getHoldsList()).as("no reservation left behind").isEmpty();
                assertThat(account.getBalance().getUnits()).as("never overdrawn").isGreaterThanOrEqualTo(0);
                total += account.getBalance().getUnits();
            }
            assertThat(total).as("no money created or lost").isEqualTo(1000L * accounts);
        }
        // Each transfer is one transaction: a killed one left nothing, its retry did it once.
        assertThat(eventsOfType(ports, "TransferDebitedEvent")).as("one debit per completed transfer")
                .isEqualTo(completed);
        assertThat(eventsOfType(ports, "TransferCreditedEvent")).as("one credit per completed transfer")
                .isEqualTo(completed);
        assertThat(eventsOfType(ports, "TransferExecutedEvent")).as("one record per request id")
                .isEqualTo(sent.size());
        second.destroy();
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void closeOfBusinessKilledMidRunResumesAfterTheRestartAndClosesEachLoanOnce() throws Exception {
        Ports ports = Ports.free();
        Path dataDir = workDir.resolve("var");
        int customers = 40;
        int loansEach = 12;
        Process first = startNode(dataDir, ports, "cob-first.log");
        com.google.type.Date date;
        long doneAtKill;
        try (Client client = new Client(ports.grpc(), dataDir)) {
            client.awaitServing();
            // Funded customers; a teller applies for each: approved and disbursed at once (docs/loans.md).
            java.util.concurrent.ExecutorService workers = java.util.concurrent.Executors.newFixedThreadPool(4);
            List<java.util.concurrent.Future<?>> setup = new ArrayList<>();
            for (int c = 0; c < customers; c++) {
                int n = c;
                setup.add(workers.submit(() -> {
                    String customerId = client.customers().registerCustomer(registration("doc-cob" + n, "req-cob" + n)
                            .build()).getCustomer().getCustomerId();
                    // Concurrent registrations: each answer waits for its own event, so the account opens.
                    String accountId = client.accounts().openAccount(OpenAccountRequest.newBuilder()
                            .setRequestId("open-cob" + n).setCustomerId(customerId)
                            .setProduct(AccountProduct.ACCOUNT_PRODUCT_CURRENT).setCurrencyCode("EUR").build())
                            .getAccount().getAccountId();
                    client.clearingFeed().depositFunds(AccountFixtures.deposit(accountId, AccountFixtures.eur(500_000, 0)));
                    for (int l = 0; l < loansEach; l++) {
                        var loan = client.loans().applyForLoan(org.strongroom.proto.loan.v1.ApplyForLoanRequest
                                .newBuilder().setRequestId("loan-cob" + n + "-" + l).setCustomerId(customerId)
                                .setAccountId(accountId).setProductCode("PERSONAL-EUR")
                                .setPrincipal(AccountFixtures.eur(1000, 0)).setInstalments(12)
                                .setDeclaredMonthlyIncome(AccountFixtures.eur(4000, 0)).build()).getLoan();
                        assertThat(loan.getStatus()).isEqualTo(org.strongroom.proto.loan.v1.LoanStatus.LOAN_STATUS_ACTIVE);
                    }
                    return null;
                }));
            }
            for (var task : setup) {
                task.get();
            }
            workers.shutdown();
            date = client.days().getBusinessDay(org.strongroom.proto.admin.v1.GetBusinessDayRequest
                    .getDefaultInstance()).getBusinessDate();
            client.days().runCloseOfBusiness(org.strongroom.proto.admin.v1.RunCloseOfBusinessRequest.newBuilder()
                    .setBusinessDate(date).build());
            // SIGKILL once some loans are closed and before all are.
            org.strongroom.proto.admin.v1.CloseOfBusinessRun run;
            do {
                run = client.days().getCloseOfBusiness(org.strongroom.proto.admin.v1.GetCloseOfBusinessRequest
                        .newBuilder().setBusinessDate(date).build()).getRun();
            } while (run.getLoansDone() < 50 && run.getState()
                    == org.strongroom.proto.admin.v1.CloseOfBusinessState.CLOSE_OF_BUSINESS_STATE_RUNNING);
            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            doneAtKill = run.getLoansDone();
            assertThat(run.getState()).as("killed mid-run")
                    .isEqualTo(org.strongroom.proto.admin.v1.CloseOfBusinessState.CLOSE_OF_BUSINESS_STATE_RUNNING);
        }
        assertThat(doneAtKill).isLessThan((long) customers * loansEach);

        Process second = startNode(dataDir, ports, "cob-second.log");
        try (Client client = new Client(ports.grpc(), dataDir)) {
            client.awaitServing();
            var request = org.strongroom.proto.admin.v1.GetCloseOfBusinessRequest.newBuilder().setBusinessDate(date)
                    .build();
            assertThat(client.days().getCloseOfBusiness(request).getRun().getState()).as("no node runs it any more")
                    .isEqualTo(org.strongroom.proto.admin.v1.CloseOfBusinessState.CLOSE_OF_BUSINESS_STATE_INTERRUPTED);
            assertThat(client.days().getBusinessDay(org.strongroom.proto.admin.v1.GetBusinessDayRequest
                    .getDefaultInstance()).getBusinessDate()).isEqualTo(date);
            client.days().runCloseOfBusiness(org.strongroom.proto.admin.v1.RunCloseOfBusinessRequest.newBuilder()
                    .setBusinessDate(date).build());
            org.strongroom.proto.admin.v1.CloseOfBusinessRun run = client.days().getCloseOfBusiness(request).getRun();
            Instant giveUp = Instant.now().plusSeconds(120);
            while (run.getState() == org.strongroom.proto.admin.v1.CloseOfBusinessState.CLOSE_OF_BUSINESS_STATE_RUNNING
                    && Instant.now().isBefore(giveUp)) {
                Thread.sleep(100);
                run = client.days().getCloseOfBusiness(request).getRun();
            }
            assertThat(run.getState()).isEqualTo(
                    org.strongroom.proto.admin.v1.CloseOfBusinessState.CLOSE_OF_BUSINESS_STATE_COMPLETED);
            assertThat(run.getLoansDone()).isEqualTo((long) customers * loansEach);
            assertThat(client.days().getBusinessDay(org.strongroom.proto.admin.v1.GetBusinessDayRequest
                    .getDefaultInstance()).getBusinessDate().getDay()).isNotEqualTo(date.getDay());
        }
        assertThat(eventsOfType(ports, "LoanDayClosedEvent")).as("each loan closed once for the date")
                .isEqualTo((long) customers * loansEach);
        second.destroy();
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aSecondNodeOnTheSameDataDirectoryRefusesToStartAndLeavesTheFirstAlone() throws Exception {
        Ports ports = Ports.free();
        Path dataDir = workDir.resolve("var");
        Process first = startNode(dataDir, ports, "owner.log");
        try (Client client = new Client(ports.grpc(), dataDir)) {
            client.awaitServing();
            Ports others = Ports.free();
            Process second = startNode(dataDir, others, "intruder.log");
            assertThat(second.waitFor(120, TimeUnit.SECONDS)).as("the second node gives up").isTrue();
            assertThat(second.exitValue()).isNotZero();
            assertThat(Files.readString(workDir.resolve("intruder.log"), StandardCharsets.UTF_8))
                    .contains("is in use by another running node");
            // The first node and its database are untouched.
            assertThat(client.customers().registerCustomer(registration("doc-x", "req-x").build())
                    .getCustomer().getCustomerId()).isNotEmpty();
        }
        first.destroy();
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void withClientCertificatesRequiredOnlyAKnownClientGetsIn() throws Exception {
        // Server and partner key pairs, each side trusting the other's certificate.
        keytool("-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "30", "-keystore", "node.p12");
        keytool("-genkeypair", "-alias", "partner", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=partner-1", "-validity", "30", "-keystore", "partner.p12");
        keytool("-genkeypair", "-alias", "stranger", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=stranger", "-validity", "30", "-keystore", "stranger.p12");
        keytool("-exportcert", "-alias", "partner", "-keystore", "partner.p12", "-file", "partner.crt");
        keytool("-exportcert", "-alias", "node", "-keystore", "node.p12", "-file", "node.crt");
        keytool("-importcert", "-noprompt", "-alias", "partner", "-file", "partner.crt", "-keystore", "node-trust.p12");
        keytool("-importcert", "-noprompt", "-alias", "node", "-file", "node.crt", "-keystore", "client-trust.p12");

        Ports ports = Ports.free();
        String bundle = "--spring.ssl.bundle.jks.node.";
        Process node = startNode(workDir.resolve("var"), ports, "mtls.log",
                bundle + "keystore.location=file:" + workDir.resolve("node.p12"),
                bundle + "keystore.password=changeit", bundle + "keystore.type=PKCS12",
                bundle + "truststore.location=file:" + workDir.resolve("node-trust.p12"),
                bundle + "truststore.password=changeit", bundle + "truststore.type=PKCS12",
                "--spring.grpc.server.ssl.bundle=node", "--spring.grpc.server.ssl.client-auth=require",
                "--strongroom.embedded-kafka.enabled=false");
        ManagedChannel partner = tlsChannel(ports.grpc(), "partner.p12");
        ManagedChannel stranger = tlsChannel(ports.grpc(), "stranger.p12");
        ManagedChannel anonymous = tlsChannel(ports.grpc(), null);
        try {
            Instant giveUp = Instant.now().plus(START_TIMEOUT);
            HealthCheckResponse health = null;
            while (health == null && Instant.now().isBefore(giveUp)) {
                try {
                    health = HealthGrpc.newBlockingStub(partner).withDeadlineAfter(2, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance());
                } catch (io.grpc.StatusRuntimeException notYet) {
                    Thread.sleep(500);
                }
            }
            assertThat(health).as("the partner with a trusted certificate gets in").isNotNull();
            assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            for (ManagedChannel refused : List.of(stranger, anonymous)) {
                io.grpc.StatusRuntimeException error = org.assertj.core.api.Assertions.catchThrowableOfType(
                        io.grpc.StatusRuntimeException.class, () -> HealthGrpc.newBlockingStub(refused)
                                .withDeadlineAfter(5, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance()));
                assertThat(error).as("no or an unknown client certificate: the handshake fails").isNotNull();
                assertThat(error.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
            }
        } finally {
            for (ManagedChannel channel : List.of(partner, stranger, anonymous)) {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            node.destroy();
            assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    private void keytool(String... arguments) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(arguments));
        command.addAll(List.of("-storepass", "changeit", "-storetype", "PKCS12"));
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    private ManagedChannel tlsChannel(int port, String clientKeyStore) throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(workDir.resolve("client-trust.p12"))) {
            trust.load(in, "changeit".toCharArray());
        }
        javax.net.ssl.TrustManagerFactory trustManagers = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        io.grpc.TlsChannelCredentials.Builder credentials = io.grpc.TlsChannelCredentials.newBuilder()
                .trustManager(trustManagers.getTrustManagers());
        if (clientKeyStore != null) {
            java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(workDir.resolve(clientKeyStore))) {
                keys.load(in, "changeit".toCharArray());
            }
            javax.net.ssl.KeyManagerFactory keyManagers = javax.net.ssl.KeyManagerFactory.getInstance(
                    javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, "changeit".toCharArray());
            credentials.keyManager(keyManagers.getKeyManagers());
        }
        return io.grpc.Grpc.newChannelBuilderForAddress("localhost", port, credentials.build()).build();
    }

    @Test
    void aHoldAndAnApprovalExpiringWhileTheNodeIsDownExpireWhenItStartsAgain() throws Exception {
        Ports ports = Ports.free();
        Path dataDir = workDir.resolve("var");
        String accountId;
        Instant expiry;
        // Pending maker-checker requests lapse after 6 s on this node.
        Process first = startNode(dataDir, ports, "hold-first.log", "--strongroom.approvals.expire-after=6s");
        try (Client client = new Client(ports.grpc(), dataDir)) {
            client.awaitServing();
            String customerId = client.customers().registerCustomer(registration("doc-h", "req-h").build())
                    .getCustomer().getCustomerId();
            accountId = client.accounts().openAccount(OpenAccountRequest.newBuilder().setRequestId("open-h")
                    .setCustomerId(customerId).setProduct(AccountProduct.ACCOUNT_PRODUCT_CURRENT)
                    .setCurrencyCode("EUR").build()).getAccount().getAccountId();
            client.clearingFeed().depositFunds(AccountFixtures.deposit(accountId, AccountFixtures.eur(100, 0)));
            expiry = Instant.now().plusSeconds(6);
            Account held = client.accounts().placeHold(PlaceHoldRequest.newBuilder().setRequestId("hold-h")
                    .setAccountId(accountId).setAmount(AccountFixtures.eur(40, 0)).setReason("card authorisation")
                    .setExpireTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(expiry.getEpochSecond()))
                    .build()).getAccount();
            assertThat(held.getAvailable().getUnits()).isEqualTo(60);
            client.accounts().freezeAccount(FreezeAccountRequest.newBuilder().setRequestId("freeze-h")
                    .setAccountId(accountId).setScope(FreezeScope.FREEZE_SCOPE_DEBITS).setReason("review").build());
            assertThat(client.accounts().unfreezeAccount(UnfreezeAccountRequest.newBuilder().setRequestId("unfreeze-h")
                    .setAccountId(accountId).setReason("cleared").build()).hasPendingApproval()).isTrue();
        }
        first.destroy(); // SIGTERM: a clean stop well before the hold's expiry
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
        while (Instant.now().isBefore(expiry.plusSeconds(1))) {
            Thread.sleep(200); // the node is down when the hold expires
        }

        Process second = startNode(dataDir, ports, "hold-second.log");
        try (Client client = new Client(ports.grpc(), dataDir)) {
            client.awaitServing();
            Account account = null;
            Instant giveUp = Instant.now().plusSeconds(60);
            while (Instant.now().isBefore(giveUp)) {
                account = client.accounts().getAccount(GetAccountRequest.newBuilder().setAccountId(accountId).build())
                        .getAccount();
                if (account.getHoldsCount() == 0) {
                    break;
                }
                Thread.sleep(250);
            }
            assertThat(account.getHoldsList()).as("the persistent deadline fired after the restart").isEmpty();
            assertThat(account.getAvailable().getUnits()).isEqualTo(100);
        }
        assertThat(eventsOfType(ports, "HoldExpiredEvent")).as("expired exactly once").isEqualTo(1);
        long approvalsExpired = 0;
        Instant giveUp = Instant.now().plusSeconds(30);
        while (approvalsExpired == 0 && Instant.now().isBefore(giveUp)) {
            approvalsExpired = eventsOfType(ports, "ApprovalExpiredEvent");
            Thread.sleep(approvalsExpired == 0 ? 250 : 0);
        }
        assertThat(approvalsExpired).as("the unfreeze request expired exactly once, after the restart").isEqualTo(1);
        second.destroy();
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    /** How many stored events have a payload type ending in the given simple name. */
    private static long eventsOfType(Ports ports, String simpleName) throws Exception {
        try (Connection db = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + ports.postgres() + "/strongroom", "postgres", "");
             var statement = db.prepareStatement(
                     "SELECT count(*) FROM domain_event_entry WHERE payload_type LIKE '%' || ?")) {
            statement.setString(1, simpleName);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private Process startNode(Path dataDir, Ports ports, String logName, String... extraArguments)
            throws IOException {
        String jar = System.getProperty("strongroom.node.jar", "target/node/strongroom-node.jar");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx512m", "-jar", jar,
                "--strongroom.data-dir=" + dataDir,
                "--spring.grpc.server.port=" + ports.grpc(),
                "--server.port=" + ports.http(),
                "--strongroom.embedded-postgres.port=" + ports.postgres(),
                "--strongroom.clearing.feed-principals=" + TestTokens.CLEARING_FEED));
        command.addAll(List.of(extraArguments));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve(logName).toFile());
        Process process = builder.start();
        started.add(process);
        return process;
    }

    private static RegisterCustomerRequest.Builder registration(String document, String requestId) {
        return RegisterCustomerRequest.newBuilder()
                .setRequestId(requestId)
                .setFullName("Katherine Johnson")
                .setDateOfBirth(Date.newBuilder().setYear(1978).setMonth(8).setDay(26))
                .setIdentityDocument(IdentityDocument.newBuilder()
                        .setType(IdentityDocumentType.IDENTITY_DOCUMENT_TYPE_NATIONAL_ID)
                        .setIssuingCountryCode("US").setNumber(document))
                .setEmail("katherine@example.com")
                .setPhoneNumber("+17575550100")
                .setResidentialCountryCode("US");
    }

    private static long postmasterPid(Path dataDir) throws IOException {
        return Long.parseLong(Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid")).get(0).trim());
    }

    private static String show(Connection db, String setting) throws Exception {
        try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery("SHOW " + setting)) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static String httpGet(int port, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    private record Ports(int grpc, int http, int postgres) {
        static Ports free() throws IOException {
            return new Ports(freePort(), freePort(), freePort());
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            }
        }
    }

    private static final class Client implements AutoCloseable {
        private final ManagedChannel channel;

        private final Path dataDir;

        Client(int port, Path dataDir) {
            channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            this.dataDir = dataDir;
        }

        /** A teller's token from the node's own development key (created on its first start). */
        private Metadata teller() {
            Metadata headers = new Metadata();
            headers.put(CallerContextInterceptor.AUTHORIZATION, "Bearer " + TestTokens.token(dataDir, Instant.now(),
                    "teller-1", "TELLER", "BRANCH", claims -> claims.claim("branch", "branch-1")));
            return headers;
        }

        void awaitServing() throws InterruptedException {
            Instant giveUp = Instant.now().plus(START_TIMEOUT);
            while (Instant.now().isBefore(giveUp)) {
                try {
                    HealthCheckResponse health = HealthGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(2, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance());
                    if (health.getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
                        return;
                    }
                } catch (io.grpc.StatusRuntimeException notYet) {
                    // still starting
                }
                Thread.sleep(500);
            }
            throw new AssertionError("node did not become SERVING within " + START_TIMEOUT);
        }

        /** The clearing integration the node is started with (strongroom.clearing.feed-principals). */
        AccountServiceGrpc.AccountServiceBlockingStub clearingFeed() {
            Metadata headers = new Metadata();
            headers.put(CallerContextInterceptor.AUTHORIZATION, "Bearer " + TestTokens.token(dataDir, Instant.now(),
                    TestTokens.CLEARING_FEED, "SYSTEM", "SYSTEM", claims -> { }));
            return AccountServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .withDeadlineAfter(30, TimeUnit.SECONDS);
        }

        AccountServiceGrpc.AccountServiceBlockingStub accounts() {
            return AccountServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(teller()))
                    .withDeadlineAfter(30, TimeUnit.SECONDS);
        }

        PaymentServiceGrpc.PaymentServiceBlockingStub payments() {
            return PaymentServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(teller()))
                    .withDeadlineAfter(30, TimeUnit.SECONDS);
        }

        org.strongroom.proto.loan.v1.LoanServiceGrpc.LoanServiceBlockingStub loans() {
            return org.strongroom.proto.loan.v1.LoanServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(teller()))
                    .withDeadlineAfter(30, TimeUnit.SECONDS);
        }

        /** The business day as an operator sees it, with a token from the node's development key. */
        org.strongroom.proto.admin.v1.BusinessDayServiceGrpc.BusinessDayServiceBlockingStub days() {
            Metadata headers = new Metadata();
            headers.put(CallerContextInterceptor.AUTHORIZATION, "Bearer " + TestTokens.token(dataDir, Instant.now(),
                    "operator-1", "OPERATOR", "SYSTEM", claims -> { }));
            return org.strongroom.proto.admin.v1.BusinessDayServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .withDeadlineAfter(30, TimeUnit.SECONDS);
        }

        CustomerServiceGrpc.CustomerServiceBlockingStub customers() {
            return CustomerServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(teller()))
                    .withDeadlineAfter(30, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
