package org.strongroom.loan.schedule;

/** How principal and interest are spread over the instalments. */
public enum Amortization {
    /** Equal instalments (annuity); the final one settles what remains. */
    ANNUITY,
    /** Equal principal parts, interest on the declining balance. */
    EQUAL_PRINCIPAL,
    /** Interest on the original principal for the whole term, spread evenly. */
    FLAT
}
