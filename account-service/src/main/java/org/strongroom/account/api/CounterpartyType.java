package org.strongroom.account.api;

/** Where money enters or leaves the bank (DESIGN.md invariant 1). */
public enum CounterpartyType {
    EXTERNAL_CLEARING,
    /** Cash at a branch counter; the reference is the teller's till id. */
    TILL,
    /** Another account of the bank, through a transfer; the reference is the transfer id. */
    TRANSFER
}
