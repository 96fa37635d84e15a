package org.strongroom.gateway.grpc;

import com.google.rpc.Code;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.Map;
import java.util.UUID;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.grpc.server.exception.GrpcExceptionHandler;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.stereotype.Component;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.ErrorReason;

/**
 * The one mapping from exceptions to gRPC statuses. Services throw domain refusals or statuses built
 * by {@link ErrorStatuses}; anything else is a fault: logged with an incident id, answered INTERNAL
 * without internals on the wire.
 */
@Component
public class StrongroomExceptionHandler implements GrpcExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(StrongroomExceptionHandler.class);

    @Override
    public StatusException handleException(Throwable thrown) {
        return toStatusException(thrown);
    }

    public static StatusException toStatusException(Throwable thrown) {
        com.google.rpc.Status status = toStatus(thrown);
        StatusRuntimeException sre = StatusProto.toStatusRuntimeException(status);
        return new StatusException(sre.getStatus(), sre.getTrailers());
    }

    /** The status for an exception, looking through wrappers (command bus, transactions). */
    public static com.google.rpc.Status toStatus(Throwable thrown) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof StatusRuntimeException sre) {
                com.google.rpc.Status status = StatusProto.fromThrowable(sre);
                return status != null ? status : unstructured(sre.getStatus());
            }
            if (cause instanceof StatusException se) {
                com.google.rpc.Status status = StatusProto.fromThrowable(se);
                return status != null ? status : unstructured(se.getStatus());
            }
            if (cause instanceof DomainException domain) {
                return ErrorStatuses.fromDomain(domain);
            }
            if (cause instanceof ConcurrencyException) {
                return ErrorStatuses.status(Code.ABORTED, ErrorReason.CONCURRENT_MODIFICATION,
                        "a concurrent change touched the same resource; retry with the same request_id", Map.of());
            }
            if (cause instanceof CannotGetJdbcConnectionException || cause instanceof TransientDataAccessException
                    || cause instanceof QueryTimeoutException) {
                log.warn("database unavailable: {}", cause.toString());
                return ErrorStatuses.status(Code.UNAVAILABLE, ErrorReason.SERVICE_UNAVAILABLE,
                        "the bank's database is unavailable; retry with the same request_id", Map.of());
            }
        }
        String incident = UUID.randomUUID().toString();
        log.error("incident {}: unexpected fault", incident, thrown);
        return ErrorStatuses.status(Code.INTERNAL, ErrorReason.INTERNAL_ERROR,
                "internal error; quote incident " + incident, Map.of("incident_id", incident));
    }

    /** A status raised by gRPC itself (e.g. a transport deadline) gets its catalogue entry here. */
    private static com.google.rpc.Status unstructured(io.grpc.Status status) {
        ErrorReason reason = switch (status.getCode()) {
            case DEADLINE_EXCEEDED, CANCELLED -> ErrorReason.DEADLINE_EXCEEDED;
            case UNAVAILABLE -> ErrorReason.SERVICE_UNAVAILABLE;
            default -> ErrorReason.INTERNAL_ERROR;
        };
        String description = status.getDescription() == null ? status.getCode().name() : status.getDescription();
        return ErrorStatuses.status(Code.forNumber(status.getCode().value()), reason, description, Map.of());
    }
}
