package org.strongroom.loan.schedule;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.strongroom.kernel.Money;

/**
 * Repayment schedules exact to the minor unit (docs/loans.md gives the conventions with worked examples).
 * Intermediate values are carried at 34 significant digits and every amount is rounded HALF_UP to the
 * currency's scale once, where the conventions say; the final instalment settles whatever principal is
 * left, so the principal parts always add up to the principal.
 */
public final class ScheduleCalculator {

    private static final MathContext PRECISION = MathContext.DECIMAL128;
    private static final BigDecimal DAYS_PER_YEAR = BigDecimal.valueOf(365);

    private ScheduleCalculator() {
    }

    public static List<Instalment> schedule(ScheduleTerms terms) {
        return switch (terms.amortization()) {
            case ANNUITY -> annuity(terms);
            case EQUAL_PRINCIPAL -> equalPrincipal(terms);
            case FLAT -> flat(terms);
        };
    }

    /**
     * instalment = P r / (1 - (1 + r)^-n), r = annual rate / periods per year, rounded HALF_UP; each
     * period's interest on the outstanding principal; the final instalment is the remaining principal plus
     * its interest. At a zero rate the instalment is P / n.
     */
    private static List<Instalment> annuity(ScheduleTerms terms) {
        int scale = terms.principal().amount().scale();
        BigDecimal principal = terms.principal().amount();
        BigDecimal r = periodicRate(terms);
        int n = terms.instalments();
        BigDecimal instalment = annuityInstalment(principal, r, n, scale);
        // An instalment that does not cover the period's interest (a long ACT/365F period at a high rate)
        // repays no principal; the interest is still due in full.
        return decliningBalance(terms, interest -> instalment.subtract(interest).max(BigDecimal.ZERO));
    }

    /** Principal parts P / n rounded HALF_UP, the last absorbing the remainder; interest as for annuities. */
    private static List<Instalment> equalPrincipal(ScheduleTerms terms) {
        int scale = terms.principal().amount().scale();
        BigDecimal principal = terms.principal().amount();
        int n = terms.instalments();
        BigDecimal part = principal.divide(BigDecimal.valueOf(n), scale, RoundingMode.HALF_UP);
        return decliningBalance(terms, interest -> part);
    }

    /**
     * Interest on the declining balance each period; {@code principalPart} gives a period's principal from
     * its interest (never more than is outstanding), and the final instalment repays whatever is left.
     */
    private static List<Instalment> decliningBalance(ScheduleTerms terms, UnaryOperator<BigDecimal> principalPart) {
        int scale = terms.principal().amount().scale();
        int n = terms.instalments();
        List<Instalment> rows = new ArrayList<>();
        BigDecimal outstanding = terms.principal().amount();
        LocalDate previous = terms.disbursementDate();
        for (int k = 1; k <= n; k++) {
            LocalDate due = terms.frequency().dueDate(terms.disbursementDate(), k);
            BigDecimal interest = interest(terms, outstanding, previous, due, scale);
            BigDecimal repaid = k == n ? outstanding : principalPart.apply(interest).min(outstanding);
            outstanding = outstanding.subtract(repaid);
            rows.add(row(terms, k, due, repaid, interest, outstanding));
            previous = due;
        }
        return rows;
    }

    /**
     * Total interest = P x annual rate x term in years (n / periods per year), rounded HALF_UP, spread in
     * equal parts (HALF_UP) with the last absorbing the rounding; principal spread the same way.
     */
    private static List<Instalment> flat(ScheduleTerms terms) {
        int scale = terms.principal().amount().scale();
        BigDecimal principal = terms.principal().amount();
        int n = terms.instalments();
        BigDecimal years = BigDecimal.valueOf(n).divide(BigDecimal.valueOf(terms.frequency().periodsPerYear()),
                PRECISION);
        BigDecimal totalInterest = principal.multiply(terms.annualRate(), PRECISION).multiply(years, PRECISION)
                .setScale(scale, RoundingMode.HALF_UP);
        BigDecimal interestPart = totalInterest.divide(BigDecimal.valueOf(n), scale, RoundingMode.HALF_UP);
        BigDecimal principalPart = principal.divide(BigDecimal.valueOf(n), scale, RoundingMode.HALF_UP);
        List<Instalment> rows = new ArrayList<>();
        BigDecimal outstanding = principal;
        BigDecimal interestLeft = totalInterest;
        for (int k = 1; k <= n; k++) {
            LocalDate due = terms.frequency().dueDate(terms.disbursementDate(), k);
            BigDecimal principalNow = k == n ? outstanding : principalPart.min(outstanding);
            BigDecimal interestNow = k == n ? interestLeft : interestPart.min(interestLeft);
            outstanding = outstanding.subtract(principalNow);
            interestLeft = interestLeft.subtract(interestNow);
            rows.add(row(terms, k, due, principalNow, interestNow, outstanding));
        }
        return rows;
    }

