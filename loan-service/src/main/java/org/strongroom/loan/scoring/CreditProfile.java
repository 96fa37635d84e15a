package org.strongroom.loan.scoring;

import java.math.BigDecimal;

/**
 * What the bank knows of an applicant when it decides, read from its projections, plus what the applicant
 * declared. Recorded with the decision, so the decision can be reproduced from the event alone. Amounts are
 * in the loan's currency.
 *
 * @param accountAgeDays            business days since the disbursement account was opened
 * @param averageBalance90d         mean end-of-day balance of the account over the last 90 business days
 * @param minimumBalance90d         lowest end-of-day balance over the same days
 * @param monthsWithInflows         of the last three 30-day windows, how many had credits from outside the
 *                                  customer's own accounts of at least a tenth of the declared income
 * @param existingExposure          outstanding balance of the customer's active loans
 * @param existingMonthlyInstalments monthly equivalent of the customer's active loans' instalments
 * @param worstDaysPastDue          the highest days past due any of the customer's loans ever reached
 * @param writtenOffLoans           how many of the customer's loans were written off
 * @param declaredMonthlyIncome     what the applicant declared
 */
public record CreditProfile(long accountAgeDays, BigDecimal averageBalance90d, BigDecimal minimumBalance90d,
                            int monthsWithInflows, BigDecimal existingExposure, BigDecimal existingMonthlyInstalments,
                            int worstDaysPastDue, int writtenOffLoans, BigDecimal declaredMonthlyIncome) {
}
