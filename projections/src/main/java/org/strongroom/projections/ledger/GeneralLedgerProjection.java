package org.strongroom.projections.ledger;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.strongroom.account.api.AccountEvents.AccountOpenedEvent;
import org.strongroom.account.api.AccountEvents.FundsDepositedEvent;
import org.strongroom.account.api.AccountEvents.FundsWithdrawnEvent;
import org.strongroom.account.api.AccountEvents.TransferCreditedEvent;
import org.strongroom.account.api.AccountEvents.TransferDebitSettledEvent;
import org.strongroom.account.api.AccountEvents.TransferDebitedEvent;
import org.strongroom.account.api.AccountProduct;
import org.strongroom.account.api.Counterparty;
import org.strongroom.account.api.CounterpartyType;
import org.strongroom.kernel.BoundedMap;
import org.strongroom.kernel.MetadataKeys;
import org.strongroom.loan.api.LoanApi.LineAmount;
import org.strongroom.loan.api.LoanApi.LoanDayClosedEvent;
import org.strongroom.loan.api.LoanApi.LoanDisbursedEvent;
import org.strongroom.loan.api.LoanApi.LoanInterestAccruedEvent;
import org.strongroom.loan.api.LoanApi.LoanWrittenOffEvent;
import org.strongroom.kernel.Money;
import org.strongroom.projections.api.LedgerQueries.JournalEntry;
import org.strongroom.projections.api.LedgerQueries.JournalLine;
import org.strongroom.projections.api.LedgerQueries.JournalPage;
import org.strongroom.projections.api.LedgerQueries.LedgerBalance;
import org.strongroom.projections.api.LedgerQueries.LedgerBalancesQuery;
import org.strongroom.projections.api.LedgerQueries.ListJournalEntriesQuery;
import org.strongroom.projections.api.LedgerAccounts;
import org.strongroom.projections.api.Projections;
import org.strongroom.teller.api.TillApi.CashCounterpartyType;
import org.strongroom.teller.api.TillApi.CashDirection;
import org.strongroom.teller.api.TillApi.TillCashMovedEvent;
import org.strongroom.teller.api.TillApi.TillClosedEvent;
import org.strongroom.teller.api.TillApi.TillOpenedEvent;

/**
 * The general ledger: one balanced journal entry per monetary event, on the chart of
 * {@link LedgerAccounts}. Customer balances change exactly when their control account does, so the
 * control accounts equal the sum of the customer balances; a transfer crosses {@link LedgerAccounts#TRANSIT}
 * between the target's credit and the source's settlement. A till's cash movements with a customer are
 * posted from the account's side (one entry per movement, not two).
 */
@Component
@ProcessingGroup(Projections.GENERAL_LEDGER)
public class GeneralLedgerProjection {

    /** The unit-of-work resource holding a processor batch's entries until the batch commits. */
    private static final String PENDING_ENTRIES = GeneralLedgerProjection.class.getName() + ".entries";
    private static final int ENTRIES_PER_STATEMENT = 1000;

    private final JdbcTemplate jdbc;
    /** Deposit accounts' products, bounded (least recently used leave first); a miss reads the table. */
    private final Map<String, String> products = Collections.synchronizedMap(new BoundedMap<>(100_000));

    public GeneralLedgerProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** One side of a journal entry. */
    private record Line(String ledgerAccount, String direction, Money amount) {
    }

    private static Line debit(String ledgerAccount, Money amount) {
        return new Line(ledgerAccount, "DEBIT", amount);
    }

    private static Line credit(String ledgerAccount, Money amount) {
        return new Line(ledgerAccount, "CREDIT", amount);
    }

    @EventHandler
    void on(AccountOpenedEvent event) {
        jdbc.update("INSERT INTO ledger_deposit_account (account_id, product, currency_code) VALUES (?, ?, ?) "
                + "ON CONFLICT (account_id) DO NOTHING", event.accountId(), event.product().name(), event.currencyCode());
    }

