package org.strongroom.gateway.grpc;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.FieldViolation;

/**
 * The single place where error statuses are built (docs/errors.md): every status carries exactly
 * one {@link ErrorInfo} in domain {@value #DOMAIN} with a reason from the catalogue, and invalid input
 * adds a {@link BadRequest} naming each field.
 */
public final class ErrorStatuses {

    public static final String DOMAIN = "strongroom";
    /**
     * Longest text an error carries in its message, a metadata value or a field description: an error
     * that quotes hostile input (a 70,000-character name) must not grow past what clients accept in
     * trailers, so longer text is cut and marked.
     */
    static final int MAX_TEXT = 512;

    private ErrorStatuses() {
    }

    /** The status a domain refusal maps to. */
    public static Status fromDomain(DomainException e) {
        Code code = switch (e.refusal()) {
            case INVALID_INPUT -> Code.INVALID_ARGUMENT;
            case BUSINESS_RULE -> Code.FAILED_PRECONDITION;
            case NOT_FOUND -> Code.NOT_FOUND;
            case ALREADY_EXISTS -> Code.ALREADY_EXISTS;
            case FORBIDDEN -> Code.PERMISSION_DENIED;
        };
        return status(code, e.reason(), e.getMessage(), e.metadata(), e.violations());
    }

    public static Status status(Code code, ErrorReason reason, String message, Map<String, String> metadata) {
        return status(code, reason, message, metadata, List.of());
    }

    public static Status status(Code code, ErrorReason reason, String message, Map<String, String> metadata,
                                List<FieldViolation> violations) {
        ErrorInfo info = ErrorInfo.newBuilder()
                .setDomain(DOMAIN)
                .setReason(reason.name())
                .putAllMetadata(bounded(metadata))
                .build();
        Status.Builder status = Status.newBuilder()
                .setCode(code.getNumber())
                .setMessage(bounded(message))
                .addDetails(Any.pack(info));
        if (!violations.isEmpty()) {
            BadRequest.Builder badRequest = BadRequest.newBuilder();
            for (FieldViolation violation : violations) {
                badRequest.addFieldViolations(BadRequest.FieldViolation.newBuilder()
                        .setField(violation.field())
                        .setDescription(bounded(violation.description())));
            }
            status.addDetails(Any.pack(badRequest.build()));
        }
        return status.build();
    }

    static String bounded(String text) {
        if (text == null || text.length() <= MAX_TEXT) {
            return text == null ? "" : text;
        }
        return text.substring(0, MAX_TEXT - 1) + "\u2026";
    }

    private static Map<String, String> bounded(Map<String, String> metadata) {
        Map<String, String> copy = new TreeMap<>();
        metadata.forEach((key, value) -> copy.put(bounded(key), bounded(value)));
        return copy;
    }

    public static StatusRuntimeException exception(Status status) {
        return StatusProto.toStatusRuntimeException(status);
    }

    public static StatusRuntimeException exception(Code code, ErrorReason reason, String message,
                                                   Map<String, String> metadata) {
        return exception(status(code, reason, message, metadata));
    }

    public static StatusRuntimeException invalidField(String field, String description) {
        return exception(fromDomain(DomainException.invalidField(field, description)));
    }
}
