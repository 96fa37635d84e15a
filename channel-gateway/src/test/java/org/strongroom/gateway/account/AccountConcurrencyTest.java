package org.strongroom.gateway.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.strongroom.gateway.AccountFixtures;
import org.strongroom.node.NodeTest;
import org.strongroom.proto.account.v1.Account;
import org.strongroom.proto.account.v1.GetAccountRequest;
import org.strongroom.proto.account.v1.ListTransactionsRequest;
import org.strongroom.proto.account.v1.PlaceHoldRequest;
import org.strongroom.proto.account.v1.WithdrawFundsRequest;

/** docs/architecture.md, invariant 2 under concurrency: no account goes below its available limit, whatever the race. */
class AccountConcurrencyTest extends NodeTest {

    private static final int CLIENTS = 100;

    @Test
    void hundredConcurrentWithdrawalsNeverOverdrawAndEveryAcceptedOneCounts() throws Exception {
        AccountFixtures fixtures = new AccountFixtures(channel());
        String accountId = fixtures.fundedAccount(1000);

        Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        AtomicInteger accepted = new AtomicInteger();
        runConcurrently(CLIENTS, client -> {
            try {
                Account after = fixtures.clearingFeed().withdrawFunds(WithdrawFundsRequest.newBuilder()
                        .setRequestId("w-" + UUID.randomUUID())
                        .setAccountId(accountId)
                        .setAmount(AccountFixtures.eur(15, 0))
                        .setCounterparty(AccountFixtures.clearing("OUT-" + client))
                        .build()).getAccount();
                assertThat(units(after.getBalance())).isNotNegative();
                accepted.incrementAndGet();
                outcomes.merge("OK", 1, Integer::sum);
            } catch (StatusRuntimeException refused) {
                outcomes.merge(refused.getStatus().getCode() + "/" + reason(refused), 1, Integer::sum);
            }
        });

        // 1000 / 15 = 66 withdrawals fit; every other one is refused for funds, and nothing else happens.
        assertThat(outcomes).containsOnlyKeys("OK", "FAILED_PRECONDITION/INSUFFICIENT_FUNDS");
        assertThat(accepted).hasValue(66);
        Account account = fixtures.accounts().getAccount(GetAccountRequest.newBuilder().setAccountId(accountId).build())
                .getAccount();
        assertThat(units(account.getBalance())).isEqualByComparingTo(
                BigDecimal.valueOf(1000).subtract(BigDecimal.valueOf(15L * accepted.get())));
        assertThat(fixtures.accounts().listTransactions(ListTransactionsRequest.newBuilder()
                .setAccountId(accountId).setPageSize(200).build()).getTransactionsCount()).isEqualTo(1 + 66);
    }

    @Test
    void concurrentHoldsAndWithdrawalsShareOneAvailableLimit() throws Exception {
        AccountFixtures fixtures = new AccountFixtures(channel());
        String accountId = fixtures.fundedAccount(500);

        AtomicInteger reservedOrTaken = new AtomicInteger();
        runConcurrently(60, client -> {
            try {
                if (client % 2 == 0) {
                    fixtures.accounts().placeHold(PlaceHoldRequest.newBuilder()
                            .setRequestId("h-" + UUID.randomUUID()).setAccountId(accountId)
                            .setAmount(AccountFixtures.eur(20, 0)).setReason("card authorisation " + client).build());
                } else {
                    fixtures.clearingFeed().withdrawFunds(WithdrawFundsRequest.newBuilder()
                            .setRequestId("w-" + UUID.randomUUID()).setAccountId(accountId)
                            .setAmount(AccountFixtures.eur(20, 0))
                            .setCounterparty(AccountFixtures.clearing("OUT-" + client)).build());
                }
                reservedOrTaken.incrementAndGet();
            } catch (StatusRuntimeException refused) {
                assertThat(reason(refused)).isEqualTo("INSUFFICIENT_FUNDS");
            }
        });

        assertThat(reservedOrTaken).hasValue(25);
        Account account = fixtures.accounts().getAccount(GetAccountRequest.newBuilder().setAccountId(accountId).build())
                .getAccount();
        assertThat(units(account.getAvailable())).isEqualByComparingTo(BigDecimal.ZERO);
        BigDecimal held = account.getHoldsList().stream().map(hold -> units(hold.getAmount()))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(units(account.getBalance()).subtract(held)).isEqualByComparingTo(BigDecimal.ZERO);
    }

    private static BigDecimal units(com.google.type.Money money) {
        return BigDecimal.valueOf(money.getUnits()).add(BigDecimal.valueOf(money.getNanos(), 9));
    }

    private static String reason(StatusRuntimeException e) {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        if (status == null) {
            return "no-details";
        }
        return status.getDetailsList().stream().filter(any -> any.is(ErrorInfo.class)).findFirst().map(any -> {
            try {
                return any.unpack(ErrorInfo.class).getReason();
            } catch (InvalidProtocolBufferException invalid) {
                return "unreadable";
            }
        }).orElse("no-error-info");
    }

    interface Client {
        void run(int client) throws Exception;
    }

    private static void runConcurrently(int clients, Client task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int client = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    task.run(client);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
