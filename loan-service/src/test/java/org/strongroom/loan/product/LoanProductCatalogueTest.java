package org.strongroom.loan.product;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.strongroom.kernel.Money;
import org.strongroom.loan.schedule.Amortization;
import org.strongroom.loan.schedule.DayCount;
import org.strongroom.loan.schedule.RepaymentFrequency;

class LoanProductCatalogueTest {

    private static final Currency EUR = Currency.getInstance("EUR");
    private static final List<AllocationBucket> ORDER = List.of(AllocationBucket.PENALTIES, AllocationBucket.FEES,
            AllocationBucket.INTEREST, AllocationBucket.PRINCIPAL);

    /** A valid version; the rate tells versions apart. */
    private static LoanProduct product(String code, int version, String rate) {
        return new LoanProduct(code, version, code + " v" + version, "EUR", new BigDecimal("500.00"),
                new BigDecimal("20000.00"), 3, 36, new BigDecimal(rate), RepaymentFrequency.MONTHLY,
                Amortization.ANNUITY, DayCount.THIRTY_360, new BigDecimal("0.01"), new BigDecimal("0.10"), 5, ORDER,
                new BigDecimal("10000.00"));
    }

    private static LoanProduct valid() {
        return product("PERSONAL", 1, "0.0795");
    }

    /** A copy of {@code p} with some components replaced, for the validation cases. */
    private record Change(String code, Integer version, String currency, BigDecimal min, BigDecimal max,
                          Integer minInstalments, Integer maxInstalments, BigDecimal rate, RepaymentFrequency frequency,
                          Amortization amortization, DayCount dayCount, BigDecimal fee, BigDecimal penalty,
                          Integer grace, List<AllocationBucket> order, BigDecimal limit) {

        static Change none() {
            return new Change(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                    null);
        }

        LoanProduct applyTo(LoanProduct p) {
            return new LoanProduct(code != null ? code : p.code(), version != null ? version : p.version(), p.name(),
                    currency != null ? currency : p.currencyCode(), min != null ? min : p.minAmount(),
                    max != null ? max : p.maxAmount(), minInstalments != null ? minInstalments : p.minInstalments(),
                    maxInstalments != null ? maxInstalments : p.maxInstalments(), rate != null ? rate : p.annualRate(),
                    frequency != null ? frequency : p.frequency(),
                    amortization != null ? amortization : p.amortization(), dayCount != null ? dayCount : p.dayCount(),
                    fee != null ? fee : p.originationFeeRate(), penalty != null ? penalty : p.latePenaltyRate(),
                    grace != null ? grace : p.graceDays(), order != null ? order : p.allocationOrder(),
                    limit != null ? limit : p.autoApprovalLimit());
        }
    }

    private static BigDecimal dec(String value) {
        return new BigDecimal(value);
    }

    // ---------------------------------------------------------------- versions

    @Test
    void newApplicationsGetTheNewestVersionWhateverTheConfiguredOrder() {
        LoanProductCatalogue catalogue = new LoanProductCatalogue(List.of(product("PERSONAL", 2, "0.07"),
                product("PERSONAL", 10, "0.09"), product("PERSONAL", 1, "0.06")));
        assertThat(catalogue.current("PERSONAL")).contains(product("PERSONAL", 10, "0.09"));
    }

    @Test
    void olderVersionsStayReadableWithTheirOwnTerms() {
        LoanProductCatalogue catalogue = new LoanProductCatalogue(List.of(product("PERSONAL", 1, "0.06"),
                product("PERSONAL", 2, "0.07"), product("PERSONAL", 3, "0.08")));
        assertThat(catalogue.version("PERSONAL", 1)).map(LoanProduct::annualRate).contains(dec("0.06"));
        assertThat(catalogue.version("PERSONAL", 2)).contains(product("PERSONAL", 2, "0.07"));
        assertThat(catalogue.version("PERSONAL", 3)).contains(product("PERSONAL", 3, "0.08"));
        assertThat(catalogue.version("PERSONAL", 4)).isEmpty();
        assertThat(catalogue.version("MORTGAGE", 1)).isEmpty();
        assertThat(catalogue.current("MORTGAGE")).isEmpty();
    }

