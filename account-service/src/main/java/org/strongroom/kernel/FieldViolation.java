package org.strongroom.kernel;

/**
 * One invalid request field. {@code field} is the path in the public API (snake_case, dotted for nested
 * messages, e.g. {@code identity_document.number}) so a client can point at the exact input.
 */
public record FieldViolation(String field, String description) {
}
