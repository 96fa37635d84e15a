package org.strongroom.kernel;

/**
 * The domain's view of the one error catalogue. Names match {@code strongroom.error.v1.ErrorReason}
 * without its {@code ERROR_REASON_} prefix; a gateway test keeps the two in step. Domain code never sees
 * generated proto classes, hence this mirror.
 */
public enum ErrorReason {
    INVALID_FIELD,
    MISSING_CREDENTIALS,
    INVALID_CREDENTIALS,
    ROLE_NOT_PERMITTED,
    REQUEST_ID_REUSED,
    CONCURRENT_MODIFICATION,
    DEADLINE_EXCEEDED,
    SERVICE_UNAVAILABLE,
    INTERNAL_ERROR,
    MALFORMED_REQUEST,
    RATE_LIMITED,
    CUSTOMER_NOT_FOUND,
    DUPLICATE_IDENTITY_DOCUMENT,
    CUSTOMER_UNDERAGE,
    ACCOUNT_NOT_FOUND,
    INSUFFICIENT_FUNDS,
    ACCOUNT_FROZEN,
    ACCOUNT_CLOSED,
    CURRENCY_MISMATCH,
    HOLD_NOT_FOUND,
    ACCOUNT_NOT_FROZEN,
    ACCOUNT_NOT_EMPTY,
    ACCOUNT_HAS_ACTIVE_HOLDS,
    BALANCE_LIMIT_EXCEEDED,
    TRANSACTION_LIMIT_EXCEEDED,
    DAILY_LIMIT_EXCEEDED,
    PROJECTION_NOT_FOUND,
    PROJECTION_REBUILDING
}
