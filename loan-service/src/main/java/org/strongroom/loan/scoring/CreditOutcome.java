package org.strongroom.loan.scoring;

public enum CreditOutcome {
    APPROVED,
    REJECTED,
    /** Neither clearly good nor clearly bad: a loan officer decides. */
    MANUAL_REVIEW
}