    /** r = annual rate / periods per year, unrounded. */
    static BigDecimal periodicRate(ScheduleTerms terms) {
        return terms.annualRate().divide(BigDecimal.valueOf(terms.frequency().periodsPerYear()), PRECISION);
    }

    /** One period's interest on the outstanding principal, rounded HALF_UP to the currency's scale. */
    static BigDecimal interest(ScheduleTerms terms, BigDecimal outstanding, LocalDate from, LocalDate to, int scale) {
        return periodInterest(terms.annualRate(), terms.frequency(), terms.dayCount(), outstanding, from, to)
                .setScale(scale, RoundingMode.HALF_UP);
    }

    /**
     * A whole period's interest, unrounded: outstanding x r (30/360) or outstanding x annual rate x actual
     * days / 365 (ACT/365F).
     */
    public static BigDecimal periodInterest(BigDecimal annualRate, RepaymentFrequency frequency, DayCount dayCount,
                                            BigDecimal outstanding, LocalDate from, LocalDate to) {
        return switch (dayCount) {
            case THIRTY_360 -> outstanding.multiply(annualRate.divide(BigDecimal.valueOf(frequency.periodsPerYear()),
                    PRECISION), PRECISION);
            case ACT_365F -> outstanding.multiply(annualRate, PRECISION)
                    .multiply(BigDecimal.valueOf(ChronoUnit.DAYS.between(from, to)), PRECISION)
                    .divide(DAYS_PER_YEAR, PRECISION);
        };
    }

    /**
     * The part of a period's interest for its last days only, after a prepayment on {@code from}:
     * the whole period's interest on the new outstanding x days(from, due) / days(start, due), HALF_UP.
     */
    public static BigDecimal brokenPeriodInterest(BigDecimal annualRate, RepaymentFrequency frequency,
                                                  DayCount dayCount, BigDecimal outstanding, LocalDate start,
                                                  LocalDate from, LocalDate due, int scale) {
        BigDecimal whole = periodInterest(annualRate, frequency, dayCount, outstanding, start, due);
        return whole.multiply(BigDecimal.valueOf(ChronoUnit.DAYS.between(from, due)), PRECISION)
                .divide(BigDecimal.valueOf(ChronoUnit.DAYS.between(start, due)), PRECISION)
                .setScale(scale, RoundingMode.HALF_UP);
    }

    /** P r / (1 - (1 + r)^-n) HALF_UP, or P / n at a zero rate. */
    public static BigDecimal annuityInstalment(BigDecimal principal, BigDecimal periodicRate, int n, int scale) {
        return periodicRate.signum() == 0
                ? principal.divide(BigDecimal.valueOf(n), scale, RoundingMode.HALF_UP)
                : principal.multiply(periodicRate, PRECISION)
                        .divide(BigDecimal.ONE.subtract(BigDecimal.ONE.divide(
                                BigDecimal.ONE.add(periodicRate).pow(n, PRECISION), PRECISION), PRECISION), PRECISION)
                        .setScale(scale, RoundingMode.HALF_UP);
    }

    /**
     * The amount a schedule keeps constant: the annuity instalment, or the principal part of equal-principal
     * and flat schedules. A prepayment that reduces the term keeps it.
     */
    public static BigDecimal regularPayment(ScheduleTerms terms) {
        int scale = terms.principal().amount().scale();
        return terms.amortization() == Amortization.ANNUITY
                ? annuityInstalment(terms.principal().amount(), periodicRate(terms), terms.instalments(), scale)
                : terms.principal().amount().divide(BigDecimal.valueOf(terms.instalments()), scale,
                        RoundingMode.HALF_UP);
    }

    private static Instalment row(ScheduleTerms terms, int k, LocalDate due, BigDecimal principal, BigDecimal interest,
                                  BigDecimal outstanding) {
        var currency = terms.principal().currency();
        return new Instalment(k, due, new Money(principal, currency), new Money(interest, currency),
                new Money(principal.add(interest), currency), new Money(outstanding, currency));
    }
}
