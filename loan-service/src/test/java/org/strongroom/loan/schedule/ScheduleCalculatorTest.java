package org.strongroom.loan.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.strongroom.kernel.Money;

/** Worked examples computed by hand (docs/loans.md shows the arithmetic), and the rules for every combination. */
class ScheduleCalculatorTest {

    private static final Currency EUR = Currency.getInstance("EUR");
    private static final Currency JPY = Currency.getInstance("JPY");

    private static Money eur(String amount) {
        return new Money(new BigDecimal(amount), EUR);
    }

    private static List<Instalment> schedule(Money principal, String rate, int n, RepaymentFrequency frequency,
                                             Amortization amortization, DayCount dayCount, LocalDate disbursed) {
        return ScheduleCalculator.schedule(new ScheduleTerms(principal, new BigDecimal(rate), n, frequency,
                amortization, dayCount, disbursed));
    }

    /** number, due date, principal, interest, total, outstanding after. */
    private static void row(Instalment row, int number, String due, String principal, String interest, String total,
                            String outstanding) {
        Currency currency = row.total().currency();
        assertThat(row.number()).isEqualTo(number);
        assertThat(row.dueDate()).isEqualTo(LocalDate.parse(due));
        assertThat(row.principal()).isEqualTo(new Money(new BigDecimal(principal), currency));
        assertThat(row.interest()).isEqualTo(new Money(new BigDecimal(interest), currency));
        assertThat(row.total()).isEqualTo(new Money(new BigDecimal(total), currency));
        assertThat(row.outstandingAfter()).isEqualTo(new Money(new BigDecimal(outstanding), currency));
    }

    @Test
    void annuityMonthly30360() {
        // r = 0.12 / 12 = 0.01; 1000 x 0.01 / (1 - 1.01^-3) = 340.0221... -> 340.02
        List<Instalment> rows = schedule(eur("1000.00"), "0.12", 3, RepaymentFrequency.MONTHLY, Amortization.ANNUITY,
                DayCount.THIRTY_360, LocalDate.parse("2026-01-15"));
        row(rows.get(0), 1, "2026-02-15", "330.02", "10.00", "340.02", "669.98");
        row(rows.get(1), 2, "2026-03-15", "333.32", "6.70", "340.02", "336.66"); // 669.98 x 0.01 = 6.6998
        row(rows.get(2), 3, "2026-04-15", "336.66", "3.37", "340.03", "0.00");   // last: the rest + 3.3666
    }

    @Test
    void annuityMonthlyAct365FromTheEndOfJanuary() {
        // r = 0.10 / 12; 1200 r / (1 - (1 + r)^-2) = 607.5141... -> 607.51
        List<Instalment> rows = schedule(eur("1200.00"), "0.10", 2, RepaymentFrequency.MONTHLY, Amortization.ANNUITY,
                DayCount.ACT_365F, LocalDate.parse("2025-01-31"));
        // Jan 31 -> Feb 28: 28 days, 1200 x 0.10 x 28 / 365 = 9.2055
        row(rows.get(0), 1, "2025-02-28", "598.30", "9.21", "607.51", "601.70");
        // Feb 28 -> Mar 31: 31 days, 601.70 x 0.10 x 31 / 365 = 5.1103
        row(rows.get(1), 2, "2025-03-31", "601.70", "5.11", "606.81", "0.00");
    }

    @Test
    void equalPrincipalQuarterly30360() {
        // 1000 / 3 = 333.33 (last 333.34); r = 0.08 / 4 = 0.02
        List<Instalment> rows = schedule(eur("1000.00"), "0.08", 3, RepaymentFrequency.QUARTERLY,
                Amortization.EQUAL_PRINCIPAL, DayCount.THIRTY_360, LocalDate.parse("2026-11-30"));
        row(rows.get(0), 1, "2027-02-28", "333.33", "20.00", "353.33", "666.67");
        row(rows.get(1), 2, "2027-05-30", "333.33", "13.33", "346.66", "333.34"); // 13.3334
        row(rows.get(2), 3, "2027-08-30", "333.34", "6.67", "340.01", "0.00");    // 6.6668
    }

