package org.strongroom.ops;

import static org.strongroom.ops.OpsSupport.cents;
import static org.strongroom.ops.OpsSupport.percentileMillis;
import static org.strongroom.ops.OpsSupport.toCents;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.strongroom.proto.account.v1.Account;
import org.strongroom.proto.account.v1.AccountProduct;
import org.strongroom.proto.account.v1.AccountServiceGrpc;
import org.strongroom.proto.account.v1.CounterpartyType;
import org.strongroom.proto.account.v1.DepositFundsRequest;
import org.strongroom.proto.account.v1.GetAccountRequest;
import org.strongroom.proto.account.v1.ListTransactionsRequest;
import org.strongroom.proto.account.v1.ListTransactionsResponse;
import org.strongroom.proto.account.v1.OpenAccountRequest;
import org.strongroom.proto.teller.v1.GrantApprovalRequest;
import org.strongroom.proto.teller.v1.TellerServiceGrpc;
import org.strongroom.proto.account.v1.OpenAccountResponse;
import org.strongroom.proto.account.v1.Transaction;
import org.strongroom.proto.account.v1.TransactionDirection;
import org.strongroom.proto.admin.v1.ListProjectionsRequest;
import org.strongroom.proto.admin.v1.Projection;
import org.strongroom.proto.admin.v1.ProjectionAdminServiceGrpc;
import org.strongroom.proto.admin.v1.ProjectionState;
import org.strongroom.proto.admin.v1.RebuildProjectionRequest;
import org.strongroom.proto.customer.v1.CustomerServiceGrpc;
import org.strongroom.proto.ledger.v1.CurrencyTotals;
import org.strongroom.proto.ledger.v1.GetTrialBalanceRequest;
import org.strongroom.proto.ledger.v1.GetTrialBalanceResponse;
import org.strongroom.proto.ledger.v1.JournalEntry;
import org.strongroom.proto.ledger.v1.LedgerBalance;
import org.strongroom.proto.ledger.v1.LedgerServiceGrpc;
import org.strongroom.proto.ledger.v1.ListJournalEntriesRequest;
import org.strongroom.proto.ledger.v1.ListJournalEntriesResponse;
import org.strongroom.proto.ledger.v1.ListLedgerBalancesRequest;
import org.strongroom.proto.payment.v1.GetTransferRequest;
import org.strongroom.proto.payment.v1.PaymentServiceGrpc;
import org.strongroom.proto.payment.v1.Transfer;
import org.strongroom.proto.payment.v1.TransferFundsRequest;
import org.strongroom.proto.payment.v1.TransferStatus;

/**
 * A Jepsen-style bank workload over real gRPC. N accounts open with known balances (some with an
 * overdraft); C clients send random transfers between them, retrying every unanswered call with the same
 * request id and re-sending some answered ones; a reader keeps reading every balance. In fault mode
 * ({@code --kills K}) the tool runs the node itself and kills it with SIGKILL at random moments, then
 * starts it again on the same data dir while the clients keep retrying.
 *
 * <p>Then the checker: money is conserved; no account is below its limit, now or in any read; every
 * acknowledged transfer completed exactly once (one debit, one credit, one journal entry each side) and
 * every failed one left nothing in statements or the ledger; no reservation is left; the trial balance
 * is zero, transit is empty and the deposits control account moved by exactly the accounts' total; and
 * every projection equals a fresh rebuild from the events.
 */
final class BankWorkload {

