package org.strongroom.projections.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** Queries on the general ledger. */
public final class LedgerQueries {

    private LedgerQueries() {
    }

    /**
     * Journal entries newest first, before the position (Long.MAX_VALUE for the first page).
     *
     * @param subjectId     only entries about this customer account, till or transfer; null for all
     * @param ledgerAccount only entries with a line on this ledger account; null for all
     * @param from          only entries at or after this instant; null for no bound
     * @param to            only entries before this instant; null for no bound
     */
    public record ListJournalEntriesQuery(String subjectId, String ledgerAccount, Instant from, Instant to,
                                          long beforePosition, int limit) {
    }

    public record JournalLine(String ledgerAccount, String direction, BigDecimal amount, String currencyCode) {
    }

    public record JournalEntry(long position, String eventId, String eventType, String subjectId, String description,
                               LocalDate businessDate, Instant createTime, List<JournalLine> lines) {
    }

    public record JournalPage(List<JournalEntry> entries, long lastPosition, boolean more) {
    }

    /** Answered with a List of LedgerBalance: every ledger account with postings, per currency. */
    public record LedgerBalancesQuery() {
    }

    /** Total debits and credits of one ledger account in one currency. */
    public record LedgerBalance(String ledgerAccount, String currencyCode, BigDecimal debits, BigDecimal credits) {
    }
}
