package org.strongroom.node.axon;

import org.axonframework.config.Configuration;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.axonframework.modelling.command.Repository;
import org.axonframework.modelling.command.RepositorySpanFactory;
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
 * Every aggregate's repository: loaded from its events once, then kept in a bounded cache per aggregate
 * type ({@code strongroom.aggregate-cache.max-entries}, default 10,000) and checked against the store on
 * every hit ({@link CheckedCachingRepository}). Axon's Spring support picks a bean named
 * {@code <aggregate>Repository} up as that aggregate's repository.
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
public class AggregateRepositories {

    private final JdbcTemplate jdbc;
    private final int maxEntries;

    public AggregateRepositories(JdbcTemplate jdbc,
                                 @Value("${strongroom.aggregate-cache.max-entries:10000}") int maxEntries) {
        this.jdbc = jdbc;
        this.maxEntries = maxEntries;
    }

    /** How commands find their aggregate; Axon's Spring support uses the one such bean for every aggregate. */
    @Bean
    CommandTargetResolver commandTargets() {
        return new CommandTargets();
    }

    @Bean
    Repository<Account> accountRepository(Configuration axon) {
        return repository(Account.class, axon);
    }

    @Bean
    Repository<Customer> customerRepository(Configuration axon) {
        return repository(Customer.class, axon);
    }

    @Bean
    Repository<Transfer> transferRepository(Configuration axon) {
        return repository(Transfer.class, axon);
    }

    @Bean
    Repository<Till> tillRepository(Configuration axon) {
        return repository(Till.class, axon);
    }

    @Bean
    Repository<Approval> approvalRepository(Configuration axon) {
        return repository(Approval.class, axon);
    }

    @Bean
    Repository<Loan> loanRepository(Configuration axon) {
        return repository(Loan.class, axon);
    }

    private <T> Repository<T> repository(Class<T> type, Configuration axon) {
        EventSourcingRepository.Builder<T> builder = EventSourcingRepository.builder(type)
                .eventStore(axon.eventStore())
                .parameterResolverFactory(axon.parameterResolverFactory())
                .handlerDefinition(axon.handlerDefinition(type))
                .repositoryProvider(axon::repository)
                .spanFactory(axon.getComponent(RepositorySpanFactory.class));
        return new CheckedCachingRepository<>(builder, new BoundedCache(maxEntries), jdbc);
    }
}
