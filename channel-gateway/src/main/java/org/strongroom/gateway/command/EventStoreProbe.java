package org.strongroom.gateway.command;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.strongroom.node.axon.BoundedCache;

/** Direct questions to the event store's table that Axon's API does not answer cheaply. */
@Component
public class EventStoreProbe {

    private final JdbcTemplate jdbc;
    /**
     * Aggregates seen to exist, by type and id. The store is append-only: once an aggregate's first event is
     * committed it exists for ever, so a yes is remembered (as many as an aggregate cache holds, least
     * recently used leaving first) and a no is asked again.
     */
    private final BoundedCache known;

    public EventStoreProbe(JdbcTemplate jdbc, @Value("${strongroom.aggregate-cache.max-entries:10000}") int maxEntries) {
        this.jdbc = jdbc;
        this.known = new BoundedCache(maxEntries);
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

    /**
     * Which of these aggregates of this type exist: those seen before, and one indexed look-up for the
     * others (none when all were seen).
     */
    public Set<String> existing(String type, String... aggregateIds) {
        Set<String> existing = new HashSet<>();
        List<String> unknown = new ArrayList<>();
        for (String id : aggregateIds) {
            if (known.get(type + ":" + id) != null) {
                existing.add(id);
            } else {
                unknown.add(id);
            }
        }
        if (!unknown.isEmpty()) {
            for (String id : jdbc.queryForList("SELECT aggregate_identifier FROM domain_event_entry "
                    + "WHERE aggregate_identifier = ANY (?) AND sequence_number = 0 AND type = ?", String.class,
                    unknown.toArray(String[]::new), type)) {
                existing.add(id);
                known.put(type + ":" + id, Boolean.TRUE);
            }
        }
        return existing;
    }

    /** Whether the aggregate has an event of this payload type (a class's full name, as Axon stores it). */
    public boolean hasEvent(String aggregateId, Class<?> payloadType) {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM domain_event_entry "
                + "WHERE aggregate_identifier = ? AND payload_type = ?)", Boolean.class, aggregateId,
                payloadType.getName()));
    }
}
