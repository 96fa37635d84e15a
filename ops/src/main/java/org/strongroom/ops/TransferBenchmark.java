package org.strongroom.ops;

import static org.strongroom.ops.OpsSupport.cents;
import static org.strongroom.ops.OpsSupport.percentileMillis;
import static org.strongroom.ops.OpsSupport.toCents;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.strongroom.proto.account.v1.AccountProduct;
import org.strongroom.proto.account.v1.AccountServiceGrpc;
import org.strongroom.proto.account.v1.DepositFundsRequest;
import org.strongroom.proto.account.v1.GetAccountRequest;
import org.strongroom.proto.account.v1.OpenAccountRequest;
import org.strongroom.proto.customer.v1.CustomerServiceGrpc;
import org.strongroom.proto.payment.v1.GetTransferRequest;
import org.strongroom.proto.payment.v1.PaymentServiceGrpc;
import org.strongroom.proto.payment.v1.Transfer;
import org.strongroom.proto.payment.v1.TransferFundsRequest;
import org.strongroom.proto.payment.v1.TransferStatus;

/**
 * {@code strongroom-ops bench}: internal transfers over real gRPC at several client counts, beside
 * PostgreSQL's own yardstick on the same server. For each client count it prints transfers per second
 * and latency percentiles; when {@code pgbench} is found it then runs, against the node's PostgreSQL (a
 * database of its own), the TPC-B-like script and a custom script with the statements a transfer written
 * in one transaction needs, at the same client counts, and prints the node's share of each.
 */
final class TransferBenchmark {

    /** What every benchmark account opens with: far more than the transfers take out of it. */
    private static final long OPENING_CENTS = 10_000_00;
    private static final int MAX_SAMPLES = 1 << 20;
    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
    static final String PGBENCH_DATABASE = "strongroom_pgbench";

    private TransferBenchmark() {
    }

    /** One client count's result. */
    record Level(int clients, double seconds, long requests, Map<String, Long> outcomes, long[] sortedNanos) {

        double perSecond() {
            return requests / seconds;
        }
    }