    @EventHandler
    void on(FundsDepositedEvent event, EventMessage<?> message,
            @MetaDataValue(MetadataKeys.BUSINESS_DATE) String businessDate) {
        post(message, event.accountId(), "deposit from " + describe(event.counterparty()), businessDate,
                debit(source(event.counterparty()), event.amount()),
                credit(depositsOf(event.accountId()), event.amount()));
    }

    @EventHandler
    void on(FundsWithdrawnEvent event, EventMessage<?> message,
            @MetaDataValue(MetadataKeys.BUSINESS_DATE) String businessDate) {
        post(message, event.accountId(), "withdrawal to " + describe(event.counterparty()), businessDate,
                debit(depositsOf(event.accountId()), event.amount()),
                credit(source(event.counterparty()), event.amount()));
    }

    @EventHandler
    void on(TransferCreditedEvent event, EventMessage<?> message,
            @MetaDataValue(MetadataKeys.BUSINESS_DATE) String businessDate) {
        post(message, event.accountId(), "transfer " + event.transferId() + " credited", businessDate,
                debit(LedgerAccounts.TRANSIT, event.amount()),
                credit(depositsOf(event.accountId()), event.amount()));
    }

    /** Paid in the same transaction as the target's credit: transit is empty again once both are posted. */
    @EventHandler
    void on(TransferDebitedEvent event, EventMessage<?> message,
            @MetaDataValue(MetadataKeys.BUSINESS_DATE) String businessDate) {
        post(message, event.accountId(), "transfer " + event.transferId() + " paid", businessDate,
                debit(depositsOf(event.accountId()), event.amount()),
                credit(LedgerAccounts.TRANSIT, event.amount()));
    }

    @EventHandler
    void on(TransferDebitSettledEvent event, EventMessage<?> message,
            @MetaDataValue(MetadataKeys.BUSINESS_DATE) String businessDate) {
        post(message, event.accountId(), "transfer " + event.transferId() + " settled", businessDate,
                debit(depositsOf(event.accountId()), event.amount()),
                credit(LedgerAccounts.TRANSIT, event.amount()));
    }

    @EventHandler
    void on(TillOpenedEvent event, EventMessage<?> message) {
        post(message, event.tillId(), "till float from the vault", event.businessDate().toString(),
                debit(LedgerAccounts.TILL_CASH, event.openingFloat()),
                credit(LedgerAccounts.VAULT_CASH, event.openingFloat()));
    }

    @EventHandler
    void on(TillCashMovedEvent event, EventMessage<?> message,
            @MetaDataValue(MetadataKeys.BUSINESS_DATE) String businessDate) {
        if (event.counterpartyType() != CashCounterpartyType.VAULT) {
            return; // customer cash is posted by the account's event; till to till stays in till cash
        }
        boolean in = event.direction() == CashDirection.IN;
        post(message, event.tillId(), in ? "cash from the vault" : "cash to the vault", businessDate,
                debit(in ? LedgerAccounts.TILL_CASH : LedgerAccounts.VAULT_CASH, event.amount()),
                credit(in ? LedgerAccounts.VAULT_CASH : LedgerAccounts.TILL_CASH, event.amount()));
    }

    @EventHandler
    void on(TillClosedEvent event, EventMessage<?> message,
            @MetaDataValue(MetadataKeys.BUSINESS_DATE) String businessDate) {
        // The counted cash returns to the vault; the difference to what the till should hold is over/short.
        post(message, event.tillId(), "till closed", businessDate,
                debit(LedgerAccounts.VAULT_CASH, event.counted()),
                credit(LedgerAccounts.TILL_CASH, event.expected()),
                event.variance().isNegative()
                        ? debit(LedgerAccounts.CASH_OVER_SHORT, Money.zero(event.variance().currency()).minus(event.variance()))
                        : credit(LedgerAccounts.CASH_OVER_SHORT, event.variance()));
    }

    @EventHandler
    void on(LoanDisbursedEvent event, EventMessage<?> message) {
        // The principal reaches the account through its deposit (counterparty LOAN); the fee is owed on top.
        post(message, event.loanId(), "loan origination fee", event.disbursementDate().toString(),
                debit(LedgerAccounts.LOANS_RECEIVABLE, event.fee()),
                credit(LedgerAccounts.FEE_INCOME, event.fee()));
    }

