package org.strongroom.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.strongroom.account.api.AccountEvents.FundsDepositedEvent;
import org.strongroom.gateway.projection.ViewCatchUp;

/**
 * Upgrade: a data directory from a release whose views were tracking processors, stopped while the
 * account views were behind (their tokens short of the last deposit). On start the views replay what they
 * missed, once, and events they had already applied change nothing.
 */
class ViewCatchUpTest extends NodeTest {

    @Autowired
    CommandGateway commands;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EventStorageEngine storage;
    @Autowired
    TokenStore tokens;
    @Autowired
    ViewCatchUp catchUp;

    @Test
    void viewsBehindWhenTheEarlierReleaseStoppedCatchUpOnceOnStart() {
        SystemCommands system = new SystemCommands(commands, "upgrade-test");
        String accountId = new TransactionTemplate(transactions).execute(tx -> {
            String opened = system.openAccount();
            system.deposit(opened, "before", "100.00");
            return opened;
        });
        long applied = jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class);
        // What the earlier release stored last, before its account views had handled it: the event is in
        // the store, no view has seen it.
        new TransactionTemplate(transactions).executeWithoutResult(tx -> storage.appendEvents(
                new GenericDomainEventMessage<>("Account", accountId, 2, new FundsDepositedEvent(accountId, "missed",
                        SystemCommands.eur("50.00"), system.clearing(), SystemCommands.eur("150.00")),
                        system.metadata())));
        // Its tracking tokens: both segments of the account views at the deposit before.
        new TransactionTemplate(transactions).executeWithoutResult(tx -> {
            for (String view : List.of("account-view", "account-transactions")) {
                tokens.initializeTokenSegments(view, 2, GapAwareTrackingToken.newInstance(applied, List.of()));
            }
        });
        assertThat(balance(accountId)).isEqualByComparingTo("100.00");

        assertThat(catchUp.catchUpAll()).as("events replayed").isPositive();
        assertThat(balance(accountId)).isEqualByComparingTo("150.00");
        assertThat(jdbc.queryForList("SELECT transaction_id FROM account_transaction WHERE account_id = ? "
                + "ORDER BY posting_sequence", String.class, accountId)).containsExactly("before", "missed");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM token_entry WHERE processor_name IN "
                + "('account-view', 'account-transactions')", Long.class)).isZero();
        // Once: a second start finds no token and replays nothing.
        assertThat(catchUp.catchUpAll()).isZero();
        assertThat(balance(accountId)).isEqualByComparingTo("150.00");
    }

    private BigDecimal balance(String accountId) {
        return jdbc.queryForObject("SELECT balance FROM account_view WHERE account_id = ?", BigDecimal.class,
                accountId);
    }
}
