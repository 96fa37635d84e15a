package org.strongroom.gateway.command;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Direct questions to the event store's table that Axon's API does not answer cheaply. */
@Component
public class EventStoreProbe {

    private final JdbcTemplate jdbc;

    public EventStoreProbe(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The newest event's global index this transaction can see, or -1 for an empty store. */
    public long head() {
        Long head = jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class);
        return head == null ? -1 : head;
    }

    /**
     * The highest global index of the events this transaction appended (above {@code floor}, the head it
     * saw before appending), or empty if it appended none. Rows a transaction inserts carry its id in
     * {@code xmin}. Read-your-writes must wait for this index, not for the head: an event another
     * transaction committed with a higher index can be handled while ours is still a gap to the readers.
     */
    public java.util.OptionalLong appendedHere(long floor) {
        Long index = jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry WHERE global_index > ? "
                + "AND xmin::text::bigint = txid_current() % 4294967296", Long.class, floor);
        return index == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(index);
    }

    /** Whether an aggregate of this type (its class's simple name, as Axon stores it) exists. */
    public boolean exists(String aggregateId, String type) {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM domain_event_entry "
                + "WHERE aggregate_identifier = ? AND sequence_number = 0 AND type = ?)", Boolean.class,
                aggregateId, type));
    }
}
