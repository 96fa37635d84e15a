package org.strongroom.loan.product;

/** What a repayment pays, in the order a product lists them. */
public enum AllocationBucket {
    /** Penalty interest on overdue principal. */
    PENALTIES,
    /** The origination fee, due with the first instalment. */
    FEES,
    /** Interest of due instalments, oldest first. */
    INTEREST,
    /** Principal of due instalments, oldest first. */
    PRINCIPAL
}
