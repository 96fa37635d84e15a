package org.strongroom.loan.schedule;

/** How a period's interest is measured. */
public enum DayCount {
    /** Every period is exactly 1/periods-per-year of a year: interest = outstanding x annual rate / periods. */
    THIRTY_360,
    /** Actual days of the period over a fixed 365: interest = outstanding x annual rate x days / 365. */
    ACT_365F
}
