package org.strongroom.account.api;

/** Deposit account products. Only current accounts may have an overdraft. */
public enum AccountProduct {
    CURRENT,
    SAVINGS
}
