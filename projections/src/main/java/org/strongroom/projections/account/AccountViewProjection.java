package org.strongroom.projections.account;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Currency;
import java.util.List;
import java.util.Optional;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.strongroom.account.api.AccountDetails;
import org.strongroom.account.api.AccountEvents.AccountClosedEvent;
import org.strongroom.account.api.AccountEvents.AccountFrozenEvent;
import org.strongroom.account.api.AccountEvents.AccountOpenedEvent;
import org.strongroom.account.api.AccountEvents.AccountUnfrozenEvent;
import org.strongroom.account.api.AccountEvents.FundsDepositedEvent;
import org.strongroom.account.api.AccountEvents.FundsWithdrawnEvent;
import org.strongroom.account.api.AccountEvents.HoldExpiredEvent;
import org.strongroom.account.api.AccountEvents.HoldPlacedEvent;
import org.strongroom.account.api.AccountEvents.HoldReleasedEvent;
import org.strongroom.account.api.AccountProduct;
import org.strongroom.account.api.AccountStatus;
import org.strongroom.account.api.FreezeScope;
import org.strongroom.account.api.Hold;
import org.strongroom.kernel.Money;
import org.strongroom.projections.api.AccountQueries.AccountPage;
import org.strongroom.projections.api.AccountQueries.FindAccountQuery;
import org.strongroom.projections.api.AccountQueries.ListAccountsQuery;
import org.strongroom.projections.api.Projections;

/**
 * The account view: balance, holds, freeze and status per account. Each row remembers the aggregate
 * sequence number it last applied, so a redelivered event (after a crash, or in a replay overlapping the
 * live stream) changes nothing.
 */
@Component
@ProcessingGroup(AccountViewProjection.PROCESSING_GROUP)
public class AccountViewProjection {

    public static final String PROCESSING_GROUP = Projections.ACCOUNT_VIEW;

    private final JdbcTemplate jdbc;

    public AccountViewProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(AccountOpenedEvent event, EventMessage<?> message, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant occurredAt) {
        // The opening event's own global index orders a customer's accounts exactly. (A tracking token's
        // position is the highest index seen, which repeats when an event fills a gap.)
        jdbc.update("""
                INSERT INTO account_view (account_id, customer_id, product, currency_code, balance, overdraft_limit,
                    status, opening_business_date, opened_position, last_sequence, create_time, update_time)
                SELECT ?, ?, ?, ?, 0, ?, 'OPEN', ?, e.global_index, ?, ?, ?
                FROM domain_event_entry e WHERE e.event_identifier = ?
                ON CONFLICT (account_id) DO NOTHING
                """,
                event.accountId(), event.customerId(), event.product().name(), event.currencyCode(),
                event.overdraftLimit().amount(), event.openingBusinessDate(),
                sequence, Timestamp.from(occurredAt), Timestamp.from(occurredAt), message.getIdentifier());
    }

    @EventHandler
    void on(FundsDepositedEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant occurredAt) {
        setBalance(event.accountId(), event.balanceAfter(), sequence, occurredAt);
    }

    @EventHandler
    void on(FundsWithdrawnEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant occurredAt) {
        setBalance(event.accountId(), event.balanceAfter(), sequence, occurredAt);
    }

    private void setBalance(String accountId, Money balance, long sequence, Instant occurredAt) {
        if (advance(accountId, sequence, occurredAt)) {
            jdbc.update("UPDATE account_view SET balance = ? WHERE account_id = ?", balance.amount(), accountId);
        }
    }

    @EventHandler
    void on(HoldPlacedEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant occurredAt) {
        if (advance(event.accountId(), sequence, occurredAt)) {
            jdbc.update("INSERT INTO account_hold (account_id, hold_id, amount, reason, expire_time, placed_sequence) "
                            + "VALUES (?, ?, ?, ?, ?, ?)",
                    event.accountId(), event.holdId(), event.amount().amount(), event.reason(),
                    event.expireTime() == null ? null : Timestamp.from(event.expireTime()), sequence);
        }
    }

    @EventHandler
    void on(HoldReleasedEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant occurredAt) {
        removeHold(event.accountId(), event.holdId(), sequence, occurredAt);
    }

    @EventHandler
    void on(HoldExpiredEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant occurredAt) {
        removeHold(event.accountId(), event.holdId(), sequence, occurredAt);
    }

