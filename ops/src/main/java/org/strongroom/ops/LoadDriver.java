package org.strongroom.ops;

import static org.strongroom.ops.OpsSupport.cents;
import static org.strongroom.ops.OpsSupport.clearing;
import static org.strongroom.ops.OpsSupport.percentileMillis;
import static org.strongroom.ops.OpsSupport.toCents;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import com.google.type.Money;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.strongroom.proto.account.v1.AccountProduct;
import org.strongroom.proto.account.v1.AccountServiceGrpc;
import org.strongroom.proto.payment.v1.GetTransferRequest;
import org.strongroom.proto.payment.v1.PaymentServiceGrpc;
import org.strongroom.proto.payment.v1.Transfer;
import org.strongroom.proto.payment.v1.TransferFundsRequest;
import org.strongroom.proto.payment.v1.TransferStatus;
import org.strongroom.proto.account.v1.DepositFundsRequest;
import org.strongroom.proto.account.v1.GetAccountRequest;
import org.strongroom.proto.account.v1.OpenAccountRequest;
import org.strongroom.proto.account.v1.WithdrawFundsRequest;
import org.strongroom.proto.customer.v1.CustomerServiceGrpc;

/**
 * End-to-end load over real gRPC: C clients send deposits and withdrawals ({@code --mix movements}) or
 * transfers between the accounts ({@code --mix transfers}), amounts in whole cents, to N accounts for a
 * fixed time. Every acknowledged movement is counted; at the end the balances read back must equal the
 * openings plus what was acknowledged, none may be negative, and transfers must not change the total.
 */
final class LoadDriver {

    private static final long OPENING_CENTS = 100_00;
    private static final int MAX_SAMPLES_PER_CLIENT = 1 << 20;

    private LoadDriver() {
    }

