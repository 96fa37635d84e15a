package org.strongroom.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.strongroom.node.events.PublishedEvents;

/**
 * Event processors never skip an event whose transaction commits late: a long transaction takes a
 * global index, short ones commit higher indexes meanwhile (a gap the readers see), and another long
 * one rolls back (a gap never filled). Every committed event is handled exactly once by the
 * projections and the ledger and published to Kafka, and the rolled-back one by none.
 */
class GapSafetyTest extends NodeTest {

    @Autowired
    CommandGateway commands;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    KafkaConnectionDetails kafka;

    private String openAccount() {
        return new SystemCommands(commands, "gap-test").openAccount();
    }

    private void deposit(String accountId, String transactionId) {
        new SystemCommands(commands, "gap-test").deposit(accountId, transactionId, "1.00");
    }

    /** Deposits inside a transaction that stays open until released, then commits (or rolls back). */
    private Future<?> slowDeposit(ExecutorService pool, String accountId, String transactionId,
                                  CountDownLatch written, CountDownLatch release, boolean rollBack) {
        return pool.submit(() -> new TransactionTemplate(transactions).executeWithoutResult(tx -> {
            deposit(accountId, transactionId);
            written.countDown();
            try {
                assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            if (rollBack) {
                tx.setRollbackOnly();
            }
        }));
    }

    @Test
    void lateCommitsAreHandledOnceAndRollbacksNever() throws Exception {
        String slow = openAccount();
        String abandoned = openAccount();
        List<String> fast = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            fast.add(openAccount());
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch written = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        try {
            Future<?> late = slowDeposit(pool, slow, "late-commit", written, release, false);
            Future<?> rolledBack = slowDeposit(pool, abandoned, "rolled-back", written, release, true);
            assertThat(written.await(30, TimeUnit.SECONDS)).isTrue();
            // Short transactions commit above the two open ones; the processors move past them.
            List<Future<?>> shorts = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                for (String accountId : fast) {
                    String transactionId = "fast-" + round + "-" + accountId;
                    shorts.add(pool.submit(() -> deposit(accountId, transactionId)));
                }
            }
            for (Future<?> done : shorts) {
                done.get(30, TimeUnit.SECONDS);
            }
            awaitPosting("fast-3-" + fast.get(4));
            Thread.sleep(500); // the readers have passed the gaps by now
            release.countDown();
            late.get(30, TimeUnit.SECONDS);
            rolledBack.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        awaitPosting("late-commit");
        Thread.sleep(500); // time for a wrong second delivery to show up

        assertThat(postings("late-commit")).as("the late commit, in the statement once").isEqualTo(1);
        assertThat(postings("rolled-back")).as("the rolled-back deposit, nowhere").isZero();
        for (String accountId : fast) {
            for (int round = 0; round < 4; round++) {
                assertThat(postings("fast-" + round + "-" + accountId)).isEqualTo(1);
            }
        }
        assertThat(jdbc.queryForObject("SELECT balance FROM account_view WHERE account_id = ?", BigDecimal.class, slow))
                .isEqualByComparingTo("1.00");
        assertThat(jdbc.queryForObject("SELECT balance FROM account_view WHERE account_id = ?", BigDecimal.class,
                abandoned)).isEqualByComparingTo("0");
        // The ledger, a processor of its own, saw the late deposit once too.
        assertThat(jdbc.queryForObject("SELECT count(*) FROM journal_entry WHERE subject_id = ?", Long.class, slow))
                .isEqualTo(1);
        // So did the Kafka publisher: the late deposit is published, the rolled-back one never.
        List<PublishedEvents.Record> published = PublishedEvents.readUntil(kafka.getBootstrapServers().get(0),
                records -> records.stream().anyMatch(record -> isDeposit(record, slow)), Duration.ofSeconds(60));
        assertThat(published).anyMatch(record -> isDeposit(record, slow));
        assertThat(published).noneMatch(record -> isDeposit(record, abandoned));
    }

    /**
     * Read your writes by construction: the read-your-writes views are written by the transaction that
     * appends the events, so they hold the change before it commits (on that transaction's connection)
     * and lose it with a rollback.
     */
    @Test
    void theViewsAreWrittenInTheWritesOwnTransactionAndRollBackWithIt() {
        String accountId = openAccount();
        new TransactionTemplate(transactions).executeWithoutResult(tx -> {
            deposit(accountId, "same-tx");
            assertThat(postings("same-tx")).as("the posting, before the commit").isEqualTo(1);
            assertThat(jdbc.queryForObject("SELECT balance FROM account_view WHERE account_id = ?", BigDecimal.class,
                    accountId)).isEqualByComparingTo("1.00");
            tx.setRollbackOnly();
        });
        assertThat(postings("same-tx")).as("rolled back with the events").isZero();
        assertThat(jdbc.queryForObject("SELECT balance FROM account_view WHERE account_id = ?", BigDecimal.class,
                accountId)).isEqualByComparingTo("0");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ?",
                Long.class, accountId)).isEqualTo(1L);
    }

    private static boolean isDeposit(PublishedEvents.Record record, String accountId) {
        return record.key().equals(accountId)
                && record.headers().get("ce_type").equals("strongroom.events.v1.FundsDeposited");
    }

    private long postings(String transactionId) {
        return jdbc.queryForObject("SELECT count(*) FROM account_transaction WHERE transaction_id = ?", Long.class,
                transactionId);
    }

    private void awaitPosting(String transactionId) throws InterruptedException {
        Instant giveUp = Instant.now().plusSeconds(30);
        while (postings(transactionId) == 0 || jdbc.queryForObject("SELECT count(*) FROM journal_entry j "
                + "JOIN domain_event_entry e ON e.global_index = j.entry_position "
                + "WHERE convert_from(e.payload, 'UTF8') LIKE '%' || ? || '%'", Long.class, transactionId) == 0) {
            if (Instant.now().isAfter(giveUp)) {
                throw new AssertionError(transactionId + " was never handled");
            }
            Thread.sleep(20);
        }
    }
}