    static int run(Options options) throws Exception {
        String target = options.text("target", "127.0.0.1:9090");
        Path dataDir = Path.of(options.text("data-dir", "var"));
        int accountCount = options.number("accounts", 1000);
        int seconds = options.number("seconds", 20);
        int warmup = options.number("warmup", 30);
        boolean withCob = Boolean.parseBoolean(options.text("with-cob", "false"));
        List<Integer> clientCounts = Arrays.stream(options.text("clients", "1,8,32").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        if (accountCount < 2 || seconds < 1 || warmup < 0 || clientCounts.stream().anyMatch(c -> c < 1)) {
            System.err.println("--accounts is 2 or more, --seconds 1 or more, --warmup 0 or more, --clients a list "
                    + "of counts >= 1");
            return 2;
        }
        var key = TokenCommand.developmentKey(dataDir);
        ClientInterceptor teller = OpsSupport.bearer(TokenCommand.issue(key, Instant.now(), Duration.ofHours(12),
                "bench-teller", "TELLER", "BRANCH", Map.of("branch", "bench"), "strongroom", "strongroom"));
        ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
        List<Level> levels = new ArrayList<>();
        int anomalies;
        try {
            String run = UUID.randomUUID().toString().substring(0, 8);
            long setupStart = System.nanoTime();
            List<String> accounts = openAccounts(channel, teller, OpsSupport.clearingFeed(dataDir), run, accountCount);
            System.out.printf("bench: %d accounts opened and funded in %.1f s%n", accounts.size(),
                    (System.nanoTime() - setupStart) / 1e9);
            var payments = PaymentServiceGrpc.newBlockingStub(channel).withInterceptors(teller);
            // Each client is a teller of its own, as at a branch's desks: the node's per-principal rate limit
            // (strongroom.grpc.rate-limit) applies to each, not to the run as a whole.
            int mostClients = clientCounts.stream().mapToInt(Integer::intValue).max().orElse(1);
            List<PaymentServiceGrpc.PaymentServiceBlockingStub> tellers = new ArrayList<>();
            for (int c = 0; c < mostClients; c++) {
                tellers.add(PaymentServiceGrpc.newBlockingStub(channel).withInterceptors(OpsSupport.bearer(
                        TokenCommand.issue(key, Instant.now(), Duration.ofHours(12), "bench-teller-" + c, "TELLER",
                                "BRANCH", Map.of("branch", "bench"), "strongroom", "strongroom"))));
            }
            List<String> pending = java.util.Collections.synchronizedList(new ArrayList<>());
            ProcessCpu cpu = new ProcessCpu(dataDir);
            if (warmup > 0) {
                // The node's JIT compiles the transfer path during the first tens of seconds of load; without
                // this the first level measures the compiler as much as the node.
                ProcessCpu.Sample before = cpu.sample();
                Level level = transfers(tellers, accounts, mostClients, warmup, run + "-w", pending);
                print("warm-up (not counted)", level);
                System.out.printf("  cpu during the warm-up: %s%n", ProcessCpu.between(before, cpu.sample()));
            }
            for (int clients : clientCounts) {
                ProcessCpu.Sample before = cpu.sample();
                CloseOfBusinessLoop cob = withCob ? CloseOfBusinessLoop.start(channel, key) : null;
                Level level = transfers(tellers, accounts, clients, seconds, run, pending);
                levels.add(level);
                print("strongroom transfers", level);
                if (cob != null) {
                    System.out.printf("  close of business during the level: %s%n", cob.stop());
                }
                System.out.printf("  cpu during the level: %s%n", ProcessCpu.between(before, cpu.sample()));
            }
            ClientInterceptor operator = OpsSupport.bearer(TokenCommand.issue(key, Instant.now(), Duration.ofHours(1),
                    "bench-operator", "OPERATOR", "SYSTEM", Map.of(), "strongroom", "strongroom"));
            double catchUp = secondsToZeroLag(channel, operator);
            System.out.printf(catchUp < 0 ? "bench: the ledger and processes still lag after %.0f s%n"
                    : "bench: the ledger and processes back to zero lag %.1f s after the last transfer%n",
                    Math.abs(catchUp));
            anomalies = check(channel, teller, payments, accounts, pending);
            System.out.printf("bench: node resident memory after the levels %s%n", cpu.nodeResident());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }

        Optional<Path> pgbench = findPgbench(options.text("pgbench", null));
        if (pgbench.isEmpty()) {
            System.out.println("pgbench: not found (Debian package postgresql, or --pgbench PATH): yardstick skipped");
        } else {
            yardstick(pgbench.get(), options, dataDir, accountCount, seconds, levels);
        }
        System.out.printf("bench: anomalies=%d%n", anomalies);
        return anomalies == 0 ? 0 : 1;
    }

    /**
     * Seconds until every projection and running process (the ledger, the Kafka publisher; the transfer
     * process when it runs) has handled every event stored, polled every 50 ms; negative (minus the time waited) after two minutes.
     */
    private static double secondsToZeroLag(ManagedChannel channel, ClientInterceptor operator)
            throws InterruptedException {
        var admin = org.strongroom.proto.admin.v1.ProjectionAdminServiceGrpc.newBlockingStub(channel)
                .withInterceptors(operator);
        long start = System.nanoTime();
        long giveUp = start + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < giveUp) {
            var listed = admin.withDeadlineAfter(10, TimeUnit.SECONDS).listProjections(
                    org.strongroom.proto.admin.v1.ListProjectionsRequest.getDefaultInstance());
            // A process that is STOPPED has no work (the transfer process runs only while transfers of an
            // earlier release are in flight): it has no lag to wait for.
            boolean caughtUp = java.util.stream.Stream.concat(listed.getProjectionsList().stream(),
                    listed.getProcessesList().stream()
                            .filter(p -> p.getState() != org.strongroom.proto.admin.v1.ProjectionState.PROJECTION_STATE_STOPPED))
                    .allMatch(p -> p.getLag() == 0);
            if (caughtUp) {
                return (System.nanoTime() - start) / 1e9;
            }
            Thread.sleep(50);
        }
        return -(System.nanoTime() - start) / 1e9;
    }

    // ---- the node ----------------------------------------------------------------------------------

