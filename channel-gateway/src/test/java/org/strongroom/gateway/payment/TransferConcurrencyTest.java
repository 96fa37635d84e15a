package org.strongroom.gateway.payment;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
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
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.gateway.AccountFixtures;
import org.strongroom.node.NodeTest;
import org.strongroom.proto.account.v1.GetAccountRequest;
import org.strongroom.proto.account.v1.ListTransactionsRequest;
import org.strongroom.proto.payment.v1.PaymentServiceGrpc;
import org.strongroom.proto.payment.v1.Transfer;
import org.strongroom.proto.payment.v1.TransferFundsRequest;
import org.strongroom.proto.payment.v1.TransferStatus;

/**
 * One-transaction transfers under concurrency: opposite transfers between the same two accounts never
 * deadlock (both locks are taken in sorted order), every call answers COMPLETED or FAILED at once, no
 * account goes below zero, money is conserved, and each completed transfer is exactly one debit and one
 * credit.
 */
class TransferConcurrencyTest extends NodeTest {

    @Autowired
    JdbcTemplate jdbc;

    private static long cents(com.google.type.Money money) {
        return money.getUnits() * 100 + money.getNanos() / 10_000_000;
    }

    @Test
    void oppositeTransfersBetweenTheSameTwoAccountsNeverDeadlockAndConserveTheMoney() throws Exception {
        AccountFixtures fixtures = new AccountFixtures(channel());
        String a = fixtures.fundedAccount(300);
        String b = fixtures.fundedAccount(300);
        var payments = as(PaymentServiceGrpc.newBlockingStub(channel()), AccountFixtures.teller());
        Map<String, AtomicLong> moved = Map.of(a, new AtomicLong(), b, new AtomicLong());
        Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        List<String> completed = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            boolean forward = c % 2 == 0;
            Random random = new Random(c);
            clients.add(pool.submit(() -> {
                for (int i = 0; i < 20; i++) {
                    String from = forward ? a : b;
                    String to = forward ? b : a;
                    long amount = 1_00 + random.nextInt(60_00);
                    try {
                        Transfer transfer = payments.withDeadlineAfter(30, TimeUnit.SECONDS).transferFunds(
                                TransferFundsRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                                        .setSourceAccountId(from).setTargetAccountId(to)
                                        .setAmount(AccountFixtures.eur(amount / 100, (int) (amount % 100)))
                                        .setReference("ping-pong").build()).getTransfer();
                        outcomes.merge(transfer.getStatus().name() + "/" + transfer.getFailureReason(), 1,
                                Integer::sum);
                        if (transfer.getStatus() == TransferStatus.TRANSFER_STATUS_COMPLETED) {
                            moved.get(from).addAndGet(-amount);
                            moved.get(to).addAndGet(amount);
                            completed.add(transfer.getTransferId());
                        }
                    } catch (StatusRuntimeException e) {
                        outcomes.merge(e.getStatus().getCode().name(), 1, Integer::sum);
                    }
                }
                return null;
            }));
        }
        for (Future<?> client : clients) {
            client.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();

        // Every call was decided at once: completed, or failed for funds; nothing aborted, nothing pending.
        assertThat(outcomes.keySet()).allMatch(outcome -> outcome.equals("TRANSFER_STATUS_COMPLETED/")
                || outcome.equals("TRANSFER_STATUS_FAILED/INSUFFICIENT_FUNDS"));
        assertThat(outcomes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(160);
        var accounts = fixtures.accounts();
        long balanceA = cents(accounts.getAccount(GetAccountRequest.newBuilder().setAccountId(a).build())
                .getAccount().getBalance());
        long balanceB = cents(accounts.getAccount(GetAccountRequest.newBuilder().setAccountId(b).build())
                .getAccount().getBalance());
        assertThat(balanceA).isEqualTo(300_00 + moved.get(a).get()).isNotNegative();
        assertThat(balanceB).isEqualTo(300_00 + moved.get(b).get()).isNotNegative();
        assertThat(balanceA + balanceB).isEqualTo(600_00);
        // Each completed transfer is one posting on each side; failed ones left none.
        for (String account : List.of(a, b)) {
            var postings = accounts.listTransactions(ListTransactionsRequest.newBuilder().setAccountId(account)
                    .setPageSize(200).build()).getTransactionsList();
            assertThat(postings.stream().filter(t -> completed.contains(t.getTransactionId())).count())
                    .isEqualTo(completed.size());
        }
        // Nothing was reserved on the way.
        assertThat(jdbc.queryForObject("SELECT count(*) FROM account_hold WHERE account_id IN (?, ?)", Long.class,
                a, b)).isZero();
    }
}
