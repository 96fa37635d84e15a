package org.strongroom.gateway.idempotency;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.rpc.Code;
import io.grpc.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.strongroom.gateway.command.LockingOperationScope;
import org.strongroom.gateway.grpc.CallerContext;
import org.strongroom.gateway.grpc.Deadlines;
import org.strongroom.gateway.grpc.ErrorStatuses;
import org.strongroom.gateway.projection.ViewWriters;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.node.axon.CheckedCachingRepository;

/**
 * Exactly-once effect for mutating RPCs (docs/architecture.md, invariant 3). The key is (principal, method,
 * request_id). The first outcome is stored: a success in the same transaction as the events it caused,
 * a refusal right after the refused attempt rolled back. A retry with the same key and payload gets the
 * stored outcome, even after a restart; the same key with another payload gets ALREADY_EXISTS.
 * Concurrent calls with one key are serialised by a transaction-scoped advisory lock on the key.
 */
@Component
public class IdempotentExecutor {

    public static final String REQUEST_ID_FIELD = "request_id";
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private static final Logger log = LoggerFactory.getLogger(IdempotentExecutor.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    /** Null when group commit is off: every call is then a transaction of its own. */
    private final CommitGroup<Grouped<?>> group;
    private final OnlineWrites onlineWrites;

    public IdempotentExecutor(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, Clock clock,
                              OnlineWrites onlineWrites,
                              @Value("${strongroom.group-commit.writers:1}") int groupWriters,
                              @Value("${strongroom.group-commit.max-operations:16}") int groupMaxOperations) {
        this.jdbc = jdbc;
        // PostgreSQL's default, READ COMMITTED: not set explicitly, which would cost a round trip per call
        // (the driver asks the connection for its level first).
        this.transactions = new TransactionTemplate(transactionManager);
        this.clock = clock;
        this.onlineWrites = onlineWrites;
        if (groupWriters < 0 || groupMaxOperations < 1) {
            throw new IllegalArgumentException("strongroom.group-commit.writers must be 0 (off) or more and "
                    + "strongroom.group-commit.max-operations 1 or more, not " + groupWriters + " and "
                    + groupMaxOperations);
        }
        this.group = groupWriters == 0 ? null : new CommitGroup<>(groupWriters, groupMaxOperations, this::write);
    }

    /**
     * Runs {@code action} at most once per key and returns the first outcome.
     *
     * @param method  full gRPC method name, part of the key
     * @param request the request message; every field but request_id is part of the payload fingerprint
     * @param parser  parses a stored response on replay
     * @param action  sends the command(s); runs inside the transaction that stores the outcome
     */
    public <R extends Message> R execute(String method, Message request, Parser<R> parser,
                                         Supplier<R> action) {
        return execute(method, request, parser, null, action);
    }

    /**
     * As {@link #execute(String, Message, Parser, Supplier)}, holding a transaction-scoped lock on the
     * target aggregate until commit: concurrent commands on one aggregate queue in order (on every node)
     * instead of racing to the event store's unique key and failing with ABORTED.
     */
    public <R extends Message> R execute(String method, Message request, Parser<R> parser, String aggregateId,
                                         Supplier<R> action) {
        String requestId = requestIdOf(request);
        Key key = new Key(CallerContext.current().principalId(), method, requestId);
        byte[] fingerprint = fingerprint(request);
        Deadlines.check("execution");
        onlineWrites.started();
        return run(key, fingerprint, parser, aggregateId, action).deliver();
    }

    /** One call in a transaction of its own, then its refusal in another if it was refused. */
    private <R extends Message> Outcome<R> run(Key key, byte[] fingerprint, Parser<R> parser, String aggregateId,
                                               Supplier<R> action) {
        try {
            return transactions.execute(tx -> {
                lock(key);
                Outcome<R> previous = previousOutcome(key, fingerprint, parser);
                if (previous != null) {
                    return previous;
                }
                if (aggregateId != null) {
                    // The view writers' lock first, with the aggregate's, as every writer takes them: an
                    // operation never waits for the writers' lock while holding an aggregate's, so a
                    // rebuild's swap queued for it cannot close a cycle with a transfer on that aggregate.
                    ViewWriters.holdSharedWith(jdbc, List.of(aggregateLockId(aggregateId)));
                }
                // The read-your-writes views are written by the same transaction (subscribing processors),
                // so once it commits every reader sees the change: nothing to wait for after it.
                R response = action.get();
                // A client that gave up must not learn of a success it cannot see; roll back instead.
                Deadlines.check("commit");
                store(key, fingerprint, true, response.toByteArray());
                return new Outcome<>(response, null);
            });
        } catch (RuntimeException e) {
            DomainException refusal = refusalIn(e);
            if (refusal == null) {
                throw e;
            }
            return storeRefusal(key, fingerprint, parser, ErrorStatuses.fromDomain(refusal));
        }
    }

    /**
     * As {@link #execute(String, Message, Parser, Supplier)}, for an operation on these aggregates that may
     * share its database transaction with other such operations (group commit, docs/architecture.md "Group
     * commit"). Calls that arrive while earlier ones are being written are carried together: one statement
     * tries every request key's lock, takes the view writers' lock and tries every aggregate's lock, in that
     * order and each kind sorted (an operation whose locks are held elsewhere, or whose request was answered
     * before, runs alone instead); one reads the stored outcomes, one the aggregates' stored versions; the
     * operations run one after the other in one Axon unit of work, so their events are appended and handed
     * to the read-your-writes views once; one batch stores the outcomes; one commit. Each operation runs in
     * its own caller's gRPC context (identity, deadline). If anything in a group fails, nothing of it is
     * kept and every operation of the group runs again alone, as {@code execute} runs it: a group changes
     * how many commits there are, never an outcome.
     */
    public <R extends Message> R executeGrouped(String method, Message request, Parser<R> parser,
                                                List<String> aggregateIds, Supplier<R> action) {
        if (group == null) {
            return execute(method, request, parser, action);
        }
        String requestId = requestIdOf(request);
        Key key = new Key(CallerContext.current().principalId(), method, requestId);
        byte[] fingerprint = fingerprint(request);
        Deadlines.check("execution");
        onlineWrites.started();
        Grouped<R> member = new Grouped<>(key, fingerprint, aggregateIds, action, Context.current());
        group.submit(member);
        if (member.outcome != null) {
            return member.outcome.deliver();
        }
        return run(key, fingerprint, parser, null, action).deliver();
    }

    /** How many commit groups are written at once (0: group commit is off). */
    public int groupWriters() {
        return group == null ? 0 : group.writers();
    }

    /** How many operations wait for a commit group now (0 when group commit is off). */
    public int queuedOperations() {
        return group == null ? 0 : group.queued();
    }

    /** One operation of a commit group; without an outcome once written, it runs again alone. */
    private static final class Grouped<R extends Message> extends CommitGroup.Member {
        final Key key;
        final byte[] fingerprint;
        final List<String> aggregateIds;
        final Supplier<R> action;
        final Context context;
        volatile Outcome<R> outcome;
        R response;

        Grouped(Key key, byte[] fingerprint, List<String> aggregateIds, Supplier<R> action, Context context) {
            this.key = key;
            this.fingerprint = fingerprint;
            this.aggregateIds = aggregateIds;
            this.action = action;
            this.context = context;
        }

        void respond() throws Exception {
            response = context.call(action::get);
        }

        void keep() {
            outcome = new Outcome<>(response, null);
        }
    }

    /** Writes one commit group; every member is marked done, with an outcome or to run again alone. */
    private void write(List<Grouped<?>> members) {
        try {
            List<Grouped<?>> distinct = new ArrayList<>(members.size());
            Set<Key> keys = new HashSet<>();
            for (Grouped<?> member : members) {
                // The same request twice in one group (a client's impatient retry): the second runs alone
                // after this group and finds the first's outcome.
                if (keys.add(member.key)) {
                    distinct.add(member);
                }
            }
            List<Grouped<?>> written = transactions.execute(tx -> writeInOneTransaction(distinct));
            written.forEach(Grouped::keep);
        } catch (RuntimeException | Error e) {
            // Nothing of the group was kept: each member runs again alone, and meets its own failure there.
            log.debug("a commit group of {} operations kept nothing; each runs alone: {}", members.size(),
                    e.toString());
            members.forEach(member -> member.outcome = null);
        } finally {
            members.forEach(CommitGroup.Member::done);
        }
    }

    /**
     * Writes the members that can go without waiting, and answers which: a member whose request key or
     * aggregate another transaction holds locked (a close-of-business batch, a teller's operation, another
     * group), or whose request was answered before, runs alone on its caller's thread instead, so the group's
     * writer never waits for anyone but the database.
     */
    private List<Grouped<?>> writeInOneTransaction(List<Grouped<?>> members) {
        Map<Grouped<?>, Long> keyLocks = new java.util.IdentityHashMap<>();
        members.forEach(m -> keyLocks.put(m, lockId(m.key.principalId(), m.key.method(), m.key.requestId())));
        Set<Long> got = ViewWriters.tryHoldSharedWith(jdbc, keyLocks.values().stream().distinct().sorted().toList(),
                members.stream().flatMap(m -> m.aggregateIds.stream()).map(IdempotentExecutor::aggregateLockId)
                        .distinct().sorted().toList());
        List<Grouped<?>> unlocked = members.stream().filter(m -> got.contains(keyLocks.get(m))
                && m.aggregateIds.stream().allMatch(id -> got.contains(aggregateLockId(id)))).toList();
        Set<Key> answered = answeredBefore(unlocked);
        List<Grouped<?>> ready = unlocked.stream().filter(m -> !answered.contains(m.key)).toList();
        if (ready.isEmpty()) {
            return ready;
        }
        CheckedCachingRepository.readStoredVersions(jdbc,
                ready.stream().flatMap(m -> m.aggregateIds.stream()).distinct().toList());
        LockingOperationScope.inOneUnitOfWork(() -> {
            for (Grouped<?> member : ready) {
                try {
                    member.respond();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return null;
        });
        for (Grouped<?> member : ready) {
            // A client that gave up must not learn of a success it cannot see: the group rolls back, and the
            // member, run alone, answers DEADLINE_EXCEEDED.
            member.context.run(() -> Deadlines.check("commit"));
        }
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.batchUpdate("INSERT INTO idempotency_record (principal_id, method, request_id, payload_sha256, "
                        + "succeeded, outcome, created_at) VALUES (?, ?, ?, ?, true, ?, ?)", ready, ready.size(),
                (statement, member) -> {
                    statement.setString(1, member.key.principalId());
                    statement.setString(2, member.key.method());
                    statement.setString(3, member.key.requestId());
                    statement.setBytes(4, member.fingerprint);
                    statement.setBytes(5, member.response.toByteArray());
                    statement.setTimestamp(6, now);
                });
        return ready;
    }

    /** The keys among these members' that already have a stored outcome (retries): one statement. */
    private Set<Key> answeredBefore(List<Grouped<?>> members) {
        Set<Key> answered = new HashSet<>();
        if (members.isEmpty()) {
            return answered;
        }
        jdbc.execute((java.sql.Connection connection) -> {
            try (var statement = connection.prepareStatement("SELECT r.principal_id, r.method, r.request_id "
                    + "FROM idempotency_record r JOIN unnest(?::text[], ?::text[], ?::text[]) "
                    + "AS k(principal_id, method, request_id) ON r.principal_id = k.principal_id "
                    + "AND r.method = k.method AND r.request_id = k.request_id")) {
                statement.setArray(1, connection.createArrayOf("text",
                        members.stream().map(m -> m.key.principalId()).toArray()));
                statement.setArray(2, connection.createArrayOf("text",
                        members.stream().map(m -> m.key.method()).toArray()));
                statement.setArray(3, connection.createArrayOf("text",
                        members.stream().map(m -> m.key.requestId()).toArray()));
                try (var rs = statement.executeQuery()) {
                    while (rs.next()) {
                        answered.add(new Key(rs.getString(1), rs.getString(2), rs.getString(3)));
                    }
                }
            }
            return null;
        });
        return answered;
    }

    private <R extends Message> Outcome<R> storeRefusal(Key key, byte[] fingerprint, Parser<R> parser,
                                                        com.google.rpc.Status status) {
        return transactions.execute(tx -> {
            lock(key);
            Outcome<R> previous = previousOutcome(key, fingerprint, parser);
            if (previous != null) {
                return previous;
            }
            store(key, fingerprint, false, status.toByteArray());
            return new Outcome<>(null, status);
        });
    }

    private void lock(Key key) {
        jdbc.queryForList("SELECT pg_advisory_xact_lock(?)",
                lockId(key.principalId(), key.method(), key.requestId()));
    }

    /** 64 bits of SHA-256 over the parts: a collision only makes two unrelated calls wait for each other. */
    /**
     * Holds a transaction-scoped lock on an aggregate until commit. Every writer that takes it (the
     * gateway's calls, the transfer process) queues per aggregate instead of racing to the event store.
     */
    public static void lockAggregate(JdbcTemplate jdbc, String aggregateId) {
        jdbc.queryForList("SELECT pg_advisory_xact_lock(?)", aggregateLockId(aggregateId));
    }

    /** The advisory lock key of an aggregate, for callers that take several locks in one statement. */
    public static long aggregateLockId(String aggregateId) {
        return lockId("aggregate", aggregateId);
    }

    private static long lockId(String... parts) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8));
            return ByteString.copyFrom(hash, 0, 8).asReadOnlyByteBuffer().getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private <R extends Message> Outcome<R> previousOutcome(Key key, byte[] fingerprint, Parser<R> parser) {
        List<Outcome<R>> rows = jdbc.query(
                "SELECT payload_sha256, succeeded, outcome FROM idempotency_record "
                        + "WHERE principal_id = ? AND method = ? AND request_id = ?",
                (rs, n) -> {
                    if (!Arrays.equals(rs.getBytes("payload_sha256"), fingerprint)) {
                        throw ErrorStatuses.exception(Code.ALREADY_EXISTS, ErrorReason.REQUEST_ID_REUSED,
                                "request_id " + key.requestId() + " was already used for another request to "
                                        + key.method(),
                                Map.of("request_id", key.requestId(), "method", key.method()));
                    }
                    byte[] stored = rs.getBytes("outcome");
                    try {
                        return rs.getBoolean("succeeded")
                                ? new Outcome<R>(parser.parseFrom(stored), null)
                                : new Outcome<R>(null, com.google.rpc.Status.parseFrom(stored));
                    } catch (InvalidProtocolBufferException e) {
                        throw new IllegalStateException("unreadable stored outcome for " + key, e);
                    }
                },
                key.principalId(), key.method(), key.requestId());
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** (event_position, which read-your-writes once waited for, is left empty: nothing waits now.) */
    private void store(Key key, byte[] fingerprint, boolean succeeded, byte[] outcome) {
        jdbc.update("INSERT INTO idempotency_record (principal_id, method, request_id, payload_sha256, succeeded, "
                        + "outcome, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                key.principalId(), key.method(), key.requestId(), fingerprint, succeeded, outcome,
                Timestamp.from(clock.instant()));
    }

    private static DomainException refusalIn(Throwable thrown) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof DomainException domain) {
                return domain;
            }
        }
        return null;
    }

    private static String requestIdOf(Message request) {
        Descriptors.FieldDescriptor field = request.getDescriptorForType().findFieldByName(REQUEST_ID_FIELD);
        if (field == null) {
            throw new IllegalArgumentException(request.getDescriptorForType().getFullName() + " has no request_id");
        }
        String requestId = (String) request.getField(field);
        if (requestId.isEmpty()) {
            throw ErrorStatuses.invalidField(REQUEST_ID_FIELD, "is required: a client-generated idempotency key");
        }
        if (!REQUEST_ID.matcher(requestId).matches()) {
            throw ErrorStatuses.invalidField(REQUEST_ID_FIELD,
                    "must be 1-128 characters of letters, digits and ._:- starting with a letter or digit");
        }
        return requestId;
    }

    /** SHA-256 of the request without its request_id, serialised deterministically. */
    static byte[] fingerprint(Message request) {
        Descriptors.FieldDescriptor field = request.getDescriptorForType().findFieldByName(REQUEST_ID_FIELD);
        Message payload = request.toBuilder().clearField(field).build();
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.useDeterministicSerialization();
            payload.writeTo(out);
            out.flush();
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(request.getDescriptorForType().getFullName().getBytes(StandardCharsets.UTF_8));
            digest.update(bytes.toByteArray());
            return digest.digest();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private record Key(String principalId, String method, String requestId) {
    }

    private record Outcome<R extends Message>(R response, com.google.rpc.Status refusal) {
        R deliver() {
            if (refusal != null) {
                throw ErrorStatuses.exception(refusal);
            }
            return response;
        }
    }
}
