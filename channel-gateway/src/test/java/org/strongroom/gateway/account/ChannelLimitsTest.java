package org.strongroom.gateway.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.strongroom.gateway.GrpcErrors.assertError;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
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
import org.junit.jupiter.api.Test;
import org.strongroom.gateway.AccountFixtures;
import org.strongroom.node.NodeTest;
import org.strongroom.proto.account.v1.AccountServiceGrpc;
import org.strongroom.proto.account.v1.GetAccountRequest;
import org.strongroom.proto.account.v1.GetAccountRequest;
import org.strongroom.proto.account.v1.WithdrawFundsRequest;

/** Channel limits over gRPC (tests configure SELF_SERVICE: 200 per transaction, 300 a day). */
class ChannelLimitsTest extends NodeTest {

    /** The account's owner at an ATM. */
    private AccountServiceGrpc.AccountServiceBlockingStub atm(String accountId) {
        String owner = new AccountFixtures(channel()).accounts().getAccount(GetAccountRequest.newBuilder()
                .setAccountId(accountId).build()).getAccount().getCustomerId();
        return as(AccountServiceGrpc.newBlockingStub(channel()), owner, "CUSTOMER", "SELF_SERVICE")
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static WithdrawFundsRequest withdrawal(String accountId, long euros) {
        return WithdrawFundsRequest.newBuilder().setRequestId(UUID.randomUUID().toString()).setAccountId(accountId)
                .setAmount(AccountFixtures.eur(euros, 0)).setCounterparty(AccountFixtures.clearing("ATM-1")).build();
    }

    @Test
    void aWithdrawalAboveTheChannelsPerTransactionLimitIsRefused() {
        AccountFixtures fixtures = new AccountFixtures(channel());
        String accountId = fixtures.fundedAccount(1000);
        var info = assertError(() -> atm(accountId).withdrawFunds(WithdrawFundsRequest.newBuilder(withdrawal(accountId, 200))
                        .setAmount(AccountFixtures.eur(200, 1)).build()),
                Status.Code.FAILED_PRECONDITION, "TRANSACTION_LIMIT_EXCEEDED");
        assertThat(info.getMetadataMap()).containsEntry("channel", "SELF_SERVICE").containsEntry("limit", "200");
        // The same amount at the branch counter has no such limit.
        fixtures.accounts().withdrawFunds(withdrawal(accountId, 500));
    }

    @Test
    void concurrentWithdrawalsNeverTogetherExceedTheDailyLimit() throws Exception {
        AccountFixtures fixtures = new AccountFixtures(channel());
        String accountId = fixtures.fundedAccount(1000);
        Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    try {
                        atm(accountId).withdrawFunds(withdrawal(accountId, 50));
                        outcomes.merge("OK", 1, Integer::sum);
                    } catch (StatusRuntimeException refused) {
                        outcomes.merge(refused.getStatus().getCode().name(), 1, Integer::sum);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(outcomes).containsEntry("OK", 6).containsEntry("FAILED_PRECONDITION", 4).hasSize(2);
        var balance = fixtures.accounts().getAccount(GetAccountRequest.newBuilder().setAccountId(accountId).build())
                .getAccount().getBalance();
        assertThat(BigDecimal.valueOf(balance.getUnits())).isEqualByComparingTo("700");
        assertError(() -> atm(accountId).withdrawFunds(withdrawal(accountId, 1)), Status.Code.FAILED_PRECONDITION,
                "DAILY_LIMIT_EXCEEDED");
    }

    @Test
    void aRolesLimitAppliesOnTopOfTheChannelsAndSaysWhichLimit() {
        AccountFixtures fixtures = new AccountFixtures(channel());
        String accountId = fixtures.fundedAccount(20_000);
        // PARTNER's default per-transaction limit is 5000 (application.yml); the channel allows more.
        var partner = as(AccountServiceGrpc.newBlockingStub(channel()),
                org.strongroom.node.TestTokens.partner("fintech-limits", "payments:initiate", java.util.List.of(accountId)))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        var info = assertError(() -> partner.withdrawFunds(WithdrawFundsRequest.newBuilder(withdrawal(accountId, 5000))
                        .setAmount(AccountFixtures.eur(5000, 1)).build()),
                Status.Code.FAILED_PRECONDITION, "TRANSACTION_LIMIT_EXCEEDED");
        assertThat(info.getMetadataMap()).containsEntry("channel", "role:PARTNER").containsEntry("limit", "5000");
        partner.withdrawFunds(withdrawal(accountId, 5000));
        partner.withdrawFunds(withdrawal(accountId, 5000));
        var daily = assertError(() -> partner.withdrawFunds(withdrawal(accountId, 1)),
                Status.Code.FAILED_PRECONDITION, "DAILY_LIMIT_EXCEEDED");
        assertThat(daily.getMetadataMap()).containsEntry("channel", "role:PARTNER").containsEntry("used_today", "10000.00");
    }
}