    @Test
    void equalPrincipalMonthlyAct365InALeapYear() {
        // Jan 31 2024 -> Feb 29 (29 days) -> Mar 31 (31) -> Apr 30 (30)
        List<Instalment> rows = schedule(eur("900.00"), "0.06", 3, RepaymentFrequency.MONTHLY,
                Amortization.EQUAL_PRINCIPAL, DayCount.ACT_365F, LocalDate.parse("2024-01-31"));
        row(rows.get(0), 1, "2024-02-29", "300.00", "4.29", "304.29", "600.00"); // 900 x .06 x 29/365 = 4.2904
        row(rows.get(1), 2, "2024-03-31", "300.00", "3.06", "303.06", "300.00"); // 600 x .06 x 31/365 = 3.0575
        row(rows.get(2), 3, "2024-04-30", "300.00", "1.48", "301.48", "0.00");   // 300 x .06 x 30/365 = 1.4794
    }

    @Test
    void flatWeekly() {
        // total interest 1000 x 0.10 x 4/52 = 7.6923 -> 7.69; 7.69 / 4 = 1.9225 -> 1.92, the last 1.93
        List<Instalment> rows = schedule(eur("1000.00"), "0.10", 4, RepaymentFrequency.WEEKLY, Amortization.FLAT,
                DayCount.THIRTY_360, LocalDate.parse("2026-11-23"));
        row(rows.get(0), 1, "2026-11-30", "250.00", "1.92", "251.92", "750.00");
        row(rows.get(1), 2, "2026-12-07", "250.00", "1.92", "251.92", "500.00");
        row(rows.get(2), 3, "2026-12-14", "250.00", "1.92", "251.92", "250.00");
        row(rows.get(3), 4, "2026-12-21", "250.00", "1.93", "251.93", "0.00");
    }

    @Test
    void yenHasNoMinorUnit() {
        // 100000 x 0.01 / (1 - 1.01^-3) = 34002.21 -> 34002
        List<Instalment> rows = schedule(new Money(new BigDecimal("100000"), JPY), "0.12", 3,
                RepaymentFrequency.MONTHLY, Amortization.ANNUITY, DayCount.THIRTY_360, LocalDate.parse("2026-03-10"));
        row(rows.get(0), 1, "2026-04-10", "33002", "1000", "34002", "66998");
        row(rows.get(1), 2, "2026-05-10", "33332", "670", "34002", "33666");   // 669.98 -> 670
        row(rows.get(2), 3, "2026-06-10", "33666", "337", "34003", "0");       // 336.66 -> 337
    }

    @Test
    void aZeroRateRepaysOnlyPrincipal() {
        List<Instalment> rows = schedule(eur("100.00"), "0", 3, RepaymentFrequency.MONTHLY, Amortization.ANNUITY,
                DayCount.ACT_365F, LocalDate.parse("2026-01-01"));
        row(rows.get(0), 1, "2026-02-01", "33.33", "0.00", "33.33", "66.67");
        row(rows.get(1), 2, "2026-03-01", "33.33", "0.00", "33.33", "33.34");
        row(rows.get(2), 3, "2026-04-01", "33.34", "0.00", "33.34", "0.00");
    }

    @Test
    void dueDatesKeepTheDisbursementDayClampedToShortMonths() {
        LocalDate jan31 = LocalDate.parse("2025-01-31");
        assertThat(List.of(1, 2, 3, 4).stream().map(k -> RepaymentFrequency.MONTHLY.dueDate(jan31, k)).toList())
                .containsExactly(LocalDate.parse("2025-02-28"), LocalDate.parse("2025-03-31"),
                        LocalDate.parse("2025-04-30"), LocalDate.parse("2025-05-31"));
        assertThat(RepaymentFrequency.QUARTERLY.dueDate(LocalDate.parse("2023-11-30"), 1))
                .isEqualTo(LocalDate.parse("2024-02-29"));
        assertThat(RepaymentFrequency.WEEKLY.dueDate(LocalDate.parse("2026-12-29"), 1))
                .isEqualTo(LocalDate.parse("2027-01-05"));
    }

