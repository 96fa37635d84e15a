package org.strongroom.kernel;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A refusal decided by the domain: a typed reason from the catalogue, the kind of refusal, dynamic values
 * for the caller, and for invalid input the offending fields. Gateways map it to a status; aggregates
 * never know about transport codes.
 */
public class DomainException extends RuntimeException {

    private final Refusal refusal;
    private final ErrorReason reason;
    private final Map<String, String> metadata;
    private final List<FieldViolation> violations;

    public DomainException(Refusal refusal, ErrorReason reason, String message, Map<String, String> metadata) {
        this(refusal, reason, message, metadata, List.of());
    }

    private DomainException(Refusal refusal, ErrorReason reason, String message, Map<String, String> metadata,
                            List<FieldViolation> violations) {
        // No stack trace: refusals are expected outcomes, and they cross the command bus often.
        super(message, null, false, false);
        this.refusal = Objects.requireNonNull(refusal);
        this.reason = Objects.requireNonNull(reason);
        this.metadata = Map.copyOf(metadata);
        this.violations = List.copyOf(violations);
    }

    /** Invalid input: one entry per offending field, all reported at once. */
    public static DomainException invalidFields(List<FieldViolation> violations) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("an invalid-input refusal needs at least one violation");
        }
        String message = violations.size() == 1
                ? violations.get(0).field() + ": " + violations.get(0).description()
                : violations.size() + " fields are invalid";
        return new DomainException(Refusal.INVALID_INPUT, ErrorReason.INVALID_FIELD, message,
                Map.of("fields", String.join(",", violations.stream().map(FieldViolation::field).toList())),
                violations);
    }

    public static DomainException invalidField(String field, String description) {
        return invalidFields(List.of(new FieldViolation(field, description)));
    }

    public static DomainException rule(ErrorReason reason, String message, Map<String, String> metadata) {
        return new DomainException(Refusal.BUSINESS_RULE, reason, message, metadata);
    }

    public static DomainException notFound(ErrorReason reason, String message, Map<String, String> metadata) {
        return new DomainException(Refusal.NOT_FOUND, reason, message, metadata);
    }

    public static DomainException alreadyExists(ErrorReason reason, String message, Map<String, String> metadata) {
        return new DomainException(Refusal.ALREADY_EXISTS, reason, message, metadata);
    }

    public static DomainException forbidden(ErrorReason reason, String message, Map<String, String> metadata) {
        return new DomainException(Refusal.FORBIDDEN, reason, message, metadata);
    }

    public Refusal refusal() {
        return refusal;
    }

    public ErrorReason reason() {
        return reason;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public List<FieldViolation> violations() {
        return violations;
    }
}
