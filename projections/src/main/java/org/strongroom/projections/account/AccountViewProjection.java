package org.strongroom.projections.account;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.strongroom.account.api.AccountEvents.TransferCreditedEvent;
import org.strongroom.account.api.AccountEvents.TransferDebitReservedEvent;
import org.strongroom.account.api.AccountEvents.TransferDebitSettledEvent;
import org.strongroom.account.api.AccountEvents.TransferDebitedEvent;
import org.strongroom.account.api.AccountEvents.TransferReservationReleasedEvent;
import org.strongroom.account.api.AccountEvents.OverdraftLimitChangedEvent;
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
import org.strongroom.projections.api.WriteBehind;

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

    /** Any write but a balance's: the balances kept for a batch go first, so the statements keep their order. */
    private int write(String sql, Object... args) {
        WriteBehind.flush();
        return jdbc.update(sql, args);
    }

    @EventHandler
    void on(AccountOpenedEvent event, EventMessage<?> message, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant occurredAt) {
        // The opening event's own global index orders a customer's accounts exactly. (A tracking token's
        // position is the highest index seen, which repeats when an event fills a gap.)
        write("""
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

    /**
     * The balance after a movement, and the sequence it was applied at, in one statement; when many events
     * are applied at once (an operation's commit, a rebuild) these go to the database as one batch.
     */
    private void setBalance(String accountId, Money balance, long sequence, Instant occurredAt) {
        WriteBehind.append(jdbc, "UPDATE account_view SET balance = ?, last_sequence = ?, update_time = ? "
                        + "WHERE account_id = ? AND last_sequence < ?",
                balance.amount(), sequence, Timestamp.from(occurredAt), accountId, sequence);
    }

    @EventHandler
    void on(HoldPlacedEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant occurredAt) {
        addHold(event.accountId(), event.holdId(), event.amount(), event.reason(), event.expireTime(), sequence,
                occurredAt);
    }

    private void addHold(String accountId, String holdId, Money amount, String reason, Instant expireTime,
                         long sequence, Instant occurredAt) {
        if (advance(accountId, sequence, occurredAt)) {
            write("INSERT INTO account_hold (account_id, hold_id, amount, reason, expire_time, placed_sequence) "
                            + "VALUES (?, ?, ?, ?, ?, ?)",
                    accountId, holdId, amount.amount(), reason,
                    expireTime == null ? null : Timestamp.from(expireTime), sequence);
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
            write("UPDATE account_view SET freeze_scope = ?, freeze_reason = ? WHERE account_id = ?",
                    event.scope().name(), event.reason(), event.accountId());
        }
    }

    @EventHandler
    void on(AccountUnfrozenEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant occurredAt) {
        if (advance(event.accountId(), sequence, occurredAt)) {
            write("UPDATE account_view SET freeze_scope = NULL, freeze_reason = NULL WHERE account_id = ?",
                    event.accountId());
        }
    }

    @EventHandler
    void on(OverdraftLimitChangedEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant occurredAt) {
        if (advance(event.accountId(), sequence, occurredAt)) {
            write("UPDATE account_view SET overdraft_limit = ? WHERE account_id = ?",
                    event.overdraftLimit().amount(), event.accountId());
        }
    }

    @EventHandler
    void on(AccountClosedEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant occurredAt) {
        if (advance(event.accountId(), sequence, occurredAt)) {
            write("UPDATE account_view SET status = 'CLOSED' WHERE account_id = ?", event.accountId());
        }
    }

    @ResetHandler
    void reset() {
        write("DELETE FROM account_hold");
        write("DELETE FROM account_view");
    }

    @QueryHandler
    public Optional<AccountDetails> handle(FindAccountQuery query) {
        return withHolds(jdbc.query("SELECT * FROM account_view WHERE account_id = ?", (rs, n) -> row(rs),
                query.accountId())).stream().findFirst();
    }

    @QueryHandler
    public AccountPage handle(ListAccountsQuery query) {
        List<AccountRow> rows = query.onlyAccountIds() == null
                ? jdbc.query("SELECT * FROM account_view WHERE customer_id = ? AND opened_position > ? "
                        + "ORDER BY opened_position LIMIT ?",
                (rs, n) -> row(rs), query.customerId(), query.afterPosition(), query.limit() + 1)
                : jdbc.query("SELECT * FROM account_view WHERE customer_id = ? AND opened_position > ? "
                        + "AND account_id = ANY(?) ORDER BY opened_position LIMIT ?",
                (rs, n) -> row(rs), query.customerId(), query.afterPosition(),
                query.onlyAccountIds().toArray(String[]::new), query.limit() + 1);
        boolean more = rows.size() > query.limit();
        List<AccountRow> page = more ? rows.subList(0, query.limit()) : rows;
        long last = page.isEmpty() ? query.afterPosition() : page.get(page.size() - 1).openedPosition();
        return new AccountPage(withHolds(page), last, more);
    }

    /** Moves the row's last applied sequence forward; false if this event was applied before. */
    private boolean advance(String accountId, long sequence, Instant occurredAt) {
        return write("UPDATE account_view SET last_sequence = ?, update_time = ? "
                        + "WHERE account_id = ? AND last_sequence < ?",
                sequence, Timestamp.from(occurredAt), accountId, sequence) == 1;
    }

    @EventHandler
    void on(TransferDebitReservedEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant occurredAt) {
        // The reservation is a hold whose id is the transfer id (as in the aggregate).
        addHold(event.accountId(), event.transferId(), event.amount(), "transfer to " + event.targetAccountId(), null,
                sequence, occurredAt);
    }

    @EventHandler
    void on(TransferCreditedEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant occurredAt) {
        setBalance(event.accountId(), event.balanceAfter(), sequence, occurredAt);
    }

    @EventHandler
    void on(TransferDebitedEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant occurredAt) {
        setBalance(event.accountId(), event.balanceAfter(), sequence, occurredAt);
    }

    @EventHandler
    void on(TransferDebitSettledEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant occurredAt) {
        if (advance(event.accountId(), sequence, occurredAt)) {
            write("DELETE FROM account_hold WHERE account_id = ? AND hold_id = ?", event.accountId(),
                    event.transferId());
            write("UPDATE account_view SET balance = ? WHERE account_id = ?", event.balanceAfter().amount(),
                    event.accountId());
        }
    }

    @EventHandler
    void on(TransferReservationReleasedEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant occurredAt) {
        removeHold(event.accountId(), event.transferId(), sequence, occurredAt);
    }

    private void removeHold(String accountId, String holdId, long sequence, Instant occurredAt) {
        if (advance(accountId, sequence, occurredAt)) {
            write("DELETE FROM account_hold WHERE account_id = ? AND hold_id = ?", accountId, holdId);
        }
    }

    /** One account_view row, before its holds are attached. */
    private record AccountRow(String accountId, String customerId, AccountProduct product, Currency currency,
                              BigDecimal balance, BigDecimal overdraftLimit, String freezeScope, String freezeReason,
                              AccountStatus status, LocalDate openingBusinessDate, long openedPosition,
                              Instant createTime, Instant updateTime) {
    }

    private static AccountRow row(ResultSet rs) throws SQLException {
        return new AccountRow(rs.getString("account_id"), rs.getString("customer_id"),
                AccountProduct.valueOf(rs.getString("product")), Currency.getInstance(rs.getString("currency_code")),
                rs.getBigDecimal("balance"), rs.getBigDecimal("overdraft_limit"), rs.getString("freeze_scope"),
                rs.getString("freeze_reason"), AccountStatus.valueOf(rs.getString("status")),
                rs.getObject("opening_business_date", LocalDate.class), rs.getLong("opened_position"),
                rs.getTimestamp("create_time").toInstant(), rs.getTimestamp("update_time").toInstant());
    }

    /** Attaches every row's holds with one query for the whole page, not one per account. */
    private List<AccountDetails> withHolds(List<AccountRow> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, Currency> currencies = new HashMap<>();
        rows.forEach(row -> currencies.put(row.accountId(), row.currency()));
        Map<String, List<Hold>> holds = new HashMap<>();
        // Ids are UUIDs (no commas), so one comma-joined parameter carries the whole page.
        jdbc.query("SELECT * FROM account_hold WHERE account_id = ANY (string_to_array(?, ',')) "
                        + "ORDER BY account_id, placed_sequence",
                (ResultSet h) -> {
                    String accountId = h.getString("account_id");
                    Timestamp expiry = h.getTimestamp("expire_time");
                    holds.computeIfAbsent(accountId, id -> new ArrayList<>()).add(new Hold(h.getString("hold_id"),
                            money(h.getBigDecimal("amount"), currencies.get(accountId)), h.getString("reason"),
                            expiry == null ? null : expiry.toInstant()));
                },
                String.join(",", currencies.keySet()));
        return rows.stream().map(row -> details(row, holds.getOrDefault(row.accountId(), List.of()))).toList();
    }

    private static AccountDetails details(AccountRow row, List<Hold> holds) {
        Money balance = money(row.balance(), row.currency());
        Money overdraft = money(row.overdraftLimit(), row.currency());
        Money available = balance.plus(overdraft);
        for (Hold hold : holds) {
            available = available.minus(hold.amount());
        }
        return new AccountDetails(row.accountId(), row.customerId(), row.product(), balance, available, overdraft,
                List.copyOf(holds), row.freezeScope() == null ? null : FreezeScope.valueOf(row.freezeScope()),
                row.freezeReason(), row.status(), row.openingBusinessDate(), row.createTime(), row.updateTime());
    }

    static Money money(BigDecimal amount, Currency currency) {
        return new Money(amount.setScale(Money.scaleOf(currency), java.math.RoundingMode.UNNECESSARY), currency);
    }
}
