package org.strongroom.loan.schedule;

import java.time.LocalDate;

/** How often a loan is repaid, and where its k-th due date falls. */
public enum RepaymentFrequency {
    /** On the disbursement day of month, clamped to the last day of shorter months. */
    MONTHLY(12),
    /** Every three months from disbursement, clamped like monthly. */
    QUARTERLY(4),
    /** Every seven days from disbursement. */
    WEEKLY(52);

    private final int periodsPerYear;

    RepaymentFrequency(int periodsPerYear) {
        this.periodsPerYear = periodsPerYear;
    }

    public int periodsPerYear() {
        return periodsPerYear;
    }

    /**
     * The k-th due date (k from 1), always counted from the disbursement date, never from the previous
     * due date: Jan 31 gives Feb 28 (29), Mar 31, Apr 30, never drifting to the 28th.
     */
    public LocalDate dueDate(LocalDate disbursement, int k) {
        return switch (this) {
            case MONTHLY -> disbursement.plusMonths(k);
            case QUARTERLY -> disbursement.plusMonths(3L * k);
            case WEEKLY -> disbursement.plusDays(7L * k);
        };
    }
}
