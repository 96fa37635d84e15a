package org.strongroom.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.UUID;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.Repository;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.strongroom.account.api.AccountCommands.WithdrawFundsCommand;
import org.strongroom.account.domain.Account;
import org.strongroom.kernel.DomainException;
import org.strongroom.node.axon.CheckedCachingRepository;

/**
 * Aggregates are cached, and the cache never decides on state the database does not hold: a transaction
 * that rolls back after its command's unit of work committed leaves nothing cached, and a change another
 * node committed behind the cache's back is seen on the next load.
 */
class AggregateCacheTest extends NodeTest {

    @Autowired
    CommandGateway commands;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Repository<Account> accounts;

    private SystemCommands system() {
        return new SystemCommands(commands, "cache-test");
    }

    private String fundedAccount(String amount) {
        return new TransactionTemplate(transactions).execute(tx -> {
            String accountId = system().openAccount();
            system().deposit(accountId, UUID.randomUUID().toString(), amount);
            return accountId;
        });
    }

    private void withdraw(String accountId, String amount) {
        new TransactionTemplate(transactions).executeWithoutResult(tx -> system().send(new WithdrawFundsCommand(
                accountId, UUID.randomUUID().toString(), SystemCommands.eur(amount), system().clearing())));
    }

    @Test
    void theRepositoriesCacheAggregates() {
        assertThat(accounts).isInstanceOf(CheckedCachingRepository.class);
    }

    @Test
    void aTransactionRolledBackAfterItsFirstAppendLeavesTheNextCommandDecidingOnCommittedState() {
        String accountId = fundedAccount("100.00");
        new TransactionTemplate(transactions).executeWithoutResult(tx -> {
            // The withdrawal's unit of work commits (the cached account now holds 0.00), then the
            // database transaction it ran in rolls back.
            system().send(new WithdrawFundsCommand(accountId, "rolled-back", SystemCommands.eur("100.00"),
                    system().clearing()));
            tx.setRollbackOnly();
        });
        // Decided on the committed 100.00, not on the 0.00 the rolled-back transaction left in memory.
        withdraw(accountId, "100.00");
        assertThatThrownBy(() -> withdraw(accountId, "0.01")).isInstanceOf(DomainException.class)
                .hasMessageContaining("exceeds the available funds");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ?",
                Long.class, accountId)).isEqualTo(3L);
    }

    @Test
    void aCachedVersionBehindTheStoreIsReloadedNotAppendedOnto() {
        String accountId = fundedAccount("100.00");
        withdraw(accountId, "1.00");
        org.axonframework.common.caching.Cache cache = ((CheckedCachingRepository<Account>) accounts).cache();
        Object stale = cache.get(accountId);
        assertThat(stale).as("cached after its last command").isNotNull();
        withdraw(accountId, "2.00");
        // As if another node had appended the last withdrawal: this node's cache still holds the version
        // before it. Appending onto that version would collide with the stored sequence number.
        cache.put(accountId, stale);
        withdraw(accountId, "3.00");
        assertThat(jdbc.queryForList("SELECT sequence_number FROM domain_event_entry WHERE aggregate_identifier = ? "
                + "ORDER BY sequence_number", Long.class, accountId)).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(jdbc.queryForObject("SELECT balance FROM account_view WHERE account_id = ?", BigDecimal.class,
                accountId)).isEqualByComparingTo("94.00");
    }

    @Test
    void aStaleCachedVersionIsCaughtWhenSeveralAggregatesAreLockedAndTheirVersionsReadInOneStatement() {
        String first = fundedAccount("100.00");
        String second = fundedAccount("100.00");
        withdraw(first, "1.00");
        org.axonframework.common.caching.Cache cache = ((CheckedCachingRepository<Account>) accounts).cache();
        Object stale = cache.get(first);
        withdraw(first, "2.00");
        cache.put(first, stale);
        new TransactionTemplate(transactions).executeWithoutResult(tx -> {
            org.strongroom.gateway.command.LockingOperationScope.lockAll(jdbc,
                    java.util.stream.Stream.of(first, second).sorted().toList());
            system().send(new WithdrawFundsCommand(first, UUID.randomUUID().toString(), SystemCommands.eur("3.00"),
                    system().clearing()));
            system().send(new WithdrawFundsCommand(second, UUID.randomUUID().toString(), SystemCommands.eur("4.00"),
                    system().clearing()));
            // Loaded again in the same transaction: its own state now, not the version read before.
            system().send(new WithdrawFundsCommand(first, UUID.randomUUID().toString(), SystemCommands.eur("5.00"),
                    system().clearing()));
        });
        assertThat(jdbc.queryForList("SELECT sequence_number FROM domain_event_entry WHERE aggregate_identifier = ? "
                + "ORDER BY sequence_number", Long.class, first)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(jdbc.queryForObject("SELECT balance FROM account_view WHERE account_id = ?", BigDecimal.class,
                first)).isEqualByComparingTo("89.00");
        assertThat(jdbc.queryForObject("SELECT balance FROM account_view WHERE account_id = ?", BigDecimal.class,
                second)).isEqualByComparingTo("96.00");
    }
}