    private static final Set<Status.Code> RETRYABLE = Set.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED,
            Status.Code.ABORTED, Status.Code.RESOURCE_EXHAUSTED, Status.Code.CANCELLED, Status.Code.UNKNOWN);
    private static final String DEPOSITS_CONTROL = "2100-DEPOSITS-CURRENT";
    private static final String TRANSIT = "1900-TRANSIT";
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(10);
    /** How long after the run a call is still retried (a restart takes a few seconds). */
    private static final Duration RETRY_GRACE = Duration.ofMinutes(3);

    private final Plan plan;
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> anomalies = Collections.synchronizedList(new ArrayList<>());
    private final LongAdder retries = new LongAdder();
    private final LongAdder resends = new LongAdder();
    private final LongAdder reads = new LongAdder();
    private final AtomicInteger kills = new AtomicInteger();
    /** When the node was last killed, and when a TransferFunds call sent after that was first answered (epoch ms). */
    private final java.util.concurrent.atomic.AtomicLong killedMillis = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong answeredAfterKillMillis =
            new java.util.concurrent.atomic.AtomicLong();
    private volatile Instant giveUpRetrying = Instant.MAX;
    private Stubs stubs;
    private String target;
    private Path dataDir;
    /** The node this run started, or null when it works against one already running. */
    private LaunchedNode node;
    private List<Opened> opened = List.of();
    private List<Attempt> attempts = List.of();
    private long controlBefore;

    /** What to run. {@code transfers} > 0 stops after that many; otherwise {@code seconds} of traffic. */
    record Plan(int accounts, int clients, int seconds, int transfers, int kills, long seed, long openingCents,
                String target, Path nodeJar, Path workDir, Path dataDir) {
    }

    /** One logical transfer: one request id, however many times it was sent. */
    static final class Attempt {
        final String requestId;
        final int source;
        final int target;
        final long cents;
        volatile Transfer answer;
        volatile Transfer last;
        volatile long latencyNanos = -1;

        Attempt(String requestId, int source, int target, long cents) {
            this.requestId = requestId;
            this.source = source;
            this.target = target;
            this.cents = cents;
        }
    }

    private record Opened(String accountId, long overdraftCents) {
    }

    BankWorkload(Plan plan) {
        this.plan = plan;
    }

    static int run(Options options) throws Exception {
        String jar = options.text("node-jar", null);
        int kills = options.number("kills", 0);
        if (kills > 0 && jar == null) {
            System.err.println("--kills needs --node-jar: the workload must run the node to kill it");
            return 2;
        }
        Path workDir = options.text("work-dir", null) != null ? Path.of(options.text("work-dir", null))
                : Files.createTempDirectory("strongroom-workload");
        Plan plan = new Plan(options.number("accounts", 20), options.number("clients", 4),
                options.number("seconds", 60), options.number("transfers", 0), kills, options.number("seed", 1),
                options.number("opening", 1000) * 100L, options.text("target", "127.0.0.1:9090"),
                jar == null ? null : Path.of(jar), workDir, Path.of(options.text("data-dir", "var")));
        Summary summary = new BankWorkload(plan).execute();
        return summary.anomalies().isEmpty() ? 0 : 1;
    }

    /** What a run did and found. */
    record Summary(int accounts, int clients, double seconds, int kills, int attempted, long acknowledged,
                   long completed, long failed, long retries, long resends, long reads, double throughput,
                   double p50Millis, double p99Millis, List<String> anomalies) {

        String line() {
            return String.format("workload: accounts=%d clients=%d seconds=%.1f kills=%d attempted=%d acknowledged=%d "
                            + "completed=%d failed=%d retries=%d resends=%d reads=%d throughput=%.1f/s p50=%.1fms "
                            + "p99=%.1fms anomalies=%d", accounts, clients, seconds, kills, attempted, acknowledged,
                    completed, failed, retries, resends, reads, throughput, p50Millis, p99Millis, anomalies.size());
        }
    }

    Summary execute() throws Exception {
        LaunchedNode node = null;
        String target = plan.target();
        Path dataDir = plan.dataDir();
        if (plan.nodeJar() != null) {
            node = new LaunchedNode(plan.nodeJar(), plan.workDir());
            System.out.printf("starting the node from %s in %s%n", plan.nodeJar(), plan.workDir());
            node.start();
            target = node.target();
            dataDir = node.dataDir();
        }
        this.target = target;
        this.dataDir = dataDir;
        this.node = node;
        ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
        try {
            stubs = new Stubs(channel, dataDir);
            return workload(node);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            if (node != null) {
                node.close();
            }
        }
    }

    private Summary workload(LaunchedNode node) throws Exception {
        controlBefore = eurBalance(ledgerBalances(), DEPOSITS_CONTROL);
        List<Opened> opened = openAccounts();
        this.opened = opened;
        opened.forEach(account -> stubs.accountIds.add(account.accountId()));
        ConcurrentLinkedQueue<Attempt> sent = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger started = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(plan.clients() + 2);
        long begin = System.nanoTime();
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < plan.clients(); c++) {
            int client = c;
            clients.add(pool.submit(() -> client(client, opened.size(), stop, started, sent)));
        }
        Future<?> reader = pool.submit(() -> reader(opened, stop));
        Future<?> killer = node == null || plan.kills() == 0 ? null
                : pool.submit(() -> killer(node, stop, started, begin));
        if (plan.transfers() <= 0) {
            Thread.sleep(TimeUnit.SECONDS.toMillis(plan.seconds()));
            stop.set(true);
            giveUpRetrying = Instant.now().plus(RETRY_GRACE);
        }
        for (Future<?> client : clients) {
            client.get();
        }
        stop.set(true);
        giveUpRetrying = Instant.now().plus(RETRY_GRACE);
        double elapsed = (System.nanoTime() - begin) / 1e9;
        if (killer != null) {
            killer.get();
        }
        reader.get();
        pool.shutdown();
        List<Attempt> attempts = List.copyOf(sent);
        this.attempts = attempts;

        resolve(attempts);
        check(attempts, opened, controlBefore);
        long completed = attempts.stream().filter(a -> status(a.last) == TransferStatus.TRANSFER_STATUS_COMPLETED).count();
        long failed = attempts.stream().filter(a -> status(a.last) == TransferStatus.TRANSFER_STATUS_FAILED).count();
        long acknowledged = attempts.stream().filter(a -> status(a.answer) == TransferStatus.TRANSFER_STATUS_COMPLETED)
                .count();
        long[] latencies = attempts.stream().mapToLong(a -> a.latencyNanos).filter(l -> l >= 0).sorted().toArray();
        Summary summary;
        synchronized (anomalies) {
            anomalies.stream().limit(50).forEach(anomaly -> System.out.println("ANOMALY " + anomaly));
            summary = new Summary(opened.size(), plan.clients(), elapsed, kills.get(), attempts.size(), acknowledged,
                    completed, failed, retries.sum(), resends.sum(), reads.sum(), (completed + failed) / elapsed,
                    percentileMillis(latencies, 50), percentileMillis(latencies, 99), List.copyOf(anomalies));
        }
        System.out.println(summary.line());
        return summary;
    }

    /** The accounts the run opened. */
    List<String> accountIds() {
        return opened.stream().map(Opened::accountId).toList();
    }

    /**
     * Runs the checker again on the node the run used (which must still be running): what it finds now.
     * Lets a test change the bank behind the workload's back and see the checker notice.
     */
    List<String> recheck() throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
        try {
            stubs = new Stubs(channel, dataDir);
            opened.forEach(account -> stubs.accountIds.add(account.accountId()));
            anomalies.clear();
            check(attempts, opened, controlBefore);
            synchronized (anomalies) {
                return List.copyOf(anomalies);
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    // ---- set-up -------------------------------------------------------------------------------------

    /** Opens the accounts; every fifth has an overdraft of a tenth of the opening balance. */
    private List<Opened> openAccounts() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, plan.clients()));
        try {
            List<Future<Opened>> openings = new ArrayList<>();
            for (int i = 0; i < plan.accounts(); i++) {
                int index = i;
                openings.add(pool.submit(() -> openAccount(index)));
            }
            List<Opened> opened = new ArrayList<>();
            for (Future<Opened> opening : openings) {
                opened.add(opening.get());
            }
            return opened;
        } finally {
            pool.shutdown();
        }
    }

    private Opened openAccount(int i) {
        String key = "wl-" + run + "-" + i;
        String customerId = retrying(() -> stubs.teller(CustomerServiceGrpc.newBlockingStub(stubs.channel))
                .registerCustomer(OpsSupport.customer(key + "-customer", "Workload Customer " + i,
                        "WL" + run.toUpperCase() + i, "workload" + i + "@example.com")).getCustomer().getCustomerId());
        long overdraft = i % 5 == 4 ? plan.openingCents() / 10 : 0;
        OpenAccountRequest.Builder open = OpenAccountRequest.newBuilder().setRequestId(key + "-account")
                .setCustomerId(customerId).setProduct(AccountProduct.ACCOUNT_PRODUCT_CURRENT)
                .setCurrencyCode("EUR");
        if (overdraft > 0) {
            open.setOverdraftLimit(cents(overdraft));
        }
        OpenAccountResponse opened = retrying(() -> stubs.teller(AccountServiceGrpc.newBlockingStub(stubs.channel))
                .openAccount(open.build()));
        String accountId = opened.getAccount().getAccountId();
        if (opened.hasPendingApproval()) {
            // An overdraft is granted by a second person: the branch's supervisor.
            retrying(() -> stubs.supervisor(TellerServiceGrpc.newBlockingStub(stubs.channel))
                    .grantApproval(GrantApprovalRequest.newBuilder().setRequestId(key + "-overdraft")
                            .setApprovalId(opened.getPendingApproval().getApprovalId()).build()));
        }
        retrying(() -> stubs.clearingFeed(AccountServiceGrpc.newBlockingStub(stubs.channel))
                .depositFunds(DepositFundsRequest.newBuilder().setRequestId(key + "-opening")
                        .setAccountId(accountId).setAmount(cents(plan.openingCents()))
                        .setCounterparty(OpsSupport.clearing("workload opening " + run))
                        .build()));
        return new Opened(accountId, overdraft);
    }

    // ---- traffic ------------------------------------------------------------------------------------

    private void client(int client, int accounts, AtomicBoolean stop, AtomicInteger started,
                        ConcurrentLinkedQueue<Attempt> sent) {
        Random random = new Random(plan.seed() * 7919 + client);
        List<Attempt> mine = new ArrayList<>();
        int n = 0;
        while (!stop.get()) {
            if (plan.transfers() > 0 && started.incrementAndGet() > plan.transfers()) {
                break;
            }
            int source = random.nextInt(accounts);
            int target = (source + 1 + random.nextInt(accounts - 1)) % accounts;
            // Up to a third of an opening balance: enough that some transfers find too little money.
            long amount = 1 + random.nextInt((int) Math.max(1, plan.openingCents() / 3));
            Attempt attempt = new Attempt("wl-" + run + "-" + client + "-" + n++, source, target, amount);
            sent.add(attempt);
            mine.add(attempt);
            send(attempt);
            // Some clients never saw their answer (a dropped connection): they send the same request again.
            if (random.nextInt(10) == 0) {
                Attempt again = mine.get(random.nextInt(mine.size()));
                if (again.answer != null) {
                    resends.increment();
                    Transfer first = again.answer;
                    send(again);
                    compareResend(again, first);
                }
            }
        }
    }

    private void compareResend(Attempt attempt, Transfer first) {
        Transfer second = attempt.last;
        if (second == null) {
            return;
        }
        if (!second.getTransferId().equals(first.getTransferId())) {
            anomaly("request %s answered transfer %s, then %s", attempt.requestId, first.getTransferId(),
                    second.getTransferId());
        } else if (first.getStatus() != TransferStatus.TRANSFER_STATUS_PENDING && second.getStatus() != first.getStatus()) {
            anomaly("request %s answered %s, then %s", attempt.requestId, first.getStatus(), second.getStatus());
        }
    }

    /** Sends until answered (same request id every time) or the retry window closes. */
    private void send(Attempt attempt) {
        List<String> accounts = stubs.accountIds;
        TransferFundsRequest request = TransferFundsRequest.newBuilder().setRequestId(attempt.requestId)
                .setSourceAccountId(accounts.get(attempt.source)).setTargetAccountId(accounts.get(attempt.target))
                .setAmount(cents(attempt.cents)).setReference("workload " + run).build();
        while (true) {
            long begin = System.nanoTime();
            long sentMillis = System.currentTimeMillis();
            try {
                Transfer answer = stubs.teller(PaymentServiceGrpc.newBlockingStub(stubs.channel))
                        .transferFunds(request).getTransfer();
                if (sentMillis > killedMillis.get()) {
                    answeredAfterKillMillis.compareAndSet(0, System.currentTimeMillis());
                }
                if (attempt.answer == null) {
                    attempt.answer = answer;
                    attempt.latencyNanos = System.nanoTime() - begin;
                }
                attempt.last = answer;
                return;
            } catch (StatusRuntimeException e) {
                if (!RETRYABLE.contains(e.getStatus().getCode())) {
                    anomaly("transfer %s refused: %s %s", attempt.requestId, e.getStatus().getCode(),
                            e.getStatus().getDescription());
                    return;
                }
                if (Instant.now().isAfter(giveUpRetrying)) {
                    return;
                }
                retries.increment();
                pause(100);
            }
        }
    }

    /** Reads every balance, again and again: none may ever show an account past its limit. */
    private void reader(List<Opened> opened, AtomicBoolean stop) {
        while (!stop.get()) {
            for (Opened account : opened) {
                if (stop.get()) {
                    return;
                }
                try {
                    Account read = stubs.teller(AccountServiceGrpc.newBlockingStub(stubs.channel))
                            .getAccount(GetAccountRequest.newBuilder().setAccountId(account.accountId()).build())
                            .getAccount();
                    reads.increment();
                    checkLimits(read, account, "read");
                } catch (StatusRuntimeException e) {
                    if (!RETRYABLE.contains(e.getStatus().getCode())) {
                        anomaly("read of %s refused: %s", account.accountId(), e.getStatus());
                    }
                    pause(100);
                }
            }
        }
    }

    /**
     * Kills the node at random moments of the run, and starts it again on the same data while the clients
     * keep retrying. Kill k of K comes at a random point of the k-th of K equal stretches of the run
     * (counted in transfers sent with {@code --transfers}, in seconds otherwise).
     */
    private void killer(LaunchedNode node, AtomicBoolean stop, AtomicInteger started, long begin) {
        Random random = new Random(plan.seed() * 31 + 17);
        double stretch = 1.0 / plan.kills();
        try {
            for (int k = 0; k < plan.kills(); k++) {
                double at = (k + 0.2 + 0.6 * random.nextDouble()) * stretch;
                while (!stop.get() && progress(started, begin) < at) {
                    Thread.sleep(20);
                }
                if (stop.get()) {
                    return;
                }
                Instant down = Instant.now();
                answeredAfterKillMillis.set(0);
                killedMillis.set(down.toEpochMilli());
                node.kill();
                kills.incrementAndGet();
                node.start();
                Instant healthy = Instant.now();
                // The clients' channel backs off between reconnection attempts while the node is down; the
                // node is up now, so reconnect at once: what is timed is the node, not the back-off.
                stubs.channel.resetConnectBackoff();
                // Serving again = the first TransferFunds sent after the kill and answered.
                while (!stop.get() && answeredAfterKillMillis.get() == 0
                        && Duration.between(healthy, Instant.now()).toSeconds() < 60) {
                    Thread.sleep(5);
                }
                long answered = answeredAfterKillMillis.get();
                System.out.printf("killed the node with SIGKILL at %.0f%% of the run; healthy again in %.1f s, the "
                                + "first TransferFunds sent after the kill answered %s%n", at * 100,
                        Duration.between(down, healthy).toMillis() / 1000.0, answered == 0 ? "(none within 60 s)"
                                : String.format("%.1f s after it", (answered - down.toEpochMilli()) / 1000.0));
            }
        } catch (Exception e) {
            anomaly("the node could not be restarted: %s", e.getMessage());
            stop.set(true);
        }
    }

    /** How far the run is, from 0 to 1. */
    private double progress(AtomicInteger started, long begin) {
        if (plan.transfers() > 0) {
            return started.get() / (double) plan.transfers();
        }
        return (System.nanoTime() - begin) / (plan.seconds() * 1e9);
    }

    // ---- after the run ------------------------------------------------------------------------------

    /** Every transfer gets its final state: unanswered ones are sent again, pending ones awaited. */
    private void resolve(List<Attempt> attempts) {
        giveUpRetrying = Instant.now().plus(RETRY_GRACE);
        for (Attempt attempt : attempts) {
            if (attempt.last == null) {
                send(attempt);
            }
            if (attempt.last == null) {
                anomaly("transfer request %s was never answered", attempt.requestId);
                continue;
            }
            Instant giveUp = Instant.now().plusSeconds(120);
            while (status(attempt.last) == TransferStatus.TRANSFER_STATUS_PENDING && Instant.now().isBefore(giveUp)) {
                pause(50);
                String transferId = attempt.last.getTransferId();
                Transfer now = retrying(() -> stubs.teller(PaymentServiceGrpc.newBlockingStub(stubs.channel))
                        .getTransfer(GetTransferRequest.newBuilder().setTransferId(transferId).build()).getTransfer());
                attempt.last = now;
            }
            if (status(attempt.last) == TransferStatus.TRANSFER_STATUS_PENDING) {
                anomaly("transfer %s is still PENDING two minutes after the run", attempt.last.getTransferId());
            }
        }
    }

    /** What the read models answer about one account. */
    private record AccountReads(Account account, List<Transaction> statement, List<JournalEntry> journal) {
    }

    /** What the read models answer about the run: compared before and after a rebuild from the events. */
    private record Snapshot(Map<String, AccountReads> accounts, Map<String, Transfer> transfers,
                            GetTrialBalanceResponse trialBalance, List<LedgerBalance> ledgerBalances) {
    }

    private void check(List<Attempt> attempts, List<Opened> opened, long controlBefore) {
        awaitProjectionsCaughtUp();
        Map<String, Long> expected = new HashMap<>();
        Map<String, List<Attempt>> byAccount = new HashMap<>();
        opened.forEach(account -> expected.put(account.accountId(), plan.openingCents()));
        Map<String, Attempt> byTransferId = new HashMap<>();
        for (Attempt attempt : attempts) {
            if (attempt.last == null) {
                continue;
            }
            Transfer last = attempt.last;
            byTransferId.put(last.getTransferId(), attempt);
            String source = stubs.accountIds.get(attempt.source);
            String target = stubs.accountIds.get(attempt.target);
            byAccount.computeIfAbsent(source, id -> new ArrayList<>()).add(attempt);
            byAccount.computeIfAbsent(target, id -> new ArrayList<>()).add(attempt);
            if (attempt.answer != null && attempt.answer.getStatus() != TransferStatus.TRANSFER_STATUS_PENDING
                    && attempt.answer.getStatus() != last.getStatus()) {
                anomaly("transfer %s was answered %s but ended %s", last.getTransferId(), attempt.answer.getStatus(),
                        last.getStatus());
            }
            if (last.getStatus() == TransferStatus.TRANSFER_STATUS_COMPLETED) {
                expected.merge(source, -attempt.cents, Long::sum);
                expected.merge(target, attempt.cents, Long::sum);
            }
        }

        Snapshot before = snapshot(opened, byTransferId.keySet());
        long total = 0;
        for (Opened account : opened) {
            AccountReads reads = before.accounts().get(account.accountId());
            Account read = reads.account();
            long balance = toCents(read.getBalance());
            total += balance;
            checkLimits(read, account, "final");
            if (balance != expected.get(account.accountId())) {
                anomaly("account %s holds %d cents; its completed transfers say %d", account.accountId(), balance,
                        expected.get(account.accountId()));
            }
            if (toCents(read.getAvailable()) != balance + account.overdraftCents() || read.getHoldsCount() > 0) {
                anomaly("account %s has money still reserved: available %d, balance %d, %d holds", account.accountId(),
                        toCents(read.getAvailable()), balance, read.getHoldsCount());
            }
            List<Attempt> transfers = byAccount.getOrDefault(account.accountId(), List.of());
            checkStatement(account.accountId(), balance, reads.statement(), transfers, byTransferId);
            checkJournal(account.accountId(), reads.journal(), transfers, byTransferId);
        }
        if (total != plan.openingCents() * opened.size()) {
            anomaly("money is not conserved: the accounts hold %d cents, %d were deposited", total,
                    plan.openingCents() * opened.size());
        }
        checkLedger(before, controlBefore, total);
        checkRebuild(before, opened, byTransferId.keySet());
        checkKafka();
    }

    /** Every event the node stored, through all its kills, is on its Kafka topic (when this run started the node). */
    private void checkKafka() {
        if (node == null) {
            System.out.println("kafka: not checked (the node was not started by this run, so its broker is unknown)");
            return;
        }
        awaitKafkaPublisherCaughtUp();
        try {
            KafkaAudit.Result result = KafkaAudit.audit(node.kafkaBootstrap(), dataDir);
            if (!result.missing().isEmpty()) {
                anomaly("%d of %d stored events are on no Kafka topic, e.g. %s", result.missing().size(), result.stored(),
                        result.missing().subList(0, Math.min(5, result.missing().size())));
            }
            System.out.printf("kafka: %d stored events, %d missing from the topics (%d records, %d repeats)%n",
                    result.stored(), result.missing().size(), result.records(), result.repeats());
        } catch (Exception e) {
            anomaly("the Kafka topics could not be checked: %s", e);
        }
    }

    private void awaitKafkaPublisherCaughtUp() {
        Instant giveUp = Instant.now().plusSeconds(300);
        while (Instant.now().isBefore(giveUp)) {
            boolean caughtUp = retrying(() -> stubs.operator(ProjectionAdminServiceGrpc.newBlockingStub(stubs.channel))
                    .listProjections(ListProjectionsRequest.getDefaultInstance())).getProcessesList().stream()
                    .filter(p -> p.getName().equals("kafka-publisher")).allMatch(p -> p.getLag() == 0);
            if (caughtUp) {
                return;
            }
            pause(200);
        }
        anomaly("the Kafka publisher did not catch up within five minutes");
    }

    private void checkLimits(Account read, Opened account, String when) {
        long balance = toCents(read.getBalance());
        if (balance < -account.overdraftCents() || toCents(read.getAvailable()) < 0) {
            anomaly("%s: account %s is past its limit: balance %d, available %d, overdraft %d", when,
                    account.accountId(), balance, toCents(read.getAvailable()), account.overdraftCents());
        }
    }

    /** Each completed transfer posted once on each side; a failed one nowhere; the postings add up. */
    private void checkStatement(String accountId, long balance, List<Transaction> statement, List<Attempt> transfers,
                                Map<String, Attempt> byTransferId) {
        Map<String, Integer> postings = new HashMap<>();
        long sum = 0;
        for (Transaction posting : statement) {
            long amount = toCents(posting.getAmount());
            sum += posting.getDirection() == TransactionDirection.TRANSACTION_DIRECTION_CREDIT ? amount : -amount;
            if (posting.getCounterparty().getType() != CounterpartyType.COUNTERPARTY_TYPE_TRANSFER) {
                continue;
            }
            String transferId = posting.getCounterparty().getReference();
            postings.merge(transferId, 1, Integer::sum);
            Attempt attempt = byTransferId.get(transferId);
            if (attempt == null) {
                anomaly("account %s has a posting for transfer %s that no client asked for", accountId, transferId);
            } else if (attempt.cents != amount) {
                anomaly("transfer %s posted %d cents on %s instead of %d", transferId, amount, accountId, attempt.cents);
            }
        }
        if (sum != balance) {
            anomaly("account %s: its statement adds up to %d cents, its balance is %d", accountId, sum, balance);
        }
        expectOncePerCompleted(accountId, postings, transfers, "postings");
    }

    /** The ledger has one entry per completed transfer on each side (credited, settled) and none for a failed one. */
    private void checkJournal(String accountId, List<JournalEntry> journal, List<Attempt> transfers,
                              Map<String, Attempt> byTransferId) {
        Map<String, Integer> entries = new HashMap<>();
        for (JournalEntry entry : journal) {
            String description = entry.getDescription();
            if (description.startsWith("transfer ")) {
                String transferId = description.split(" ")[1];
                entries.merge(transferId, 1, Integer::sum);
                if (!byTransferId.containsKey(transferId)) {
                    anomaly("account %s has a journal entry for transfer %s that no client asked for", accountId,
                            transferId);
                }
            }
        }
        expectOncePerCompleted(accountId, entries, transfers, "journal entries");
    }

    /** Of the account's transfers, each completed one is counted exactly once, each failed one never. */
    private void expectOncePerCompleted(String accountId, Map<String, Integer> counts, List<Attempt> transfers,
                                        String what) {
        for (Attempt attempt : transfers) {
            String transferId = attempt.last.getTransferId();
            int count = counts.getOrDefault(transferId, 0);
            int wanted = status(attempt.last) == TransferStatus.TRANSFER_STATUS_COMPLETED ? 1 : 0;
            if (count != wanted) {
                anomaly("transfer %s (%s) has %d %s on %s", transferId, status(attempt.last), count, what, accountId);
            }
        }
    }

    private void checkLedger(Snapshot snapshot, long controlBefore, long total) {
        for (CurrencyTotals currency : snapshot.trialBalance().getCurrenciesList()) {
            if (!currency.getBalanced()) {
                anomaly("the trial balance does not balance in %s: debits %s, credits %s", currency.getCurrencyCode(),
                        currency.getDebits(), currency.getCredits());
            }
        }
        long transit = eurBalance(snapshot.ledgerBalances(), TRANSIT);
        if (transit != 0) {
            anomaly("transit holds %d cents with no transfer pending", transit);
        }
        long control = eurBalance(snapshot.ledgerBalances(), DEPOSITS_CONTROL);
        if (control - controlBefore != total) {
            anomaly("the deposits control account moved by %d cents; the accounts hold %d", control - controlBefore,
                    total);
        }
    }

    /** Every projection, rebuilt from the events, answers exactly what it answered before. */
    private void checkRebuild(Snapshot before, List<Opened> opened, Set<String> transferIds) {
        checkTransferProcessStopped();
        List<String> names = retrying(() -> stubs.operator(ProjectionAdminServiceGrpc.newBlockingStub(stubs.channel))
                .listProjections(ListProjectionsRequest.getDefaultInstance())).getProjectionsList().stream()
                .map(Projection::getName).toList();
        for (String name : names) {
            retrying(() -> stubs.operator(ProjectionAdminServiceGrpc.newBlockingStub(stubs.channel))
                    .rebuildProjection(RebuildProjectionRequest.newBuilder().setRequestId("wl-" + run + "-rebuild-" + name)
                            .setName(name).build()));
        }
        awaitProjectionsCaughtUp();
        Snapshot after = snapshot(opened, transferIds);
        before.accounts().forEach((accountId, reads) -> {
            if (!reads.equals(after.accounts().get(accountId))) {
                anomaly("account %s reads differently after the projections were rebuilt from the events", accountId);
            }
        });
        before.transfers().forEach((transferId, transfer) -> {
            if (!transfer.equals(after.transfers().get(transferId))) {
                anomaly("transfer %s reads differently after the projections were rebuilt", transferId);
            }
        });
        if (!before.trialBalance().equals(after.trialBalance())
                || !before.ledgerBalances().equals(after.ledgerBalances())) {
            anomaly("the ledger reads differently after the projections were rebuilt");
        }
        System.out.printf("rebuilt %d projections from the events: %s%n", names.size(),
                before.equals(after) ? "identical" : "DIFFERENT");
    }

    /**
     * The workload records no transfer of an earlier release, so however often the node restarted, the
     * process that finishes such transfers never ran: it would only read and discard every event.
     */
    private void checkTransferProcessStopped() {
        ProjectionState state = retrying(() -> stubs.operator(ProjectionAdminServiceGrpc.newBlockingStub(stubs.channel))
                .listProjections(ListProjectionsRequest.getDefaultInstance())).getProcessesList().stream()
                .filter(p -> p.getName().equals("transfer-process")).map(Projection::getState).findFirst()
                .orElse(null);
        if (state != ProjectionState.PROJECTION_STATE_STOPPED) {
            anomaly("the transfer process is %s with no transfer of an earlier release in flight", state);
        }
    }

    private Snapshot snapshot(List<Opened> opened, Set<String> transferIds) {
        Map<String, AccountReads> accounts = new HashMap<>();
        for (Opened account : opened) {
            String id = account.accountId();
            accounts.put(id, new AccountReads(retrying(() -> stubs.teller(AccountServiceGrpc.newBlockingStub(
                    stubs.channel)).getAccount(GetAccountRequest.newBuilder().setAccountId(id).build()).getAccount()),
                    statement(id), journal(id)));
        }
        Map<String, Transfer> transfers = new HashMap<>();
        for (String transferId : transferIds) {
            transfers.put(transferId, retrying(() -> stubs.teller(PaymentServiceGrpc.newBlockingStub(stubs.channel))
                    .getTransfer(GetTransferRequest.newBuilder().setTransferId(transferId).build()).getTransfer()));
        }
        GetTrialBalanceResponse trial = retrying(() -> stubs.operator(LedgerServiceGrpc.newBlockingStub(stubs.channel))
                .getTrialBalance(GetTrialBalanceRequest.getDefaultInstance()));
        return new Snapshot(accounts, transfers, trial, ledgerBalances());
    }

    private void awaitProjectionsCaughtUp() {
        Instant giveUp = Instant.now().plusSeconds(300);
        while (Instant.now().isBefore(giveUp)) {
            List<Projection> projections = retrying(() -> stubs.operator(ProjectionAdminServiceGrpc.newBlockingStub(
                    stubs.channel)).listProjections(ListProjectionsRequest.getDefaultInstance())).getProjectionsList();
            if (projections.stream().allMatch(p -> p.getState() == ProjectionState.PROJECTION_STATE_RUNNING
                    && p.getLag() == 0)) {
                return;
            }
            pause(200);
        }
        anomaly("the projections did not catch up within five minutes");
    }

    // ---- reads --------------------------------------------------------------------------------------

    private List<Transaction> statement(String accountId) {
        List<Transaction> postings = new ArrayList<>();
        String token = "";
        do {
            String page = token;
            ListTransactionsResponse response = retrying(() -> stubs.teller(AccountServiceGrpc.newBlockingStub(
                    stubs.channel)).listTransactions(ListTransactionsRequest.newBuilder().setAccountId(accountId)
                    .setPageSize(200).setPageToken(page).build()));
            postings.addAll(response.getTransactionsList());
            token = response.getNextPageToken();
        } while (!token.isEmpty());
        return postings;
    }

    private List<JournalEntry> journal(String accountId) {
        List<JournalEntry> entries = new ArrayList<>();
        String token = "";
        do {
            String page = token;
            ListJournalEntriesResponse response = retrying(() -> stubs.operator(LedgerServiceGrpc.newBlockingStub(
                    stubs.channel)).listJournalEntries(ListJournalEntriesRequest.newBuilder().setSubjectId(accountId)
                    .setPageSize(200).setPageToken(page).build()));
            entries.addAll(response.getEntriesList());
            token = response.getNextPageToken();
        } while (!token.isEmpty());
        return entries;
    }

    private List<LedgerBalance> ledgerBalances() {
        return retrying(() -> stubs.operator(LedgerServiceGrpc.newBlockingStub(stubs.channel))
                .listLedgerBalances(ListLedgerBalancesRequest.getDefaultInstance())).getBalancesList();
    }

    /** A ledger account's EUR balance on its normal side, in cents (0 if it has none yet). */
    private static long eurBalance(List<LedgerBalance> balances, String ledgerAccount) {
        return balances.stream().filter(b -> b.getLedgerAccount().equals(ledgerAccount)
                        && b.getBalance().getCurrencyCode().equals("EUR"))
                .mapToLong(b -> toCents(b.getBalance())).sum();
    }

    /** A read or an idempotent write, retried through restarts until it answers. */
    private <T> T retrying(Supplier<T> call) {
        Instant giveUp = Instant.now().plus(RETRY_GRACE);
        while (true) {
            try {
                return call.get();
            } catch (StatusRuntimeException e) {
                if (!RETRYABLE.contains(e.getStatus().getCode()) || Instant.now().isAfter(giveUp)) {
                    throw e;
                }
                pause(200);
            }
        }
    }

    private void anomaly(String format, Object... args) {
        anomalies.add(String.format(format, args));
    }

    private static TransferStatus status(Transfer transfer) {
        return transfer == null ? TransferStatus.TRANSFER_STATUS_UNSPECIFIED : transfer.getStatus();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Stubs with the workload's tokens: a teller moves and reads money, an operator reads the ledger. */
    private static final class Stubs {
        final ManagedChannel channel;
        final List<String> accountIds = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final io.grpc.ClientInterceptor teller;
        private final io.grpc.ClientInterceptor operator;
        private final io.grpc.ClientInterceptor supervisor;
        private final io.grpc.ClientInterceptor clearingFeed;

        Stubs(ManagedChannel channel, Path dataDir) throws java.io.IOException {
            this.channel = channel;
            var key = TokenCommand.developmentKey(dataDir);
            Instant now = Instant.now();
            this.teller = OpsSupport.bearer(TokenCommand.issue(key, now, Duration.ofHours(12), "workload-teller",
                    "TELLER", "BRANCH", Map.of("branch", "workload"), "strongroom", "strongroom"));
            this.operator = OpsSupport.bearer(TokenCommand.issue(key, now, Duration.ofHours(12), "workload-operator",
                    "OPERATOR", "SYSTEM", Map.of(), "strongroom", "strongroom"));
            this.supervisor = OpsSupport.bearer(TokenCommand.issue(key, now, Duration.ofHours(12),
                    "workload-supervisor", "SUPERVISOR", "BRANCH", Map.of("branch", "workload"), "strongroom",
                    "strongroom"));
            this.clearingFeed = OpsSupport.clearingFeed(dataDir);
        }

        <S extends AbstractStub<S>> S supervisor(S stub) {
            return stub.withInterceptors(supervisor).withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        }

        <S extends AbstractStub<S>> S clearingFeed(S stub) {
            return stub.withInterceptors(clearingFeed).withDeadlineAfter(CALL_DEADLINE.toMillis(),
                    TimeUnit.MILLISECONDS);
        }

        <S extends AbstractStub<S>> S teller(S stub) {
            return stub.withInterceptors(teller).withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        }

        <S extends AbstractStub<S>> S operator(S stub) {
            return stub.withInterceptors(operator).withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