    @EventHandler
    void on(LoanInterestAccruedEvent event, EventMessage<?> message) {
        Money interest = total(event.accruals());
        if (interest != null) {
            post(message, event.loanId(), "loan interest accrued", event.businessDate().toString(),
                    debit(LedgerAccounts.LOANS_RECEIVABLE, interest), credit(LedgerAccounts.INTEREST_INCOME, interest));
        }
    }

    @EventHandler
    void on(LoanDayClosedEvent event, EventMessage<?> message) {
        Money interest = total(event.accruals());
        Money earned = interest == null ? event.penalty() : interest.plus(event.penalty());
        post(message, event.loanId(), "loan interest and penalty interest accrued", event.businessDate().toString(),
                debit(LedgerAccounts.LOANS_RECEIVABLE, earned), credit(LedgerAccounts.INTEREST_INCOME, earned));
    }

    @EventHandler
    void on(LoanWrittenOffEvent event, EventMessage<?> message) {
        post(message, event.loanId(), "loan written off: " + event.reason(), event.businessDate().toString(),
                debit(LedgerAccounts.LOAN_LOSSES, event.total()), credit(LedgerAccounts.LOANS_RECEIVABLE, event.total()));
    }

    private static Money total(java.util.List<LineAmount> amounts) {
        return amounts.stream().map(LineAmount::amount).reduce(Money::plus).orElse(null);
    }

    private static String source(Counterparty counterparty) {
        return switch (counterparty.type()) {
            case EXTERNAL_CLEARING -> LedgerAccounts.EXTERNAL_CLEARING;
            case TILL -> LedgerAccounts.TILL_CASH;
            case TRANSFER -> LedgerAccounts.TRANSIT;
            case LOAN -> LedgerAccounts.LOANS_RECEIVABLE;
            case LOAN_RECOVERY -> LedgerAccounts.LOAN_RECOVERIES;
        };
    }

    private static String describe(Counterparty counterparty) {
        return counterparty.type() == CounterpartyType.TILL ? "till " + counterparty.reference()
                : counterparty.type().name().toLowerCase().replace('_', ' ') + " " + counterparty.reference();
    }

    private String depositsOf(String accountId) {
        // An account's product never changes once it is opened: one look-up per account, then memory.
        String product = products.get(accountId);
        if (product == null) {
            product = jdbc.queryForObject("SELECT product FROM ledger_deposit_account WHERE account_id = ?",
                    String.class, accountId);
            products.put(accountId, product);
        }
        return LedgerAccounts.deposits(AccountProduct.valueOf(product));
    }

    /** A journal entry waiting for its batch's commit. */
    private record Entry(String eventId, String type, String subjectId, String description,
                         LocalDate businessDate, Timestamp createTime, List<Line> lines) {
    }

    /**
     * Checks the entry (zero lines dropped, an unbalanced one refused) and records it with the others of
     * the processor's batch: they are written together just before the batch commits, in the batch's
     * transaction (one statement for the entries, one batch for their lines), so a batch of a hundred
     * events costs two round trips instead of two hundred. A redelivered event finds its entry and writes
     * nothing.
     */
    private void post(EventMessage<?> message, String subjectId, String description, String businessDate,
                      Line... lines) {
        List<Line> posted = new ArrayList<>();
        Map<String, java.math.BigDecimal> net = new LinkedHashMap<>();
        for (Line line : lines) {
            if (line.amount().isZero()) {
                continue;
            }
            posted.add(line);
            java.math.BigDecimal signed = line.direction().equals("DEBIT") ? line.amount().amount()
                    : line.amount().amount().negate();
            net.merge(line.amount().currency().getCurrencyCode(), signed, java.math.BigDecimal::add);
        }
        if (net.values().stream().anyMatch(sum -> sum.signum() != 0)) {
            throw new IllegalStateException("unbalanced journal entry for event " + message.getIdentifier() + ": " + net);
        }
        if (posted.isEmpty()) {
            return;
        }
        Entry entry = new Entry(message.getIdentifier(), message.getPayloadType().getSimpleName(),
                subjectId, description, businessDate == null ? null : LocalDate.parse(businessDate),
                Timestamp.from(message.getTimestamp()), posted);
        UnitOfWork<?> batch = CurrentUnitOfWork.get().root();
        batch.getOrComputeResource(PENDING_ENTRIES, key -> {
            List<Entry> pending = new ArrayList<>();
            batch.onPrepareCommit(unitOfWork -> write(pending));
            return pending;
        }).add(entry);
    }

