package org.strongroom.gateway.loan;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.strongroom.account.api.AccountDetails;
import org.strongroom.kernel.Money;
import org.strongroom.loan.scoring.CreditProfile;
import org.strongroom.projections.loan.LoanViews;
import org.strongroom.projections.loan.LoanViews.CreditHistory;

/**
 * Reads an applicant's credit profile from the bank's projections: the disbursement account's statement
 * (end-of-day balances and inflows over the last 90 business days) and the customer's loans.
 */
@Component
public class CreditProfiles {

    static final int WINDOW_DAYS = 90;

    private final JdbcTemplate jdbc;
    private final LoanViews loans;

    public CreditProfiles(JdbcTemplate jdbc, LoanViews loans) {
        this.jdbc = jdbc;
        this.loans = loans;
    }

    public CreditProfile profile(AccountDetails account, Money declaredIncome, LocalDate businessDate) {
        String accountId = account.accountId();
        LocalDate from = businessDate.minusDays(WINDOW_DAYS - 1L);
        // End-of-day balance on each day of the window: the balance after that day's last posting, or the
        // last one before it (0 before the account's first posting).
        var balances = jdbc.queryForMap("""
                SELECT AVG(b) AS average, MIN(b) AS minimum FROM (
                  SELECT COALESCE((SELECT t.balance_after FROM account_transaction t
                                   WHERE t.account_id = ? AND t.business_date <= d.day
                                   ORDER BY t.posting_sequence DESC LIMIT 1), 0) AS b
                  FROM generate_series(?::date, ?::date, interval '1 day') AS d(day)) days
                """, accountId, from, businessDate);
        int scale = Money.scaleOf(declaredIncome.currency());
        BigDecimal average = ((BigDecimal) balances.get("average")).setScale(scale, RoundingMode.HALF_UP);
        BigDecimal minimum = (BigDecimal) balances.get("minimum");
        // Inflows: credits other than loan disbursements, per 30-day window, against a tenth of the income.
        BigDecimal threshold = declaredIncome.amount().divide(BigDecimal.TEN, scale, RoundingMode.HALF_UP);
        int months = 0;
        for (int k = 0; k < 3; k++) {
            LocalDate end = businessDate.minusDays(30L * k);
            BigDecimal inflow = jdbc.queryForObject("""
                    SELECT COALESCE(SUM(amount), 0) FROM account_transaction
                    WHERE account_id = ? AND direction = 'CREDIT' AND counterparty_type NOT IN ('LOAN')
                      AND business_date > ? AND business_date <= ?
                    """, BigDecimal.class, accountId, end.minusDays(30), end);
            if (inflow.signum() > 0 && inflow.compareTo(threshold) >= 0) {
                months++;
            }
        }
        CreditHistory history = loans.creditHistory(account.customerId(), declaredIncome.currency().getCurrencyCode());
        long age = account.openingBusinessDate() == null ? 0
                : Math.max(0, ChronoUnit.DAYS.between(account.openingBusinessDate(), businessDate));
        return new CreditProfile(age, average, minimum.setScale(scale, RoundingMode.HALF_UP), months,
                history.activeExposure().setScale(scale, RoundingMode.HALF_UP),
                history.activeMonthlyInstalments().setScale(scale, RoundingMode.HALF_UP), history.worstDaysPastDue(),
                history.writtenOffLoans(), declaredIncome.amount());
    }
}
