package org.strongroom.account.api;

/** Where money enters or leaves the bank (docs/architecture.md, invariant 1). */
public enum CounterpartyType {
    EXTERNAL_CLEARING,
    /** Cash at a branch counter; the reference is the teller's till id. */
    TILL,
    /** Another account of the bank, through a transfer; the reference is the transfer id. */
    TRANSFER,
    /** A loan of the bank (disbursement in, repayment out); the reference is the loan id. */
    LOAN,
    /** Money recovered on a written-off loan; the reference is the loan id. */
    LOAN_RECOVERY
}
