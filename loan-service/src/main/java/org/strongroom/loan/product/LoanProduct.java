package org.strongroom.loan.product;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import org.strongroom.kernel.FieldViolation;
import org.strongroom.kernel.Money;
import org.strongroom.loan.schedule.Amortization;
import org.strongroom.loan.schedule.DayCount;
import org.strongroom.loan.schedule.RepaymentFrequency;

/**
 * One version of a loan product. A loan records the whole version it was opened with, so later versions
 * (a new rate, new limits) never change an existing loan.
 *
 * @param annualRate          nominal annual rate as a fraction (0.12 = 12 %)
 * @param originationFeeRate  fee as a fraction of the principal, charged at disbursement and due with the
 *                            first instalment
 * @param latePenaltyRate     annual rate of penalty interest on overdue principal (ACT/365, daily)
 * @param graceDays           days past due before penalty interest starts
 * @param autoApprovalLimit   largest principal an APPROVED decision disburses without a loan officer
 */
public record LoanProduct(String code, int version, String name, String currencyCode, BigDecimal minAmount,
                          BigDecimal maxAmount, int minInstalments, int maxInstalments, BigDecimal annualRate,
                          RepaymentFrequency frequency, Amortization amortization, DayCount dayCount,
                          BigDecimal originationFeeRate, BigDecimal latePenaltyRate, int graceDays,
                          List<AllocationBucket> allocationOrder, BigDecimal autoApprovalLimit) {

    public LoanProduct {
        allocationOrder = List.copyOf(allocationOrder);
    }

    /** The origination fee on a principal, HALF_UP to the minor unit. */
    public Money originationFee(Money principal) {
        return new Money(principal.amount().multiply(originationFeeRate)
                .setScale(principal.amount().scale(), RoundingMode.HALF_UP), principal.currency());
    }

    /**
     * What is wrong with a principal and a number of instalments for this product (currency, amount range,
     * term range), as field violations; empty when the product lends them.
     */
    public List<FieldViolation> termViolations(Money principal, int instalments) {
        List<FieldViolation> violations = new ArrayList<>();
        if (!principal.currency().getCurrencyCode().equals(currencyCode)) {
            violations.add(new FieldViolation("principal", "product " + code + " lends "
                    + currencyCode + ", not " + principal.currency().getCurrencyCode()));
        } else if (principal.amount().compareTo(minAmount) < 0 || principal.amount().compareTo(maxAmount) > 0) {
            violations.add(new FieldViolation("principal", "must be between "
                    + minAmount.toPlainString() + " and " + maxAmount.toPlainString() + " " + currencyCode));
        }
        if (instalments < minInstalments || instalments > maxInstalments) {
            violations.add(new FieldViolation("instalments", "must be between "
                    + minInstalments + " and " + maxInstalments + " for product " + code));
        }
        return violations;
    }

    /** Everything wrong with this version, empty when it can be offered. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (code == null || !code.matches("[A-Z0-9][A-Z0-9_-]{0,31}")) {
            problems.add("code must be 1-32 of A-Z, 0-9, _ and -");
        }
        if (version < 1) {
            problems.add("version must be at least 1");
        }
        try {
            java.util.Currency.getInstance(Objects.requireNonNull(currencyCode));
        } catch (RuntimeException e) {
            problems.add("currency " + currencyCode + " is not an ISO 4217 code");
        }
        if (minAmount == null || maxAmount == null || minAmount.signum() <= 0 || maxAmount.compareTo(minAmount) < 0) {
            problems.add("amounts need 0 < min <= max");
        }
        if (minInstalments < 1 || maxInstalments < minInstalments || maxInstalments > 600) {
            problems.add("instalments need 1 <= min <= max <= 600");
        }
        if (annualRate == null || annualRate.signum() < 0 || annualRate.compareTo(BigDecimal.ONE) > 0) {
            problems.add("annual rate must be between 0 and 1 (100 %)");
        }
        if (frequency == null || amortization == null || dayCount == null) {
            problems.add("frequency, amortization and day count are required");
        }
        if (originationFeeRate == null || originationFeeRate.signum() < 0
                || originationFeeRate.compareTo(new BigDecimal("0.2")) > 0) {
            problems.add("origination fee rate must be between 0 and 0.2");
        }
        if (latePenaltyRate == null || latePenaltyRate.signum() < 0 || latePenaltyRate.compareTo(BigDecimal.ONE) > 0) {
            problems.add("late penalty rate must be between 0 and 1");
        }
        if (graceDays < 0 || graceDays > 90) {
            problems.add("grace days must be 0-90");
        }
        if (allocationOrder == null || allocationOrder.size() != AllocationBucket.values().length
                || !EnumSet.copyOf(allocationOrder).equals(EnumSet.allOf(AllocationBucket.class))) {
            problems.add("allocation order must list each of " + List.of(AllocationBucket.values()) + " once");
        }
        if (autoApprovalLimit == null || autoApprovalLimit.signum() < 0) {
            problems.add("auto-approval limit must not be negative");
        }
        return problems;
    }
}