    @Test
    void theCurrentVersionOfEveryProductIsListedByCode() {
        LoanProductCatalogue catalogue = new LoanProductCatalogue(List.of(product("PERSONAL", 1, "0.06"),
                product("CAR", 1, "0.05"), product("PERSONAL", 2, "0.07"), product("BUSINESS", 4, "0.09")));
        assertThat(catalogue.currentVersions()).containsExactly(product("BUSINESS", 4, "0.09"),
                product("CAR", 1, "0.05"), product("PERSONAL", 2, "0.07"));
        assertThat(new LoanProductCatalogue(List.of()).currentVersions()).isEmpty();
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void aVersionConfiguredTwiceIsRefused() {
        assertThatThrownBy(() -> new LoanProductCatalogue(List.of(product("PERSONAL", 1, "0.06"),
                product("PERSONAL", 2, "0.07"), product("PERSONAL", 2, "0.08"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PERSONAL v2: configured twice")
                .hasMessageNotContaining("PERSONAL v1");
        // even identical
        assertThatThrownBy(() -> new LoanProductCatalogue(List.of(valid(), valid())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PERSONAL v1: configured twice");
    }

    @Test
    void everyInvalidAndDuplicateVersionIsNamedAtOnce() {
        LoanProduct badRateAndGrace = new LoanProduct("CAR", 3, "car", "EUR", dec("500.00"), dec("20000.00"),
                3, 36, dec("1.5"), RepaymentFrequency.MONTHLY, Amortization.ANNUITY, DayCount.THIRTY_360,
                dec("0.01"), dec("0.10"), 91, ORDER, dec("10000.00"));
        LoanProduct badVersion = product("BUSINESS", 0, "0.05");
        assertThatThrownBy(() -> new LoanProductCatalogue(List.of(valid(), badRateAndGrace, product("PERSONAL", 1,
                "0.07"), badVersion, product("CAR", 1, "0.05"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CAR v3: annual rate must be between 0 and 1 (100 %); grace days must be 0-90")
                .hasMessageContaining("PERSONAL v1: configured twice")
                .hasMessageContaining("BUSINESS v0: version must be at least 1")
                .hasMessageNotContaining("CAR v1");
    }

    static Stream<Arguments> oneProblemAtATime() {
        return Stream.of(
                Arguments.of(new Change("personal", null, null, null, null, null, null, null, null, null, null, null,
                        null, null, null, null), "code must be 1-32 of A-Z, 0-9, _ and -"),
                Arguments.of(new Change("A".repeat(33), null, null, null, null, null, null, null, null, null, null,
                        null, null, null, null, null), "code must be"),
                Arguments.of(new Change("-PERSONAL", null, null, null, null, null, null, null, null, null, null, null,
                        null, null, null, null), "code must be"),
                Arguments.of(new Change(null, 0, null, null, null, null, null, null, null, null, null, null, null,
                        null, null, null), "version must be at least 1"),
                Arguments.of(new Change(null, null, "EURO", null, null, null, null, null, null, null, null, null,
                        null, null, null, null), "currency EURO is not an ISO 4217 code"),
                Arguments.of(new Change(null, null, null, dec("0.00"), null, null, null, null, null, null, null, null,
                        null, null, null, null), "amounts need 0 < min <= max"),
                Arguments.of(new Change(null, null, null, dec("30000.00"), null, null, null, null, null, null, null,
                        null, null, null, null, null), "amounts need 0 < min <= max"),
                Arguments.of(new Change(null, null, null, null, null, 0, null, null, null, null, null, null, null,
                        null, null, null), "instalments need 1 <= min <= max <= 600"),
                Arguments.of(new Change(null, null, null, null, null, 40, null, null, null, null, null, null, null,
                        null, null, null), "instalments need"),
                Arguments.of(new Change(null, null, null, null, null, null, 601, null, null, null, null, null, null,
                        null, null, null), "instalments need"),
                Arguments.of(new Change(null, null, null, null, null, null, null, dec("-0.01"), null, null, null, null,
                        null, null, null, null), "annual rate must be between 0 and 1 (100 %)"),
                Arguments.of(new Change(null, null, null, null, null, null, null, dec("1.01"), null, null, null, null,
                        null, null, null, null), "annual rate must be"),
                Arguments.of(new Change(null, null, null, null, null, null, null, null, null, null, null, dec("0.21"),
                        null, null, null, null), "origination fee rate must be between 0 and 0.2"),
                Arguments.of(new Change(null, null, null, null, null, null, null, null, null, null, null, null,
                        dec("1.5"), null, null, null), "late penalty rate must be between 0 and 1"),
                Arguments.of(new Change(null, null, null, null, null, null, null, null, null, null, null, null, null,
                        -1, null, null), "grace days must be 0-90"),
                Arguments.of(new Change(null, null, null, null, null, null, null, null, null, null, null, null, null,
                        null, List.of(AllocationBucket.PRINCIPAL, AllocationBucket.INTEREST, AllocationBucket.FEES),
                        null), "allocation order must list each of [PENALTIES, FEES, INTEREST, PRINCIPAL] once"),
                Arguments.of(new Change(null, null, null, null, null, null, null, null, null, null, null, null, null,
                        null, List.of(AllocationBucket.PRINCIPAL, AllocationBucket.PRINCIPAL, AllocationBucket.FEES,
                        AllocationBucket.INTEREST), null), "allocation order must list each"),
                Arguments.of(new Change(null, null, null, null, null, null, null, null, null, null, null, null, null,
                        null, List.of(), null), "allocation order must list each"),
                Arguments.of(new Change(null, null, null, null, null, null, null, null, null, null, null, null, null,
                        null, null, dec("-1.00")), "auto-approval limit must not be negative"),
                Arguments.of(Change.none(), null));
    }

    @ParameterizedTest
    @MethodSource("oneProblemAtATime")
    void eachRuleOfAVersionIsChecked(Change change, String problem) {
        LoanProduct product = change.applyTo(valid());
        if (problem == null) {
            assertThat(product.problems()).isEmpty();
            assertThat(new LoanProductCatalogue(List.of(product)).current("PERSONAL")).contains(product);
        } else {
            assertThat(product.problems()).singleElement().asString().startsWith(problem);
            assertThatThrownBy(() -> new LoanProductCatalogue(List.of(product)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(problem);
        }
    }

    @Test
    void missingComponentsAreProblemsNotCrashes() {
        LoanProduct missing = new LoanProduct(null, 1, "nothing", null, null, null, 1, 1, null, null, null, null,
                null, null, 0, ORDER, null);
        assertThat(missing.problems()).containsExactly("code must be 1-32 of A-Z, 0-9, _ and -",
                "currency null is not an ISO 4217 code", "amounts need 0 < min <= max",
                "annual rate must be between 0 and 1 (100 %)", "frequency, amortization and day count are required",
                "origination fee rate must be between 0 and 0.2", "late penalty rate must be between 0 and 1",
                "auto-approval limit must not be negative");
    }

    @Test
    void theBoundariesThemselvesAreAllowed() {
        LoanProduct edges = new LoanProduct("Z9_-", 1, "edges", "JPY", dec("1"), dec("1"), 600, 600, dec("1"),
                RepaymentFrequency.WEEKLY, Amortization.FLAT, DayCount.ACT_365F, dec("0.2"), dec("1"), 90,
                List.of(AllocationBucket.PRINCIPAL, AllocationBucket.PENALTIES, AllocationBucket.INTEREST,
                        AllocationBucket.FEES), dec("0"));
        assertThat(edges.problems()).isEmpty();
        LoanProduct zeros = new LoanProduct("Z", 1, "zeros", "EUR", dec("0.01"), dec("0.01"), 1, 1, dec("0"),
                RepaymentFrequency.MONTHLY, Amortization.ANNUITY, DayCount.THIRTY_360, dec("0"), dec("0"), 0, ORDER,
                dec("0"));
        assertThat(zeros.problems()).isEmpty();
    }

    @Test
    void aVersionRecordsItsAllocationOrderAsConfiguredAndUnchangeable() {
        List<AllocationBucket> order = new ArrayList<>(ORDER);
        LoanProduct product = valid();
        LoanProduct copy = new LoanProduct(product.code(), 1, product.name(), "EUR", product.minAmount(),
                product.maxAmount(), 3, 36, product.annualRate(), product.frequency(), product.amortization(),
                product.dayCount(), product.originationFeeRate(), product.latePenaltyRate(), 5, order,
                product.autoApprovalLimit());
        order.clear();
        assertThat(copy.allocationOrder()).containsExactlyElementsOf(ORDER);
        assertThatThrownBy(() -> copy.allocationOrder().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theOriginationFeeIsRoundedHalfUpToTheCurrencysMinorUnit() {
        // 1003.00 x 0.015 = 15.045 -> 15.05 (HALF_EVEN would give 15.04)
        LoanProduct fifteen = new LoanProduct("P", 1, "p", "EUR", dec("1"), dec("9999"), 1, 12, dec("0.1"),
                RepaymentFrequency.MONTHLY, Amortization.ANNUITY, DayCount.THIRTY_360, dec("0.015"), dec("0.1"), 0,
                ORDER, dec("0"));
        assertThat(fifteen.originationFee(new Money(dec("1003.00"), EUR))).isEqualTo(new Money(dec("15.05"), EUR));
        // 1234.56 x 0.01 = 12.3456 -> 12.35
        assertThat(valid().originationFee(new Money(dec("1234.56"), EUR))).isEqualTo(new Money(dec("12.35"), EUR));
        // yen has no minor unit: 100,050 x 0.015 = 1500.75 -> 1501
        Currency jpy = Currency.getInstance("JPY");
        assertThat(fifteen.originationFee(new Money(dec("100050"), jpy))).isEqualTo(new Money(dec("1501"), jpy));
    }
}
