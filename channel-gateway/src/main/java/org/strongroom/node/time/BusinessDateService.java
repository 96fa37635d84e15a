package org.strongroom.node.time;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.strongroom.node.NodeProperties;

/**
 * The bank's business date. Persisted: set from the clock (in the bank's time zone) the first time a
 * node starts on a database, and from then on moved only by close of business, one day at a time,
 * never by the wall clock. Several nodes sharing a database share one business date.
 */
@Service
public class BusinessDateService {

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final NodeProperties properties;
    private volatile LocalDate cached;

    public BusinessDateService(JdbcTemplate jdbc, Clock clock, NodeProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.properties = properties;
    }

    /** The current business date, initialising it on first use. */
    public LocalDate current() {
        LocalDate date = cached;
        if (date == null) {
            date = initialise();
        }
        return date;
    }

    /** Reads the persisted date afresh, e.g. after another node ran close of business. */
    public LocalDate refresh() {
        cached = null;
        return current();
    }

    /**
     * Advances the business date by exactly one day; called by close of business.
     *
     * @param expectedCurrent the date the caller closed; refuses if another process moved it meanwhile
     */
    @Transactional(propagation = Propagation.REQUIRED)
    public LocalDate advance(LocalDate expectedCurrent) {
        LocalDate next = expectedCurrent.plusDays(1);
        int updated = jdbc.update(
                "UPDATE business_date SET business_date = ?, changed_at = ? WHERE id = 1 AND business_date = ?",
                next, Timestamp.from(clock.instant()), expectedCurrent);
        if (updated != 1) {
            cached = null;
            throw new IllegalStateException("business date is no longer " + expectedCurrent + "; now " + refresh());
        }
        cached = next;
        return next;
    }

    private synchronized LocalDate initialise() {
        if (cached != null) {
            return cached;
        }
        LocalDate today = LocalDate.now(clock.withZone(properties.getBankTimeZone()));
        // Insert-if-absent, so two nodes starting together agree on the first value.
        jdbc.update("INSERT INTO business_date (id, business_date, changed_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING",
                today, Timestamp.from(clock.instant()));
        List<LocalDate> dates = jdbc.queryForList("SELECT business_date FROM business_date WHERE id = 1", LocalDate.class);
        cached = dates.get(0);
        return cached;
    }
}
