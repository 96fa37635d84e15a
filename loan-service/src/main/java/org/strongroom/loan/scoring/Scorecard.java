package org.strongroom.loan.scoring;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The credit policy, version {@value #VERSION}: knock-out rules, then points out of 100. Pure and
 * deterministic: the same profile and request give the same decision, so every recorded decision can be
 * recomputed by an auditor. docs/loans.md lists the rules; a change of any rule is a new version.
 */
public final class Scorecard {

    public static final String VERSION = "SC-2026.1";

    static final int APPROVE_FROM = 60;
    static final int REVIEW_FROM = 40;

    private static final BigDecimal HALF = new BigDecimal("0.5");
    private static final BigDecimal FORTY_PERCENT = new BigDecimal("0.4");
    private static final BigDecimal THIRTY_PERCENT = new BigDecimal("0.3");
    private static final BigDecimal THREE = BigDecimal.valueOf(3);

    private Scorecard() {
    }

    /**
     * @param monthlyInstalment the monthly equivalent of the requested loan's regular instalment
     */
    public static CreditDecision decide(CreditProfile profile, BigDecimal monthlyInstalment) {
        List<String> reasons = new ArrayList<>();
        BigDecimal income = profile.declaredMonthlyIncome();
        BigDecimal obligations = profile.existingMonthlyInstalments().add(monthlyInstalment);

        // Knock-outs: no points can outweigh them.
        if (profile.writtenOffLoans() > 0) {
            reasons.add("WRITTEN_OFF_LOAN_HISTORY");
        }
        if (income.signum() <= 0 || obligations.compareTo(income.multiply(HALF)) > 0) {
            reasons.add("INSTALMENTS_ABOVE_HALF_OF_INCOME");
        }
        if (profile.worstDaysPastDue() > 90) {
            reasons.add("PAST_DELINQUENCY_OVER_90_DAYS");
        }
        if (!reasons.isEmpty()) {
            return new CreditDecision(CreditOutcome.REJECTED, 0, reasons, VERSION);
        }

        int score = 0;
        if (profile.accountAgeDays() >= 365) {
            score += 20;
        } else if (profile.accountAgeDays() >= 90) {
            score += 10;
            reasons.add("ACCOUNT_YOUNGER_THAN_1_YEAR");
        } else {
            reasons.add("ACCOUNT_YOUNGER_THAN_90_DAYS");
        }
        if (profile.averageBalance90d().compareTo(monthlyInstalment.multiply(THREE)) >= 0) {
            score += 20;
        } else if (profile.averageBalance90d().compareTo(monthlyInstalment) >= 0) {
            score += 10;
            reasons.add("AVERAGE_BALANCE_BELOW_3_INSTALMENTS");
        } else {
            reasons.add("AVERAGE_BALANCE_BELOW_1_INSTALMENT");
        }
        if (profile.minimumBalance90d().signum() >= 0) {
            score += 10;
        } else {
            reasons.add("OVERDRAWN_IN_LAST_90_DAYS");
        }
        if (profile.monthsWithInflows() >= 3) {
            score += 20;
        } else if (profile.monthsWithInflows() == 2) {
            score += 10;
            reasons.add("INFLOWS_IN_ONLY_2_OF_3_MONTHS");
        } else {
            reasons.add("NO_REGULAR_INFLOWS");
        }
        BigDecimal debtToIncome = obligations.divide(income, MathContext.DECIMAL64);
        if (debtToIncome.compareTo(THIRTY_PERCENT) <= 0) {
            score += 20;
        } else if (debtToIncome.compareTo(FORTY_PERCENT) <= 0) {
            score += 10;
            reasons.add("INSTALMENTS_ABOVE_30_PERCENT_OF_INCOME");
        } else {
            reasons.add("INSTALMENTS_ABOVE_40_PERCENT_OF_INCOME");
        }
        if (profile.worstDaysPastDue() == 0) {
            score += 10;
        } else if (profile.worstDaysPastDue() <= 30) {
            score += 5;
            reasons.add("PAST_DELINQUENCY_UP_TO_30_DAYS");
        } else {
            reasons.add("PAST_DELINQUENCY_OVER_30_DAYS");
        }
        CreditOutcome outcome = score >= APPROVE_FROM ? CreditOutcome.APPROVED
                : score >= REVIEW_FROM ? CreditOutcome.MANUAL_REVIEW : CreditOutcome.REJECTED;
        return new CreditDecision(outcome, score, reasons, VERSION);
    }
}
