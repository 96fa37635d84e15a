package org.strongroom.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Currency;
import java.util.List;
import java.util.UUID;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.messaging.MetaData;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.strongroom.account.api.AccountCommands.DepositFundsCommand;
import org.strongroom.account.api.AccountCommands.OpenAccountCommand;
import org.strongroom.account.api.AccountEvents.FundsDepositedEvent;
import org.strongroom.account.api.AccountProduct;
import org.strongroom.account.api.Counterparty;
import org.strongroom.account.api.CounterpartyType;
import org.strongroom.gateway.projection.ViewCatchUp;
import org.strongroom.kernel.MetadataKeys;
import org.strongroom.kernel.Money;

/**
 * Upgrade: a data directory from a release whose views were tracking processors, stopped while the
 * account views were behind (their tokens short of the last deposit). On start the views replay what they
 * missed, once, and events they had already applied change nothing.
 */
class ViewCatchUpTest extends NodeTest {

    private static final MetaData META = MetaData.with(MetadataKeys.BUSINESS_DATE, "2026-11-23")
            .and(MetadataKeys.CHANNEL, "SYSTEM").and(MetadataKeys.ROLE, "SYSTEM")
            .and(MetadataKeys.PRINCIPAL_ID, "upgrade-test").and(MetadataKeys.REQUEST_ID, "upgrade");
    private static final Counterparty CLEARING = new Counterparty(CounterpartyType.EXTERNAL_CLEARING, "upgrade");

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

    private static Money eur(String amount) {
        return new Money(new BigDecimal(amount), Currency.getInstance("EUR"));
    }

    @Test
    void viewsBehindWhenTheEarlierReleaseStoppedCatchUpOnceOnStart() {
        String accountId = UUID.randomUUID().toString();
        new TransactionTemplate(transactions).executeWithoutResult(tx -> {
            commands.sendAndWait(GenericCommandMessage.asCommandMessage(new OpenAccountCommand(accountId,
                    UUID.randomUUID().toString(), LocalDate.of(1980, 1, 1), AccountProduct.CURRENT, "EUR", null))
                    .andMetaData(META));
            commands.sendAndWait(GenericCommandMessage.asCommandMessage(new DepositFundsCommand(accountId, "before",
                    eur("100.00"), CLEARING)).andMetaData(META));
        });
        long applied = jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class);
        // What the earlier release stored last, before its account views had handled it: the event is in
        // the store, no view has seen it.
        new TransactionTemplate(transactions).executeWithoutResult(tx -> storage.appendEvents(
                new GenericDomainEventMessage<>("Account", accountId, 2, new FundsDepositedEvent(accountId, "missed",
                        eur("50.00"), CLEARING, eur("150.00")), META)));
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
