package org.strongroom.account.api;

/** The steps an account takes in a transfer, as recorded on it. */
public enum TransferStep {
    /** Source: the amount reserved. */
    RESERVE,
    /** Target: the amount credited. */
    CREDIT,
    /** Source: the reservation became the debit. */
    SETTLE,
    /** Source: the reservation released (the target refused). */
    RELEASE,
    /** Either side refused its step. */
    REFUSED
}