    private static List<String> openAccounts(ManagedChannel channel, ClientInterceptor teller,
                                             ClientInterceptor clearingFeed, String run, int count)
            throws Exception {
        var customers = CustomerServiceGrpc.newBlockingStub(channel).withInterceptors(teller);
        var accounts = AccountServiceGrpc.newBlockingStub(channel).withInterceptors(teller);
        var feed = AccountServiceGrpc.newBlockingStub(channel).withInterceptors(clearingFeed);
        String[] ids = new String[count];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                work.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        String customerId = customers.withDeadlineAfter(30, TimeUnit.SECONDS).registerCustomer(
                                OpsSupport.customer("bench-" + run + "-c" + i, "Bench Customer " + i,
                                        "BN" + run.toUpperCase() + i, "bench" + i + "@example.com"))
                                .getCustomer().getCustomerId();
                        String accountId = accounts.withDeadlineAfter(30, TimeUnit.SECONDS).openAccount(
                                OpenAccountRequest.newBuilder().setRequestId("bench-" + run + "-a" + i)
                                        .setCustomerId(customerId).setProduct(AccountProduct.ACCOUNT_PRODUCT_CURRENT)
                                        .setCurrencyCode("EUR").build()).getAccount().getAccountId();
                        feed.withDeadlineAfter(30, TimeUnit.SECONDS).depositFunds(DepositFundsRequest.newBuilder()
                                .setRequestId("bench-" + run + "-d" + i).setAccountId(accountId)
                                .setAmount(cents(OPENING_CENTS)).setCounterparty(OpsSupport.clearing("bench opening"))
                                .build());
                        ids[i] = accountId;
                    }
                    return null;
                }));
            }
            for (Future<?> task : work) {
                task.get();
            }
        } finally {
            pool.shutdown();
        }
        return List.of(ids);
    }

    private static Level transfers(List<PaymentServiceGrpc.PaymentServiceBlockingStub> tellers, List<String> accounts,
                                   int clients, int seconds, String run, List<String> pending) throws Exception {
        Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<long[]>> futures = new ArrayList<>();
        long started = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            Random random = new Random(31L * clients + c);
            int client = c;
            PaymentServiceGrpc.PaymentServiceBlockingStub payments = tellers.get(c);
            futures.add(pool.submit(() -> {
                long[] samples = new long[MAX_SAMPLES];
                int count = 0;
                while (System.nanoTime() < deadline && count < samples.length) {
                    int source = random.nextInt(accounts.size());
                    int payee = (source + 1 + random.nextInt(accounts.size() - 1)) % accounts.size();
                    long begin = System.nanoTime();
                    String outcome;
                    try {
                        Transfer transfer = payments.withDeadlineAfter(10, TimeUnit.SECONDS).transferFunds(
                                TransferFundsRequest.newBuilder()
                                        .setRequestId("bench-" + run + "-" + clients + "-" + client + "-" + count)
                                        .setSourceAccountId(accounts.get(source))
                                        .setTargetAccountId(accounts.get(payee))
                                        .setAmount(cents(1 + random.nextInt(10_00))).setReference("bench").build())
                                .getTransfer();
                        outcome = transfer.getStatus().name().replace("TRANSFER_STATUS_", "");
                        if (transfer.getStatus() == TransferStatus.TRANSFER_STATUS_PENDING) {
                            pending.add(transfer.getTransferId());
                        }
                    } catch (StatusRuntimeException e) {
                        outcome = e.getStatus().getCode().name();
                    }
                    samples[count++] = System.nanoTime() - begin;
                    outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
                }
                return Arrays.copyOf(samples, count);
            }));
        }
        long[] sorted = OpsSupport.sortedSamples(futures);
        double elapsed = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
        Map<String, Long> counted = new java.util.TreeMap<>();
        outcomes.forEach((name, adder) -> counted.put(name, adder.sum()));
        return new Level(clients, elapsed, sorted.length, counted, sorted);
    }

    private static void print(String what, Level level) {
        System.out.printf("%s: clients=%d seconds=%.1f transfers=%d per-second=%.1f p50=%.1fms p95=%.1fms "
                        + "p99=%.1fms outcomes=%s%n", what, level.clients(), level.seconds(), level.requests(),
                level.perSecond(), percentileMillis(level.sortedNanos(), 50),
                percentileMillis(level.sortedNanos(), 95), percentileMillis(level.sortedNanos(), 99),
                level.outcomes());
    }

    /** Every transfer answered PENDING ends, no account is negative, and the total is what was opened. */
    private static int check(ManagedChannel channel, ClientInterceptor teller,
                             PaymentServiceGrpc.PaymentServiceBlockingStub payments, List<String> accounts,
                             List<String> pending) throws InterruptedException {
        int anomalies = 0;
        for (String transferId : List.copyOf(pending)) {
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            TransferStatus status = TransferStatus.TRANSFER_STATUS_PENDING;
            while (status == TransferStatus.TRANSFER_STATUS_PENDING && System.nanoTime() < giveUp) {
                status = payments.withDeadlineAfter(10, TimeUnit.SECONDS).getTransfer(GetTransferRequest
                        .newBuilder().setTransferId(transferId).build()).getTransfer().getStatus();
                if (status == TransferStatus.TRANSFER_STATUS_PENDING) {
                    Thread.sleep(50);
                }
            }
            if (status == TransferStatus.TRANSFER_STATUS_PENDING) {
                anomalies++;
                System.out.printf("ANOMALY transfer %s did not end%n", transferId);
            }
        }
        var reader = AccountServiceGrpc.newBlockingStub(channel).withInterceptors(teller);
        long total = 0;
        for (String accountId : accounts) {
            long balance = toCents(reader.withDeadlineAfter(10, TimeUnit.SECONDS).getAccount(GetAccountRequest
                    .newBuilder().setAccountId(accountId).build()).getAccount().getBalance());
            if (balance < 0) {
                anomalies++;
                System.out.printf("ANOMALY account %s is at %d cents%n", accountId, balance);
            }
            total += balance;
        }
        if (total != OPENING_CENTS * accounts.size()) {
            anomalies++;
            System.out.printf("ANOMALY the accounts hold %d cents in all, %d were opened%n", total,
                    OPENING_CENTS * accounts.size());
        }
        return anomalies;
    }

    // ---- the yardstick -----------------------------------------------------------------------------

    static Optional<Path> findPgbench(String given) {
        if (given != null) {
            return Optional.of(Path.of(given)).filter(Files::isExecutable);
        }
        Stream<Path> onPath = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, "pgbench"));
        Stream<Path> debian;
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            debian = versions.map(version -> version.resolve("bin/pgbench")).sorted().toList().stream();
        } catch (IOException | RuntimeException none) {
            debian = Stream.empty();
        }
        return Stream.concat(onPath, debian).filter(Files::isExecutable).findFirst();
    }

    /** The node's embedded PostgreSQL port, from the postmaster's own pid file (line 4). */
    static int embeddedPostgresPort(Path dataDir) throws IOException {
        List<String> lines = Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid"));
        return Integer.parseInt(lines.get(3).trim());
    }

    private static void yardstick(Path pgbench, Options options, Path dataDir, int accountCount, int seconds,
                                  List<Level> levels) throws Exception {
        String host = options.text("pg-host", "127.0.0.1");
        int port = options.text("pg-port", null) != null ? options.number("pg-port", 5432)
                : embeddedPostgresPort(dataDir);
        String user = options.text("pg-user", "postgres");
        createDatabase(host, port, user);
        List<String> connection = List.of("-h", host, "-p", Integer.toString(port), "-U", user);
        int scale = Math.max(1, options.number("scale", 10));
        pgbenchRun(pgbench, connection, List.of("-i", "-q", "-s", Integer.toString(scale), PGBENCH_DATABASE));
        createTransferTables(host, port, user, accountCount);
        Path script = Files.createTempFile("strongroom-transfer", ".sql");
        Files.writeString(script, TRANSFER_SCRIPT, StandardCharsets.UTF_8);
        try {
            for (Level level : levels) {
                List<String> common = List.of("-n", "-c", Integer.toString(level.clients()), "-j",
                        Integer.toString(Math.min(level.clients(), 2)), "-T", Integer.toString(seconds));
                double tpcb = tps(pgbenchRun(pgbench, connection, concat(common, List.of("-b", "tpcb-like",
                        PGBENCH_DATABASE))));
                double oneTransaction = tps(pgbenchRun(pgbench, connection, concat(common, List.of("-f",
                        script.toString(), "-D", "accounts=" + accountCount, PGBENCH_DATABASE))));
                System.out.printf("pgbench: clients=%d tpcb-like=%.0f tps one-transaction-transfer=%.0f tps "
                                + "strongroom=%.1f/s share-of-tpcb=%.1f%% share-of-one-transaction=%.1f%%%n",
                        level.clients(), tpcb, oneTransaction, level.perSecond(), 100 * level.perSecond() / tpcb,
                        100 * level.perSecond() / oneTransaction);
            }
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String pgbenchRun(Path pgbench, List<String> connection, List<String> arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(pgbench.toString());
        command.addAll(connection);
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("pgbench failed (" + String.join(" ", arguments) + "):\n" + output);
        }
        return output;
    }

    static double tps(String pgbenchOutput) {
        Matcher matcher = TPS.matcher(pgbenchOutput);
        if (!matcher.find()) {
            throw new IllegalStateException("pgbench printed no tps:\n" + pgbenchOutput);
        }
        return Double.parseDouble(matcher.group(1));
    }

    private static Connection connect(String host, int port, String user, String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database, user, null);
    }

    /** A fresh database of the benchmark's own beside the node's. */
    private static void createDatabase(String host, int port, String user) throws SQLException {
        try (Connection db = connect(host, port, user, "postgres"); Statement sql = db.createStatement()) {
            sql.execute("DROP DATABASE IF EXISTS " + PGBENCH_DATABASE);
            sql.execute("CREATE DATABASE " + PGBENCH_DATABASE);
        }
    }

    /**
     * Tables shaped like the node's for a one-transaction transfer: an event store (global index, unique
     * aggregate and sequence), balances with a version, postings, transfers and idempotency records.
     */
    private static void createTransferTables(String host, int port, String user, int accounts)
            throws SQLException {
        try (Connection db = connect(host, port, user, PGBENCH_DATABASE); Statement sql = db.createStatement()) {
            sql.execute("""
                    CREATE TABLE bench_event (global_index BIGSERIAL PRIMARY KEY, aggregate_id TEXT NOT NULL,
                        seq BIGINT NOT NULL, event_id UUID NOT NULL DEFAULT gen_random_uuid() UNIQUE,
                        payload TEXT NOT NULL, UNIQUE (aggregate_id, seq))""");
            sql.execute("""
                    CREATE TABLE bench_balance (id INT PRIMARY KEY, balance BIGINT NOT NULL,
                        version BIGINT NOT NULL)""");
            sql.execute("""
                    CREATE TABLE bench_posting (id BIGSERIAL PRIMARY KEY, account_id INT NOT NULL,
                        amount BIGINT NOT NULL, posted TIMESTAMPTZ NOT NULL DEFAULT now())""");
            sql.execute("CREATE INDEX bench_posting_account ON bench_posting (account_id, id)");
            sql.execute("""
                    CREATE TABLE bench_transfer (id UUID PRIMARY KEY DEFAULT gen_random_uuid(), source INT NOT NULL,
                        target INT NOT NULL, amount BIGINT NOT NULL, status TEXT NOT NULL)""");
            sql.execute("""
                    CREATE TABLE bench_idempotency (request_key TEXT PRIMARY KEY, outcome TEXT NOT NULL)""");
            sql.execute("INSERT INTO bench_balance SELECT g, 1000000000, 0 FROM generate_series(1, " + accounts
                    + ") g");
        }
    }

    /**
     * The statements of one internal transfer written in one transaction (issue 13's design): both
     * accounts' advisory locks in sorted order, the idempotency look-up, both balances with their
     * versions, three events (debit, credit, the transfer), two postings, the transfer row and the
     * idempotency record, committed once.
     */
    static final String TRANSFER_SCRIPT = """
            \\set a random(1, :accounts)
            \\set b (:a % :accounts) + 1
            \\set amount random(1, 1000)
            \\set key random(1, 1000000000)
            BEGIN;
            SELECT pg_advisory_xact_lock(least(:a, :b));
            SELECT pg_advisory_xact_lock(greatest(:a, :b));
            SELECT outcome FROM bench_idempotency WHERE request_key = 'bench-' || :client_id || '-' || :key;
            UPDATE bench_balance SET balance = balance - :amount, version = version + 1 WHERE id = :a RETURNING version AS va \\gset
            UPDATE bench_balance SET balance = balance + :amount, version = version + 1 WHERE id = :b RETURNING version AS vb \\gset
            INSERT INTO bench_event (aggregate_id, seq, payload) VALUES ('account-' || :a, :va, repeat('d', 300));
            INSERT INTO bench_event (aggregate_id, seq, payload) VALUES ('account-' || :b, :vb, repeat('c', 300));
            INSERT INTO bench_event (aggregate_id, seq, payload) VALUES (gen_random_uuid()::text, 0, repeat('t', 300));
            INSERT INTO bench_posting (account_id, amount) VALUES (:a, -:amount);
            INSERT INTO bench_posting (account_id, amount) VALUES (:b, :amount);
            INSERT INTO bench_transfer (source, target, amount, status) VALUES (:a, :b, :amount, 'COMPLETED');
            INSERT INTO bench_idempotency (request_key, outcome) VALUES (gen_random_uuid()::text, repeat('o', 120));
            COMMIT;
            """;
}