    static int run(Options options) throws Exception {
        String target = options.text("target", "127.0.0.1:9090");
        int clients = options.number("clients", 16);
        int accountCount = options.number("accounts", 32);
        int seconds = options.number("seconds", 30);
        long seed = options.number("seed", 1);
        String mix = options.text("mix", "movements");
        if (!mix.equals("movements") && !mix.equals("transfers")) {
            System.err.println("--mix is movements (deposits and withdrawals) or transfers (between the accounts)");
            return 2;
        }
        boolean transfers = mix.equals("transfers");

        ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
        try {
            // A teller's token: from --token, or issued with the node's development key (--data-dir).
            String token = options.text("token", null);
            if (token == null) {
                token = TokenCommand.issue(TokenCommand.developmentKey(Path.of(options.text("data-dir", "var"))),
                        Instant.now(), Duration.ofHours(12), "load-driver", "TELLER", "BRANCH",
                        Map.of("branch", "load"), "strongroom", "strongroom");
            }
            var interceptor = OpsSupport.bearer(token);
            var customers = CustomerServiceGrpc.newBlockingStub(channel).withInterceptors(interceptor);
            var accounts = AccountServiceGrpc.newBlockingStub(channel).withInterceptors(interceptor);
            // Clearing entries come from the clearing feed: --feed-token, or issued like the teller's.
            String feedToken = options.text("feed-token", null);
            var clearingFeed = AccountServiceGrpc.newBlockingStub(channel).withInterceptors(feedToken != null
                    ? OpsSupport.bearer(feedToken)
                    : OpsSupport.clearingFeed(Path.of(options.text("data-dir", "var"))));
            var payments = PaymentServiceGrpc.newBlockingStub(channel).withInterceptors(interceptor);
            List<String> pending = java.util.Collections.synchronizedList(new ArrayList<>());

            String run = UUID.randomUUID().toString().substring(0, 8);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < accountCount; i++) {
                String customerId = customers.withDeadlineAfter(30, TimeUnit.SECONDS).registerCustomer(
                        OpsSupport.customer("load-" + run + "-c" + i, "Load Customer " + i,
                                "LD" + run.toUpperCase() + i, "load" + i + "@example.com")).getCustomer().getCustomerId();
                String accountId = accounts.withDeadlineAfter(30, TimeUnit.SECONDS).openAccount(
                        OpenAccountRequest.newBuilder().setRequestId("load-" + run + "-a" + i).setCustomerId(customerId)
                                .setProduct(AccountProduct.ACCOUNT_PRODUCT_CURRENT).setCurrencyCode("EUR").build())
                        .getAccount().getAccountId();
                clearingFeed.withDeadlineAfter(30, TimeUnit.SECONDS).depositFunds(DepositFundsRequest.newBuilder()
                        .setRequestId("load-" + run + "-d" + i).setAccountId(accountId).setAmount(cents(OPENING_CENTS))
                        .setCounterparty(clearing("opening")).build());
                ids.add(accountId);
            }

            Map<String, AtomicLong> expected = new ConcurrentHashMap<>();
            ids.forEach(id -> expected.put(id, new AtomicLong(OPENING_CENTS)));
            Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<long[]>> futures = new ArrayList<>();
            long started = System.nanoTime();
            for (int c = 0; c < clients; c++) {
                Random random = new Random(seed * 7919 + c);
                int client = c;
                futures.add(pool.submit(() -> {
                    long[] samples = new long[MAX_SAMPLES_PER_CLIENT];
                    int count = 0;
                    while (System.nanoTime() < deadline && count < samples.length) {
                        String accountId = ids.get(random.nextInt(ids.size()));
                        long amount = 1 + random.nextInt(50_00);
                        boolean deposit = random.nextInt(100) < 50;
                        String requestId = "load-" + run + "-" + client + "-" + count;
                        long begin = System.nanoTime();
                        try {
                            if (transfers) {
                                String payee = ids.get((ids.indexOf(accountId) + 1 + random.nextInt(ids.size() - 1))
                                        % ids.size());
                                Transfer transfer = payments.withDeadlineAfter(10, TimeUnit.SECONDS)
                                        .transferFunds(TransferFundsRequest.newBuilder().setRequestId(requestId)
                                                .setSourceAccountId(accountId).setTargetAccountId(payee)
                                                .setAmount(cents(amount)).setReference("load " + run).build())
                                        .getTransfer();
                                String outcome = settle(transfer, expected, pending);
                                outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
                                samples[count++] = System.nanoTime() - begin;
                                continue;
                            }
                            if (deposit) {
                                clearingFeed.withDeadlineAfter(10, TimeUnit.SECONDS).depositFunds(DepositFundsRequest
                                        .newBuilder().setRequestId(requestId).setAccountId(accountId)
                                        .setAmount(cents(amount)).setCounterparty(clearing(requestId)).build());
                                expected.get(accountId).addAndGet(amount);
                            } else {
                                clearingFeed.withDeadlineAfter(10, TimeUnit.SECONDS).withdrawFunds(WithdrawFundsRequest
                                        .newBuilder().setRequestId(requestId).setAccountId(accountId)
                                        .setAmount(cents(amount)).setCounterparty(clearing(requestId)).build());
                                expected.get(accountId).addAndGet(-amount);
                            }
                            outcomes.computeIfAbsent("OK", k -> new LongAdder()).increment();
                        } catch (StatusRuntimeException refused) {
                            outcomes.computeIfAbsent(refused.getStatus().getCode() + "/" + reason(refused),
                                    k -> new LongAdder()).increment();
                        }
                        samples[count++] = System.nanoTime() - begin;
                    }
                    return Arrays.copyOf(samples, count);
                }));
            }
            long[] latencies = OpsSupport.sortedSamples(futures);
            double elapsed = (System.nanoTime() - started) / 1e9;
            pool.shutdown();

            int anomalies = 0;
            // Transfers still running when answered finish on their own: wait for each to end.
            for (String transferId : List.copyOf(pending)) {
                Transfer transfer = null;
                long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (System.nanoTime() < giveUp) {
                    transfer = payments.withDeadlineAfter(10, TimeUnit.SECONDS).getTransfer(GetTransferRequest
                            .newBuilder().setTransferId(transferId).build()).getTransfer();
                    if (transfer.getStatus() != TransferStatus.TRANSFER_STATUS_PENDING) {
                        break;
                    }
                    Thread.sleep(50);
                }
                if (settle(transfer, expected, null).equals("PENDING")) {
                    anomalies++;
                    System.out.printf("ANOMALY transfer %s did not end%n", transferId);
                }
            }
            long total = 0;
            for (String accountId : ids) {
                Money balance = accounts.withDeadlineAfter(10, TimeUnit.SECONDS)
                        .getAccount(GetAccountRequest.newBuilder().setAccountId(accountId).build())
                        .getAccount().getBalance();
                long actual = toCents(balance);
                total += actual;
                if (actual != expected.get(accountId).get() || actual < 0) {
                    anomalies++;
                    System.out.printf("ANOMALY account %s: balance %d cents, expected %d%n", accountId, actual,
                            expected.get(accountId).get());
                }
            }
            if (total != OPENING_CENTS * ids.size() + (transfers ? 0 : netMovements(expected, ids))) {
                anomalies++;
                System.out.printf("ANOMALY total %d cents%n", total);
            }
            System.out.printf("outcomes: %s%n", outcomes);
            System.out.printf("latency ms: p50 %.2f  p95 %.2f  p99 %.2f  max %.2f%n",
                    percentileMillis(latencies, 50), percentileMillis(latencies, 95), percentileMillis(latencies, 99),
                    percentileMillis(latencies, 100));
            long acknowledged = outcomes.getOrDefault(transfers ? "COMPLETED" : "OK", new LongAdder()).sum();
            System.out.printf("load: mix=%s clients=%d accounts=%d seconds=%.1f requests=%d throughput=%.1f/s "
                            + "acknowledged=%d anomalies=%d%n", mix, clients, accountCount, elapsed, latencies.length,
                    latencies.length / elapsed, acknowledged, anomalies);
            return anomalies == 0 ? 0 : 1;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Books a transfer's outcome into the expected balances (a completed one moves the amount) and names
     * it; a pending one is remembered to be checked when it ends.
     */
    private static String settle(Transfer transfer, Map<String, AtomicLong> expected, List<String> pending) {
        switch (transfer.getStatus()) {
            case TRANSFER_STATUS_COMPLETED -> {
                long cents = toCents(transfer.getAmount());
                expected.get(transfer.getSourceAccountId()).addAndGet(-cents);
                expected.get(transfer.getTargetAccountId()).addAndGet(cents);
                return "COMPLETED";
            }
            case TRANSFER_STATUS_FAILED -> {
                return "FAILED/" + transfer.getFailureReason();
            }
            default -> {
                if (pending != null) {
                    pending.add(transfer.getTransferId());
                }
                return "PENDING";
            }
        }
    }

    /** What deposits and withdrawals added to the accounts in all (their expected balances less the openings). */
    private static long netMovements(Map<String, AtomicLong> expected, List<String> ids) {
        long net = 0;
        for (String id : ids) {
            net += expected.get(id).get() - OPENING_CENTS;
        }
        return net;
    }

    private static String reason(StatusRuntimeException e) {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        if (status == null) {
            return "-";
        }
        for (var detail : status.getDetailsList()) {
            if (detail.is(ErrorInfo.class)) {
                try {
                    return detail.unpack(ErrorInfo.class).getReason();
                } catch (InvalidProtocolBufferException ignored) {
                    return "?";
                }
            }
        }
        return "-";
    }
}