    @Test
    void impossibleTermsAreRefused() {
        LocalDate day = LocalDate.parse("2026-01-01");
        assertThatThrownBy(() -> schedule(eur("100.00"), "-0.01", 3, RepaymentFrequency.MONTHLY, Amortization.ANNUITY,
                DayCount.THIRTY_360, day)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> schedule(eur("100.00"), "0.05", 0, RepaymentFrequency.MONTHLY, Amortization.ANNUITY,
                DayCount.THIRTY_360, day)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> schedule(eur("0.00"), "0.05", 3, RepaymentFrequency.MONTHLY, Amortization.ANNUITY,
                DayCount.THIRTY_360, day)).isInstanceOf(IllegalArgumentException.class);
    }

    static Stream<Arguments> everyCombination() {
        List<Arguments> all = new ArrayList<>();
        for (Amortization amortization : Amortization.values()) {
            for (RepaymentFrequency frequency : RepaymentFrequency.values()) {
                for (DayCount dayCount : DayCount.values()) {
                    all.add(Arguments.of(amortization, frequency, dayCount));
                }
            }
        }
        return all.stream();
    }

    /** The rules of every amortization x frequency x day count, on an awkward amount over a long term. */
    @ParameterizedTest
    @MethodSource("everyCombination")
    void everyCombinationFollowsItsRules(Amortization amortization, RepaymentFrequency frequency, DayCount dayCount) {
        Money principal = eur("10007.33");
        BigDecimal rate = new BigDecimal("0.0795");
        LocalDate disbursed = LocalDate.parse("2024-01-31");
        int n = 25;
        List<Instalment> rows = schedule(principal, rate.toPlainString(), n, frequency, amortization, dayCount,
                disbursed);

        assertThat(rows).hasSize(n);
        BigDecimal repaid = BigDecimal.ZERO;
        BigDecimal outstanding = principal.amount();
        LocalDate previous = disbursed;
        for (Instalment row : rows) {
            assertThat(row.dueDate()).isEqualTo(frequency.dueDate(disbursed, row.number()));
            assertThat(row.principal().amount().signum()).isGreaterThanOrEqualTo(0);
            assertThat(row.interest().amount().signum()).isGreaterThanOrEqualTo(0);
            assertThat(row.total()).isEqualTo(row.principal().plus(row.interest()));
            outstanding = outstanding.subtract(row.principal().amount());
            assertThat(row.outstandingAfter().amount()).isEqualByComparingTo(outstanding);
            if (amortization != Amortization.FLAT) {
                // Interest is the period's rate on what was outstanding before the instalment.
                BigDecimal before = outstanding.add(row.principal().amount());
                assertThat(row.interest().amount()).isEqualByComparingTo(ScheduleCalculator.interest(new ScheduleTerms(
                        principal, rate, n, frequency, amortization, dayCount, disbursed), before, previous,
                        row.dueDate(), 2));
            }
            repaid = repaid.add(row.principal().amount());
            previous = row.dueDate();
        }
        assertThat(repaid).isEqualByComparingTo(principal.amount());
        assertThat(rows.get(n - 1).outstandingAfter().isZero()).isTrue();
        List<Instalment> allButLast = rows.subList(0, n - 1);
        switch (amortization) {
            case ANNUITY -> assertThat(allButLast).extracting(Instalment::total).containsOnly(rows.get(0).total());
            case EQUAL_PRINCIPAL -> assertThat(allButLast).extracting(Instalment::principal)
                    .containsOnly(eur("400.29")); // 10007.33 / 25 = 400.2932
            case FLAT -> {
                BigDecimal totalInterest = rows.stream().map(row -> row.interest().amount())
                        .reduce(BigDecimal.ZERO, BigDecimal::add);
                BigDecimal years = BigDecimal.valueOf(n).divide(BigDecimal.valueOf(frequency.periodsPerYear()),
                        java.math.MathContext.DECIMAL128);
                assertThat(totalInterest).isEqualByComparingTo(principal.amount().multiply(rate).multiply(years)
                        .setScale(2, java.math.RoundingMode.HALF_UP));
            }
            default -> throw new AssertionError(amortization);
        }
    }
}
