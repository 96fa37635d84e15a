package org.strongroom.node.axon;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.axonframework.config.Configuration;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventsourcing.AggregateFactory;
import org.axonframework.eventsourcing.AggregateSnapshotter;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.GenericAggregateFactory;
import org.axonframework.eventsourcing.NoSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.axonframework.modelling.command.Repository;
import org.axonframework.modelling.command.RepositorySpanFactory;
import org.axonframework.modelling.command.inspection.AnnotatedAggregateMetaModelFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.account.domain.Account;
import org.strongroom.approval.domain.Approval;
import org.strongroom.customer.domain.Customer;
import org.strongroom.loan.domain.Loan;
import org.strongroom.payment.domain.Transfer;
import org.strongroom.teller.domain.Till;

/**
 * Every aggregate's repository: loaded from its latest snapshot and the events after it, then kept in a
 * bounded cache per aggregate type ({@code strongroom.aggregate-cache.max-entries}, default 10,000) and
 * checked against the store on every hit ({@link CheckedCachingRepository}). Axon's Spring support picks a
 * bean named {@code <aggregate>Repository} up as that aggregate's repository.
 *
 * <p>An aggregate is snapshotted after every {@code strongroom.snapshots.every} events it handles (default
 * 100; 0 turns snapshots off), by one background thread in a transaction of its own, so no call waits for
 * it: a snapshot taken before the call's own commit simply covers fewer events. Snapshots waiting beyond a
 * queue of 10,000 are dropped (the aggregate is snapshotted at its next count). See {@link Snapshots}.
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
public class AggregateRepositories {

    private final JdbcTemplate jdbc;
    private final int maxEntries;
    private final int snapshotEvery;

    public AggregateRepositories(JdbcTemplate jdbc,
                                 @Value("${strongroom.aggregate-cache.max-entries:10000}") int maxEntries,
                                 @Value("${strongroom.snapshots.every:100}") int snapshotEvery) {
        if (snapshotEvery < 0) {
            throw new IllegalArgumentException("strongroom.snapshots.every must be 0 (off) or more, not "
                    + snapshotEvery);
        }
        this.jdbc = jdbc;
        this.maxEntries = maxEntries;
        this.snapshotEvery = snapshotEvery;
    }

    /**
     * The snapshotter's one thread, stopped with the node. Not an {@link java.util.concurrent.Executor} bean:
     * that would take the place of Spring Boot's application task executor.
     */
    static final class SnapshotThread implements DisposableBean {

        final ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(10_000), runnable -> {
                    Thread thread = new Thread(runnable, "snapshotter");
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.DiscardPolicy());

        @Override
        public void destroy() {
            pool.shutdownNow();
        }
    }

    @Bean
    SnapshotThread snapshotThread() {
        return new SnapshotThread();
    }

    /** Builds an aggregate from its latest snapshot and the events after it, and stores the new snapshot. */
    @Bean
    Snapshotter aggregateSnapshotter(Configuration axon, TransactionManager transactionManager,
                                     SnapshotThread thread) {
        return AggregateSnapshotter.builder()
                .eventStore(axon.eventStore())
                // Inspected as the repositories inspect them: with the node's parameter resolvers (a command
                // handler may take the deadline manager), not only the classpath's.
                .aggregateFactories(Snapshots.AGGREGATES.stream().<AggregateFactory<?>>map(type ->
                        new GenericAggregateFactory<>(AnnotatedAggregateMetaModelFactory.inspectAggregate(type,
                                axon.parameterResolverFactory(), axon.handlerDefinition(type)))).toList())
                .repositoryProvider(axon::repository)
                .parameterResolverFactory(axon.parameterResolverFactory())
                .handlerDefinition(axon.handlerDefinition(Account.class))
                .transactionManager(transactionManager)
                .executor(thread.pool)
                .build();
    }

    /** How commands find their aggregate; Axon's Spring support uses the one such bean for every aggregate. */
    @Bean
    CommandTargetResolver commandTargets() {
        return new CommandTargets();
    }

    @Bean
    Repository<Account> accountRepository(Configuration axon, Snapshotter snapshotter) {
        return repository(Account.class, axon, snapshotter);
    }

    @Bean
    Repository<Customer> customerRepository(Configuration axon, Snapshotter snapshotter) {
        return repository(Customer.class, axon, snapshotter);
    }

    @Bean
    Repository<Transfer> transferRepository(Configuration axon, Snapshotter snapshotter) {
        return repository(Transfer.class, axon, snapshotter);
    }

    @Bean
    Repository<Till> tillRepository(Configuration axon, Snapshotter snapshotter) {
        return repository(Till.class, axon, snapshotter);
    }

    @Bean
    Repository<Approval> approvalRepository(Configuration axon, Snapshotter snapshotter) {
        return repository(Approval.class, axon, snapshotter);
    }

    @Bean
    Repository<Loan> loanRepository(Configuration axon, Snapshotter snapshotter) {
        return repository(Loan.class, axon, snapshotter);
    }

    private <T> Repository<T> repository(Class<T> type, Configuration axon, Snapshotter snapshotter) {
        EventSourcingRepository.Builder<T> builder = EventSourcingRepository.builder(type)
                .snapshotTriggerDefinition(snapshotEvery == 0 ? NoSnapshotTriggerDefinition.INSTANCE
                        : new EventCountSnapshotTriggerDefinition(snapshotter, snapshotEvery))
                .eventStore(axon.eventStore())
                .parameterResolverFactory(axon.parameterResolverFactory())
                .handlerDefinition(axon.handlerDefinition(type))
                .repositoryProvider(axon::repository)
                .spanFactory(axon.getComponent(RepositorySpanFactory.class));
        return new CheckedCachingRepository<>(builder, new BoundedCache(maxEntries), jdbc);
    }
}
