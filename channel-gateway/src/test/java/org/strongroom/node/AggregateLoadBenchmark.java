package org.strongroom.node;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Currency;
import java.util.List;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.NoSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.modelling.command.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.strongroom.account.api.AccountEvents.FundsDepositedEvent;
import org.strongroom.account.api.Counterparty;
import org.strongroom.account.api.CounterpartyType;
import org.strongroom.account.domain.Account;
import org.strongroom.gateway.AccountFixtures;
import org.strongroom.kernel.Money;

/**
 * Benchmark, not a test (runs only when asked): what loading an account costs when it is not cached, for
 * a new account, for one with 100,000 events and no snapshot, and for the same one with a snapshot.
 *
 * <pre>./mvnw -pl channel-gateway test -Dtest=AggregateLoadBenchmark -Dbench.load=true</pre>
 *
 * The 100,000 deposits are appended to the event store directly (no views, no ledger), so run it alone.
 */
@EnabledIfSystemProperty(named = "bench.load", matches = "true")
class AggregateLoadBenchmark extends NodeTest {

    private static final int EVENTS = Integer.getInteger("bench.load.events", 100_000);
    private static final int LOADS = 30;

    @Autowired
    EventStorageEngine storage;
    @Autowired
    org.axonframework.config.Configuration axon;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Snapshotter snapshotter;

    @Test
    void loadingAnAccountWithAndWithoutASnapshot() throws InterruptedException {
        AccountFixtures fixtures = new AccountFixtures(channel());
        String fresh = fixtures.fundedAccount(10);
        String old = fixtures.fundedAccount(10);
        long sequence = jdbc.queryForObject("SELECT max(sequence_number) FROM domain_event_entry "
                + "WHERE aggregate_identifier = ?", Long.class, old);
        Currency eur = Currency.getInstance("EUR");
        BigDecimal balance = BigDecimal.TEN.setScale(2);
        Counterparty clearing = new Counterparty(CounterpartyType.EXTERNAL_CLEARING, "bench");
        for (int appended = 0; appended < EVENTS; ) {
            List<DomainEventMessage<?>> batch = new ArrayList<>();
            for (int i = 0; i < 1000 && appended < EVENTS; i++, appended++) {
                balance = balance.add(BigDecimal.ONE);
                batch.add(new GenericDomainEventMessage<>("Account", old, ++sequence, new FundsDepositedEvent(old,
                        "bench-" + appended, new Money(BigDecimal.ONE.setScale(2), eur), clearing,
                        new Money(balance, eur))));
            }
            transactions.executeWithoutResult(status -> storage.appendEvents(batch));
        }
        jdbc.update("DELETE FROM snapshot_event_entry WHERE aggregate_identifier IN (?, ?)", fresh, old);
        System.out.printf("%d events appended to account %s%n", EVENTS, old);

        double[] newAccount = loads(fresh);
        double[] withoutSnapshot = loads(old);
        transactions.executeWithoutResult(status -> snapshotter.scheduleSnapshot(Account.class, old));
        Instant giveUp = Instant.now().plusSeconds(120);
        while (jdbc.queryForObject("SELECT count(*) FROM snapshot_event_entry WHERE aggregate_identifier = ?",
                Long.class, old) == 0 && Instant.now().isBefore(giveUp)) {
            Thread.sleep(50);
        }
        double[] withSnapshot = loads(old);
        System.out.printf("%nloading an account that is not cached (%d loads each, ms):%n", LOADS);
        report("new account (3 events)", newAccount);
        report(EVENTS + " events, no snapshot", withoutSnapshot);
        report(EVENTS + " events, snapshot", withSnapshot);
    }

    /**
     * Times loading the account from the store as the node's repository does on a cache miss (its latest
     * snapshot, then the events after it), by a repository of the same build without the cache and without
     * a snapshot trigger: the loads themselves must not take snapshots.
     */
    private double[] loads(String accountId) {
        Repository<Account> repository = EventSourcingRepository.builder(Account.class)
                .eventStore(axon.eventStore())
                .parameterResolverFactory(axon.parameterResolverFactory())
                .handlerDefinition(axon.handlerDefinition(Account.class))
                .repositoryProvider(axon::repository)
                .snapshotTriggerDefinition(NoSnapshotTriggerDefinition.INSTANCE)
                .build();
        double[] millis = new double[LOADS + 3];
        for (int i = 0; i < millis.length; i++) {
            long start = System.nanoTime();
            transactions.executeWithoutResult(status -> {
                UnitOfWork<?> unit = DefaultUnitOfWork.startAndGet(null);
                try {
                    repository.load(accountId);
                } finally {
                    unit.rollback();
                }
            });
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        // The first three warm the JIT and PostgreSQL's buffers.
        return Arrays.copyOfRange(millis, 3, millis.length);
    }

    private static void report(String what, double[] millis) {
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        System.out.printf("  %-32s median %8.2f   p90 %8.2f   max %8.2f%n", what, sorted[sorted.length / 2],
                sorted[(int) (sorted.length * 0.9)], sorted[sorted.length - 1]);
    }
}
