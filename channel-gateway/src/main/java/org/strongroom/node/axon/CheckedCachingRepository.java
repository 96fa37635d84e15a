package org.strongroom.node.axon;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.axonframework.common.caching.Cache;
import org.axonframework.eventsourcing.CachingEventSourcingRepository;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;

/**
 * Axon's caching event-sourcing repository, made correct for this project's transactions
 * (docs/architecture.md, "The write path"):
 * <ul>
 *   <li>Axon evicts an aggregate when its unit of work rolls back, but a unit of work commits inside a
 *       database transaction that may still roll back after it (a later command of the same operation, the
 *       idempotency record, the deadline check). Every aggregate loaded or saved is therefore also evicted
 *       when the database transaction ends in anything but a commit.</li>
 *   <li>On a cache hit the cached version is compared with the highest sequence number stored for the
 *       aggregate, as this transaction sees it (callers hold the aggregate's advisory lock, so it cannot
 *       move meanwhile). A difference (another node's write, or a cached state a transaction still open
 *       has not committed) evicts the entry and loads the aggregate from its events. An operation that
 *       locks several aggregates reads their stored versions in one statement ({@link #readStoredVersions}).</li>
 * </ul>
 */
public final class CheckedCachingRepository<T> extends CachingEventSourcingRepository<T> {

    /** Bound in a transaction: stored versions read ahead of the loads, for aggregates it holds locked. */
    private static final Object STORED_VERSIONS = new Object();

    private final Cache cache;
    private final JdbcTemplate jdbc;

    public CheckedCachingRepository(EventSourcingRepository.Builder<T> builder, Cache cache, JdbcTemplate jdbc) {
        super(builder.cache(cache));
        this.cache = cache;
        this.jdbc = jdbc;
    }

    /** The cache itself: its size for operators, and tests that stand in for another node. */
    public Cache cache() {
        return cache;
    }

    @Override
    protected EventSourcedAggregate<T> doLoadWithLock(String aggregateIdentifier, Long expectedVersion) {
        Set<String> touched = touchedInThisTransaction();
        boolean hit = cache.containsKey(aggregateIdentifier);
        EventSourcedAggregate<T> aggregate = super.doLoadWithLock(aggregateIdentifier, expectedVersion);
        // Checked once per transaction: after that the cached state is this transaction's own.
        boolean checked = touched != null && touched.contains(aggregateIdentifier);
        if (hit && !checked && !Objects.equals(aggregate.version(), storedVersion(aggregateIdentifier))) {
            cache.remove(aggregateIdentifier);
            aggregate = super.doLoadWithLock(aggregateIdentifier, expectedVersion);
        }
        if (touched != null) {
            touched.add(aggregateIdentifier);
        }
        return aggregate;
    }

    @Override
    protected void doSaveWithLock(EventSourcedAggregate<T> aggregate) {
        super.doSaveWithLock(aggregate);
        Set<String> touched = touchedInThisTransaction();
        if (touched != null) {
            touched.add(aggregate.identifierAsString());
        }
    }

    /**
     * Reads the highest stored sequence number of each of these aggregates in one statement, for the cache
     * checks of the loads that follow in the current transaction (of any aggregate type). The caller must
     * already hold the aggregates' locks, taken by an earlier statement: a statement sees the rows committed
     * when it started, before any lock it waits for, so the read may not share the locking statement.
     */
    public static void readStoredVersions(JdbcTemplate jdbc, Collection<String> aggregateIds) {
        // One aggregate gains nothing: its own check is the same one statement, made only on a cache hit.
        StoredVersions versions = aggregateIds.size() < 2 ? null : storedVersionsRead();
        if (versions == null) {
            return;
        }
        // Read once per transaction: an operation of a commit group finds its aggregates read by the group.
        List<String> unread = aggregateIds.stream().filter(versions.asked::add).toList();
        if (unread.size() < 2) {
            return;
        }
        unread.forEach(id -> versions.read.put(id, null));
        jdbc.query(connection -> {
            var statement = connection.prepareStatement("SELECT aggregate_identifier, max(sequence_number) "
                    + "FROM domain_event_entry WHERE aggregate_identifier = ANY (?) GROUP BY aggregate_identifier");
            statement.setArray(1, connection.createArrayOf("varchar", unread.toArray()));
            return statement;
        }, rs -> {
            versions.read.put(rs.getString(1), rs.getLong(2));
        });
    }

    /** Stored versions read ahead and not yet used, and every aggregate a read-ahead asked for. */
    private record StoredVersions(Map<String, Long> read, Set<String> asked) {
    }

    /** The stored versions this transaction read ahead; null outside a transaction. */
    private static StoredVersions storedVersionsRead() {
        return TransactionScoped.get(STORED_VERSIONS, () -> new StoredVersions(new HashMap<>(), new HashSet<>()),
                (versions, status) -> {
                });
    }

    private Long storedVersion(String aggregateIdentifier) {
        Map<String, Long> read = TransactionScoped.has(STORED_VERSIONS) ? storedVersionsRead().read() : null;
        if (read != null && read.containsKey(aggregateIdentifier)) {
            // Used once: from now on this transaction touched the aggregate, and its own state is checked.
            return read.remove(aggregateIdentifier);
        }
        return jdbc.queryForObject("SELECT max(sequence_number) FROM domain_event_entry WHERE aggregate_identifier = ?",
                Long.class, aggregateIdentifier);
    }

    /**
     * The aggregates of this type the current database transaction loaded or saved, evicted together if it
     * ends in anything but a commit; null outside a transaction (Axon's unit-of-work eviction then suffices).
     */
    private Set<String> touchedInThisTransaction() {
        return TransactionScoped.get(this, HashSet::new, (touched, status) -> {
            if (status != TransactionSynchronization.STATUS_COMMITTED) {
                touched.forEach(cache::remove);
            }
        });
    }
}
