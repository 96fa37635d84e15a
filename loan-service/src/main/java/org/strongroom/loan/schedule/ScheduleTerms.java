package org.strongroom.loan.schedule;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Objects;
import org.strongroom.kernel.Money;

/**
 * What a schedule is computed from.
 *
 * @param annualRate nominal annual rate as a fraction (0.12 for 12 %), 0 allowed
 * @param instalments number of instalments, at least 1
 */
public record ScheduleTerms(Money principal, BigDecimal annualRate, int instalments, RepaymentFrequency frequency,
                            Amortization amortization, DayCount dayCount, LocalDate disbursementDate) {

    public ScheduleTerms {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(annualRate, "annualRate");
        Objects.requireNonNull(frequency, "frequency");
        Objects.requireNonNull(amortization, "amortization");
        Objects.requireNonNull(dayCount, "dayCount");
        Objects.requireNonNull(disbursementDate, "disbursementDate");
        if (!principal.isPositive()) {
            throw new IllegalArgumentException("principal must be positive: " + principal);
        }
        if (annualRate.signum() < 0) {
            throw new IllegalArgumentException("annual rate must not be negative: " + annualRate);
        }
        if (instalments < 1) {
            throw new IllegalArgumentException("at least one instalment: " + instalments);
        }
    }
}