    private void write(List<Entry> entries) {
        for (int from = 0; from < entries.size(); from += ENTRIES_PER_STATEMENT) {
            writeChunk(entries.subList(from, Math.min(entries.size(), from + ENTRIES_PER_STATEMENT)));
        }
    }

    /**
     * One statement for the chunk's entries and one for their lines, each taking its rows as arrays (one
     * array per column, unnested by PostgreSQL): the statement's text is the same for every chunk, so it is
     * prepared and planned once, where a multi-row VALUES list is parsed and planned again for every chunk.
     */
    private void writeChunk(List<Entry> entries) {
        int size = entries.size();
        String[] eventIds = new String[size];
        String[] types = new String[size];
        String[] subjects = new String[size];
        String[] descriptions = new String[size];
        String[] businessDates = new String[size];
        String[] createTimes = new String[size];
        for (int i = 0; i < size; i++) {
            Entry entry = entries.get(i);
            eventIds[i] = entry.eventId();
            types[i] = entry.type();
            subjects[i] = entry.subjectId();
            descriptions[i] = entry.description();
            businessDates[i] = entry.businessDate() == null ? null : entry.businessDate().toString();
            createTimes[i] = entry.createTime().toInstant().toString();
        }
        // The entry takes its event's global index, read from the store (a tracking token's position is not
        // it: an event that committed late, filling a gap, comes with the token's highest index). RETURNING
        // names the entries recorded now; one recorded before (a redelivery) gets no lines again.
        Map<String, Long> recorded = new HashMap<>();
        jdbc.query("""
                INSERT INTO journal_entry (entry_position, event_id, event_type, subject_id, description,
                                           business_date, create_time)
                SELECT e.global_index, u.event_id, u.event_type, u.subject_id, u.description, u.business_date,
                       u.create_time
                FROM unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::date[], ?::timestamptz[])
                         AS u(event_id, event_type, subject_id, description, business_date, create_time)
                JOIN domain_event_entry e ON e.event_identifier = u.event_id
                ON CONFLICT (entry_position) DO NOTHING
                RETURNING entry_position, event_id
                """, rs -> {
            recorded.put(rs.getString(2), rs.getLong(1));
        }, eventIds, types, subjects, descriptions, businessDates, createTimes);
        List<String> notRecorded = entries.stream().map(Entry::eventId).filter(id -> !recorded.containsKey(id))
                .toList();
        if (!notRecorded.isEmpty()) {
            // A redelivery (its entry is there already, its event in the store), or an event the store does
            // not hold, which the join dropped: a defect, never to be skipped in silence.
            List<String> stored = jdbc.queryForList("SELECT event_identifier FROM domain_event_entry "
                    + "WHERE event_identifier = ANY (?::varchar[])", String.class,
                    (Object) notRecorded.toArray(String[]::new));
            if (stored.size() < notRecorded.size()) {
                throw new IllegalStateException("journal entries for events the store does not hold: "
                        + notRecorded.stream().filter(id -> !stored.contains(id)).toList());
            }
        }
        List<Long> positions = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        List<String> accounts = new ArrayList<>();
        List<String> directions = new ArrayList<>();
        List<String> amounts = new ArrayList<>();
        List<String> currencies = new ArrayList<>();
        for (Entry entry : entries) {
            Long position = recorded.get(entry.eventId());
            if (position == null) {
                continue;
            }
            int number = 0;
            for (Line line : entry.lines()) {
                positions.add(position);
                numbers.add(++number);
                accounts.add(line.ledgerAccount());
                directions.add(line.direction());
                amounts.add(line.amount().amount().toPlainString());
                currencies.add(line.amount().currency().getCurrencyCode());
            }
        }
        if (!positions.isEmpty()) {
            jdbc.update("""
                    INSERT INTO journal_line (entry_position, line_number, ledger_account, direction, amount,
                                              currency_code)
                    SELECT * FROM unnest(?::bigint[], ?::int[], ?::varchar[], ?::varchar[], ?::numeric[],
                                         ?::char(3)[])
                    """, positions.toArray(Long[]::new), numbers.toArray(Integer[]::new),
                    accounts.toArray(String[]::new), directions.toArray(String[]::new),
                    amounts.toArray(String[]::new), currencies.toArray(String[]::new));
        }
    }

