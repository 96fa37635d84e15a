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

    /** Whether an aggregate of this type (its class's simple name, as Axon stores it) exists. */
    public boolean exists(String aggregateId, String type) {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM domain_event_entry "
                + "WHERE aggregate_identifier = ? AND sequence_number = 0 AND type = ?)", Boolean.class,
                aggregateId, type));
    }

    /** Which of these aggregates of this type exist: one indexed look-up for all of them. */
    public java.util.Set<String> existing(String type, String... aggregateIds) {
        return new java.util.HashSet<>(jdbc.queryForList("SELECT aggregate_identifier FROM domain_event_entry "
                + "WHERE aggregate_identifier = ANY (?) AND sequence_number = 0 AND type = ?", String.class,
                aggregateIds, type));
    }

    /** Whether the aggregate has an event of this payload type (a class's full name, as Axon stores it). */
    public boolean hasEvent(String aggregateId, Class<?> payloadType) {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM domain_event_entry "
                + "WHERE aggregate_identifier = ? AND payload_type = ?)", Boolean.class, aggregateId,
                payloadType.getName()));
    }
}