    @EventHandler
    void on(AccountFrozenEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant occurredAt) {
        if (advance(event.accountId(), sequence, occurredAt)) {
            jdbc.update("UPDATE account_view SET freeze_scope = ?, freeze_reason = ? WHERE account_id = ?",
                    event.scope().name(), event.reason(), event.accountId());
        }
    }

    @EventHandler
    void on(AccountUnfrozenEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant occurredAt) {
        if (advance(event.accountId(), sequence, occurredAt)) {
            jdbc.update("UPDATE account_view SET freeze_scope = NULL, freeze_reason = NULL WHERE account_id = ?",
                    event.accountId());
        }
    }

    @EventHandler
    void on(AccountClosedEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant occurredAt) {
        if (advance(event.accountId(), sequence, occurredAt)) {
            jdbc.update("UPDATE account_view SET status = 'CLOSED' WHERE account_id = ?", event.accountId());
        }
    }

    @ResetHandler
    void reset() {
        jdbc.update("DELETE FROM account_hold");
        jdbc.update("DELETE FROM account_view");
    }

    @QueryHandler
    public Optional<AccountDetails> handle(FindAccountQuery query) {
        return jdbc.query("SELECT * FROM account_view WHERE account_id = ?", (rs, n) -> map(rs), query.accountId())
                .stream().findFirst();
    }

    @QueryHandler
    public AccountPage handle(ListAccountsQuery query) {
        List<Row> rows = jdbc.query("SELECT * FROM account_view WHERE customer_id = ? AND opened_position > ? "
                        + "ORDER BY opened_position LIMIT ?",
                (rs, n) -> new Row(map(rs), rs.getLong("opened_position")),
                query.customerId(), query.afterPosition(), query.limit() + 1);
        boolean more = rows.size() > query.limit();
        List<Row> page = more ? rows.subList(0, query.limit()) : rows;
        long last = page.isEmpty() ? query.afterPosition() : page.get(page.size() - 1).position();
        return new AccountPage(page.stream().map(Row::account).toList(), last, more);
    }

    private record Row(AccountDetails account, long position) {
    }

    /** Moves the row's last applied sequence forward; false if this event was applied before. */
    private boolean advance(String accountId, long sequence, Instant occurredAt) {
        return jdbc.update("UPDATE account_view SET last_sequence = ?, update_time = ? "
                        + "WHERE account_id = ? AND last_sequence < ?",
                sequence, Timestamp.from(occurredAt), accountId, sequence) == 1;
    }

    private void removeHold(String accountId, String holdId, long sequence, Instant occurredAt) {
        if (advance(accountId, sequence, occurredAt)) {
            jdbc.update("DELETE FROM account_hold WHERE account_id = ? AND hold_id = ?", accountId, holdId);
        }
    }

    private AccountDetails map(ResultSet rs) throws SQLException {
        String accountId = rs.getString("account_id");
        Currency currency = Currency.getInstance(rs.getString("currency_code"));
        Money balance = money(rs.getBigDecimal("balance"), currency);
        Money overdraft = money(rs.getBigDecimal("overdraft_limit"), currency);
        List<Hold> holds = jdbc.query("SELECT * FROM account_hold WHERE account_id = ? ORDER BY placed_sequence",
                (h, n) -> {
                    Timestamp expiry = h.getTimestamp("expire_time");
                    return new Hold(h.getString("hold_id"), money(h.getBigDecimal("amount"), currency),
                            h.getString("reason"), expiry == null ? null : expiry.toInstant());
                }, accountId);
        Money available = balance.plus(overdraft);
        for (Hold hold : holds) {
            available = available.minus(hold.amount());
        }
        String freeze = rs.getString("freeze_scope");
        return new AccountDetails(accountId, rs.getString("customer_id"),
                AccountProduct.valueOf(rs.getString("product")), balance, available, overdraft, holds,
                freeze == null ? null : FreezeScope.valueOf(freeze), rs.getString("freeze_reason"),
                AccountStatus.valueOf(rs.getString("status")), rs.getObject("opening_business_date", LocalDate.class),
                rs.getTimestamp("create_time").toInstant(), rs.getTimestamp("update_time").toInstant());
    }

    static Money money(BigDecimal amount, Currency currency) {
        return new Money(amount.setScale(Money.scaleOf(currency), java.math.RoundingMode.UNNECESSARY), currency);
    }
}
