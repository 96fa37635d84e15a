package org.strongroom.ops;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import com.nimbusds.jose.jwk.RSAKey;
import org.strongroom.proto.account.v1.AccountProduct;
import org.strongroom.proto.account.v1.AccountServiceGrpc;
import org.strongroom.proto.account.v1.DepositFundsRequest;
import org.strongroom.proto.account.v1.OpenAccountRequest;
import org.strongroom.proto.customer.v1.CustomerServiceGrpc;
import org.strongroom.proto.loan.v1.ApplyForLoanRequest;
import org.strongroom.proto.loan.v1.LoanServiceGrpc;
import org.strongroom.proto.loan.v1.LoanStatus;

/**
 * The loan benchmark over real gRPC. Sets up customers with funded accounts, then C clients apply for N
 * loans in their customers' own channel (each an instant decision and, when approved, a disbursement in the
 * same call) and the latency of apply -> disbursed is recorded. Then close of business runs for the date
 * over every active loan, and its loans per second are read from the run.
 */
final class LoanBenchmark {

    private LoanBenchmark() {
    }

    static int run(Options options) throws Exception {
        java.util.concurrent.atomic.LongAdder setupRetries = new java.util.concurrent.atomic.LongAdder();
        String target = options.text("target", "127.0.0.1:9090");
        int loanCount = options.number("loans", 1000);
        int clients = options.number("clients", 8);
        int perCustomer = options.number("loans-per-customer", 5);
        String product = options.text("product", "PERSONAL-EUR");
        int instalments = options.number("instalments", 12);
        int cobDays = options.number("cob-days", 1);
        int warmup = options.number("warmup", 500);
        Path dataDir = Path.of(options.text("data-dir", "var"));
        RSAKey key = TokenCommand.developmentKey(dataDir);
        ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
        try {
            String teller = TokenCommand.issue(key, Instant.now(), Duration.ofHours(12), "loan-bench", "TELLER",
                    "BRANCH", Map.of("branch", "bench"), "strongroom", "strongroom");
            var customers = CustomerServiceGrpc.newBlockingStub(channel).withInterceptors(OpsSupport.bearer(teller));
            var accounts = AccountServiceGrpc.newBlockingStub(channel).withInterceptors(OpsSupport.bearer(teller));
            var clearingFeed = AccountServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(OpsSupport.clearingFeed(dataDir));
            String run = UUID.randomUUID().toString().substring(0, 8);
            if (warmup > 0) {
                // Other customers' loans first, not counted: the node's JIT compiles the loan path meanwhile.
                applications("warm-up (not counted): ", run + "w", warmup, clients, perCustomer, product, instalments,
                        key, channel, customers, accounts, clearingFeed, setupRetries);
            }
            applications("", run, loanCount, clients, perCustomer, product, instalments, key, channel, customers,
                    accounts, clearingFeed, setupRetries);
        } finally {
            channel.shutdownNow();
        }
        // Close of business over every active loan of the bank, as an operator runs it, day after day.
        String[] cob = {"--target", target, "--data-dir", dataDir.toString()};
        int status = 0;
        for (int day = 0; day < cobDays && status == 0; day++) {
            status = CloseOfBusinessCommand.run("run", Options.parse(cob));
        }
        return status;
    }