    @ResetHandler
    void reset() {
        products.clear();
        // Every row goes: TRUNCATE frees the tables at once instead of leaving millions of dead rows for
        // the replay to write past. Nothing else writes these tables, and reads are refused while the
        // ledger rebuilds.
        jdbc.update("TRUNCATE journal_line, journal_entry, ledger_deposit_account");
    }

    @QueryHandler
    public List<LedgerBalance> handle(LedgerBalancesQuery query) {
        return jdbc.query("SELECT ledger_account, currency_code, "
                        + "COALESCE(SUM(amount) FILTER (WHERE direction = 'DEBIT'), 0) AS debits, "
                        + "COALESCE(SUM(amount) FILTER (WHERE direction = 'CREDIT'), 0) AS credits "
                        + "FROM journal_line GROUP BY ledger_account, currency_code ORDER BY ledger_account, currency_code",
                (rs, n) -> new LedgerBalance(rs.getString("ledger_account"), rs.getString("currency_code"),
                        rs.getBigDecimal("debits"), rs.getBigDecimal("credits")));
    }

    @QueryHandler
    public JournalPage handle(ListJournalEntriesQuery query) {
        StringBuilder sql = new StringBuilder("SELECT * FROM journal_entry j WHERE j.entry_position < ?");
        List<Object> args = new ArrayList<>(List.of(query.beforePosition()));
        if (query.subjectId() != null) {
            sql.append(" AND j.subject_id = ?");
            args.add(query.subjectId());
        }
        if (query.ledgerAccount() != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM journal_line l WHERE l.entry_position = j.entry_position "
                    + "AND l.ledger_account = ?)");
            args.add(query.ledgerAccount());
        }
        if (query.from() != null) {
            sql.append(" AND j.create_time >= ?");
            args.add(Timestamp.from(query.from()));
        }
        if (query.to() != null) {
            sql.append(" AND j.create_time < ?");
            args.add(Timestamp.from(query.to()));
        }
        sql.append(" ORDER BY j.entry_position DESC LIMIT ?");
        args.add(query.limit() + 1);
        List<JournalEntry> rows = jdbc.query(sql.toString(), (rs, n) -> new JournalEntry(rs.getLong("entry_position"),
                rs.getString("event_id"), rs.getString("event_type"), rs.getString("subject_id"),
                rs.getString("description"), rs.getObject("business_date", LocalDate.class),
                rs.getTimestamp("create_time").toInstant(), List.of()), args.toArray());
        boolean more = rows.size() > query.limit();
        List<JournalEntry> page = more ? rows.subList(0, query.limit()) : rows;
        List<JournalEntry> withLines = new ArrayList<>();
        for (JournalEntry entry : page) {
            withLines.add(new JournalEntry(entry.position(), entry.eventId(), entry.eventType(), entry.subjectId(),
                    entry.description(), entry.businessDate(), entry.createTime(), jdbc.query(
                    "SELECT * FROM journal_line WHERE entry_position = ? ORDER BY line_number",
                    (rs, n) -> new JournalLine(rs.getString("ledger_account"), rs.getString("direction"),
                            rs.getBigDecimal("amount"), rs.getString("currency_code")), entry.position())));
        }
        long last = page.isEmpty() ? query.beforePosition() : page.get(page.size() - 1).position();
        return new JournalPage(withLines, last, more);
    }
}
