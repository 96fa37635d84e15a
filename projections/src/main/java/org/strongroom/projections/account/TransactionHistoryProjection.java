package org.strongroom.projections.account;

import org.strongroom.account.api.AccountEvents.TransferCreditedEvent;
import org.strongroom.account.api.AccountEvents.TransferDebitSettledEvent;
import org.strongroom.account.api.AccountEvents.TransferDebitedEvent;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Currency;
import java.util.List;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.strongroom.account.api.AccountEvents.FundsDepositedEvent;
import org.strongroom.account.api.AccountEvents.FundsWithdrawnEvent;
import org.strongroom.account.api.Counterparty;
import org.strongroom.account.api.CounterpartyType;
import org.strongroom.kernel.Money;
import org.strongroom.kernel.MetadataKeys;
import org.strongroom.projections.api.AccountQueries.Direction;
import org.strongroom.projections.api.AccountQueries.ListTransactionsQuery;
import org.strongroom.projections.api.AccountQueries.TransactionPage;
import org.strongroom.projections.api.AccountQueries.TransactionView;
import org.strongroom.projections.api.Projections;
import org.strongroom.projections.api.WriteBehind;

/** Transaction history: every posting with its running balance, counterparty, request id, channel and business date. */
@Component
@ProcessingGroup(TransactionHistoryProjection.PROCESSING_GROUP)
public class TransactionHistoryProjection {

    public static final String PROCESSING_GROUP = Projections.ACCOUNT_TRANSACTIONS;

    private final JdbcTemplate jdbc;

    public TransactionHistoryProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(FundsDepositedEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant occurredAt,
            @MetaDataValue(MetadataKeys.REQUEST_ID) String requestId,
            @MetaDataValue(MetadataKeys.CHANNEL) String channel,
            @MetaDataValue(MetadataKeys.BUSINESS_DATE) String businessDate) {
        record(event.accountId(), sequence, event.transactionId(), Direction.CREDIT, event.amount(),
                event.balanceAfter(), event.counterparty(), requestId, channel, businessDate, occurredAt);
    }

    @EventHandler
    void on(FundsWithdrawnEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant occurredAt,
            @MetaDataValue(MetadataKeys.REQUEST_ID) String requestId,
            @MetaDataValue(MetadataKeys.CHANNEL) String channel,
            @MetaDataValue(MetadataKeys.BUSINESS_DATE) String businessDate) {
        record(event.accountId(), sequence, event.transactionId(), Direction.DEBIT, event.amount(),
                event.balanceAfter(), event.counterparty(), requestId, channel, businessDate, occurredAt);
    }

    @EventHandler
    void on(TransferCreditedEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant occurredAt,
            @MetaDataValue(MetadataKeys.REQUEST_ID) String requestId,
            @MetaDataValue(MetadataKeys.CHANNEL) String channel,
            @MetaDataValue(MetadataKeys.BUSINESS_DATE) String businessDate) {
        recordTransfer(event.accountId(), sequence, event.transferId(), Direction.CREDIT, event.amount(),
                event.balanceAfter(), requestId, channel, businessDate, occurredAt);
    }

    /** A one-transaction transfer's debit (TransferDebitedEvent), as the earlier settlement was. */
    @EventHandler
    void on(TransferDebitedEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant occurredAt,
            @MetaDataValue(MetadataKeys.REQUEST_ID) String requestId,
            @MetaDataValue(MetadataKeys.CHANNEL) String channel,
            @MetaDataValue(MetadataKeys.BUSINESS_DATE) String businessDate) {
        recordTransfer(event.accountId(), sequence, event.transferId(), Direction.DEBIT, event.amount(),
                event.balanceAfter(), requestId, channel, businessDate, occurredAt);
    }

    @EventHandler
    void on(TransferDebitSettledEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant occurredAt,
            @MetaDataValue(MetadataKeys.REQUEST_ID) String requestId,
            @MetaDataValue(MetadataKeys.CHANNEL) String channel,
            @MetaDataValue(MetadataKeys.BUSINESS_DATE) String businessDate) {
        recordTransfer(event.accountId(), sequence, event.transferId(), Direction.DEBIT, event.amount(),
                event.balanceAfter(), requestId, channel, businessDate, occurredAt);
    }

    /** A transfer's side on a statement: the counterparty is the transfer, its id the transaction id. */
    private void recordTransfer(String accountId, long sequence, String transferId, Direction direction, Money amount,
                                Money balanceAfter, String requestId, String channel, String businessDate,
                                Instant occurredAt) {
        record(accountId, sequence, transferId, direction, amount, balanceAfter,
                new Counterparty(CounterpartyType.TRANSFER, transferId), requestId, channel, businessDate,
                occurredAt);
    }

    private void record(String accountId, long sequence, String transactionId, Direction direction, Money amount,
                        Money balanceAfter, Counterparty counterparty, String requestId, String channel,
                        String businessDate, Instant occurredAt) {
        // Appended in batches while a rebuild replays events (WriteBehind); at once on a write's own path.
        WriteBehind.append(jdbc, """
                INSERT INTO account_transaction (account_id, posting_sequence, transaction_id, direction, amount,
                    balance_after, currency_code, counterparty_type, counterparty_reference, request_id, channel,
                    business_date, create_time)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (account_id, posting_sequence) DO NOTHING
                """,
                accountId, sequence, transactionId, direction.name(), amount.amount(), balanceAfter.amount(),
                amount.currency().getCurrencyCode(), counterparty.type().name(), counterparty.reference(), requestId,
                channel, businessDate == null ? null : LocalDate.parse(businessDate), Timestamp.from(occurredAt));
    }

    @ResetHandler
    void reset() {
        jdbc.update("DELETE FROM account_transaction");
    }

    @QueryHandler
    public TransactionPage handle(ListTransactionsQuery query) {
        List<TransactionView> rows = jdbc.query("SELECT * FROM account_transaction WHERE account_id = ? "
                        + "AND posting_sequence < ? ORDER BY posting_sequence DESC LIMIT ?",
                (rs, n) -> {
                    Currency currency = Currency.getInstance(rs.getString("currency_code"));
                    LocalDate businessDate = rs.getObject("business_date", LocalDate.class);
                    return new TransactionView(rs.getString("transaction_id"), rs.getString("account_id"),
                            rs.getLong("posting_sequence"), Direction.valueOf(rs.getString("direction")),
                            AccountViewProjection.money(rs.getBigDecimal("amount"), currency),
                            AccountViewProjection.money(rs.getBigDecimal("balance_after"), currency),
                            new Counterparty(CounterpartyType.valueOf(rs.getString("counterparty_type")),
                                    rs.getString("counterparty_reference")),
                            rs.getString("request_id"), rs.getString("channel"), businessDate,
                            rs.getTimestamp("create_time").toInstant());
                },
                query.accountId(), query.beforeSequence(), query.limit() + 1);
        boolean more = rows.size() > query.limit();
        List<TransactionView> page = more ? rows.subList(0, query.limit()) : rows;
        long last = page.isEmpty() ? query.beforeSequence() : page.get(page.size() - 1).sequence();
        return new TransactionPage(page, last, more);
    }
}