    /** Customers with funded accounts, then their applications from the clients, timed apply -> disbursed. */
    private static void applications(String label, String run, int loanCount, int clients, int perCustomer,
                                     String product, int instalments, RSAKey key, ManagedChannel channel,
                                     CustomerServiceGrpc.CustomerServiceBlockingStub customers,
                                     AccountServiceGrpc.AccountServiceBlockingStub accounts,
                                     AccountServiceGrpc.AccountServiceBlockingStub clearingFeed,
                                     java.util.concurrent.atomic.LongAdder setupRetries) throws Exception {
        int customerCount = (loanCount + perCustomer - 1) / perCustomer;
        String[][] borrowers = new String[customerCount][];
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicInteger next = new AtomicInteger();
        long setupStart = System.nanoTime();
        List<Future<?>> setup = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            setup.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < customerCount; i = next.getAndIncrement()) {
                    String customerId = customers.withDeadlineAfter(30, TimeUnit.SECONDS).registerCustomer(
                            OpsSupport.customer("lb-" + run + "-c" + i, "Loan Customer " + i,
                                    "LB" + run.toUpperCase() + i, "loan" + i + "@example.com"))
                            .getCustomer().getCustomerId();
                    OpenAccountRequest open = OpenAccountRequest.newBuilder().setRequestId("lb-" + run + "-a" + i)
                            .setCustomerId(customerId).setProduct(AccountProduct.ACCOUNT_PRODUCT_CURRENT)
                            .setCurrencyCode("EUR").build();
                    String accountId;
                    try {
                        accountId = accounts.withDeadlineAfter(30, TimeUnit.SECONDS).openAccount(open)
                                .getAccount().getAccountId();
                    } catch (io.grpc.StatusRuntimeException e) {
                        // Read-your-writes makes this impossible; counted (and retried once) so that a
                        // regression shows in the summary instead of ending the run.
                        if (e.getStatus().getCode() != io.grpc.Status.Code.NOT_FOUND) {
                            throw e;
                        }
                        setupRetries.increment();
                        Thread.sleep(200);
                        accountId = accounts.withDeadlineAfter(30, TimeUnit.SECONDS)
                                .openAccount(open.toBuilder().setRequestId(open.getRequestId() + "-retry").build())
                                .getAccount().getAccountId();
                    }
                    clearingFeed.withDeadlineAfter(30, TimeUnit.SECONDS).depositFunds(DepositFundsRequest.newBuilder()
                            .setRequestId("lb-" + run + "-d" + i).setAccountId(accountId)
                            .setAmount(OpsSupport.cents(500_000_00L))
                            .setCounterparty(OpsSupport.clearing("salary")).build());
                    borrowers[i] = new String[] {customerId, accountId};
                }
                return null;
            }));
        }
        for (Future<?> task : setup) {
            task.get();
        }
        System.out.printf("%ssetup: %d customers with funded accounts in %.1f s (%d account opening retried)%n", label,
                customerCount,
                (System.nanoTime() - setupStart) / 1e9, setupRetries.sum());

        Map<String, String> tokens = new ConcurrentHashMap<>();
        Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        long[] latencies = new long[loanCount];
        next.set(0);
        long applyStart = System.nanoTime();
        List<Future<?>> applications = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            applications.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < loanCount; i = next.getAndIncrement()) {
                    // Round-robin over the customers: concurrent applications are from different customers
                    // (one customer's applications queue on their account's lock, one after the other).
                    String[] borrower = borrowers[i % borrowers.length];
                    String token = tokens.computeIfAbsent(borrower[0], id -> TokenCommand.issue(key, Instant.now(),
                            Duration.ofHours(12), id, "CUSTOMER", "MOBILE", Map.of(), "strongroom", "strongroom"));
                    var loans = LoanServiceGrpc.newBlockingStub(channel).withInterceptors(OpsSupport.bearer(token));
                    long begin = System.nanoTime();
                    String outcome;
                    try {
                        LoanStatus status = loans.withDeadlineAfter(30, TimeUnit.SECONDS).applyForLoan(
                                ApplyForLoanRequest.newBuilder().setRequestId("lb-" + run + "-l" + i)
                                        .setCustomerId(borrower[0]).setAccountId(borrower[1])
                                        .setProductCode(product).setPrincipal(OpsSupport.cents(1000_00L))
                                        .setInstalments(instalments).setDeclaredMonthlyIncome(OpsSupport.cents(4000_00L))
                                        .build()).getLoan().getStatus();
                        outcome = status.name().substring("LOAN_STATUS_".length());
                    } catch (io.grpc.StatusRuntimeException e) {
                        outcome = e.getStatus().getCode().name();
                    }
                    latencies[i] = System.nanoTime() - begin;
                    outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
                }
                return null;
            }));
        }
        for (Future<?> task : applications) {
            task.get();
        }
        double applySeconds = (System.nanoTime() - applyStart) / 1e9;
        pool.shutdown();
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        System.out.printf("%sapplications: %d in %.1f s (%.1f/s) from %d clients; outcomes %s%n", label, loanCount,
                applySeconds, loanCount / applySeconds, clients, outcomes);
        System.out.printf("%sapply -> disbursed ms: p50 %.1f  p95 %.1f  p99 %.1f  max %.1f%n", label,
                OpsSupport.percentileMillis(sorted, 50), OpsSupport.percentileMillis(sorted, 95),
                OpsSupport.percentileMillis(sorted, 99), sorted[sorted.length - 1] / 1e6);
    }
}
