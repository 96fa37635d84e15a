package org.strongroom.gateway.idempotency;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.rpc.Code;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.strongroom.gateway.grpc.CallerContext;
import org.strongroom.gateway.grpc.Deadlines;
import org.strongroom.gateway.grpc.ErrorStatuses;
import org.strongroom.gateway.projection.ViewWriters;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.ErrorReason;

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

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;

    public IdempotentExecutor(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, Clock clock) {
        this.jdbc = jdbc;
        // PostgreSQL's default, READ COMMITTED: not set explicitly, which would cost a round trip per call
        // (the driver asks the connection for its level first).
        this.transactions = new TransactionTemplate(transactionManager);
        this.clock = clock;
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
        CallerContext caller = CallerContext.current();
        Key key = new Key(caller.principalId(), method, requestId);
        byte[] fingerprint = fingerprint(request);
        Deadlines.check("execution");

        Outcome<R> outcome;
        try {
            outcome = transactions.execute(tx -> {
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
            outcome = storeRefusal(key, fingerprint, parser, ErrorStatuses.fromDomain(refusal));
        }
        return outcome.deliver();
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
