package org.strongroom.projections.loan;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Reads of the loan view: a customer's loans, schedules, the portfolio, and what close of business owes. */
@Component
public class LoanViews {

    private final JdbcTemplate jdbc;

    public LoanViews(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A loan as the view has it. */
    public record LoanRow(String loanId, String customerId, String accountId, String productCode, int productVersion,
                          String status, String currencyCode, BigDecimal principal, BigDecimal fee, int instalments,
                          String decisionOutcome, int decisionScore, List<String> decisionReasons,
                          String scorecardVersion, List<String> referralReasons, String approvalId,
                          LocalDate applicationDate, LocalDate disbursementDate, BigDecimal principalOutstanding,
                          BigDecimal interestAccrued, BigDecimal penaltiesOutstanding, BigDecimal feesOutstanding,
                          int daysPastDue, String delinquencyBucket, BigDecimal writtenOff, BigDecimal recovered,
                          java.time.Instant createTime, java.time.Instant updateTime) {
    }

    public record InstalmentRow(int number, LocalDate dueDate, BigDecimal principal, BigDecimal interest,
                                BigDecimal paidPrincipal, BigDecimal paidInterest) {
    }

    /** Active loans of one product and delinquency bucket, summed. */
    public record PortfolioRow(String productCode, String currencyCode, String delinquencyBucket, long loans,
                               BigDecimal principalOutstanding, BigDecimal totalOutstanding) {
    }

    /** What the scorecard reads of a customer's loans. */
    public record CreditHistory(BigDecimal activeExposure, BigDecimal activeMonthlyInstalments, int worstDaysPastDue,
                                int writtenOffLoans) {
    }

    /** Where a page of a customer's loans ends: the last loan served (newest first, then by id). */
    public record LoanCursor(java.time.Instant createTime, String loanId) {
    }

    /** A customer's loans, newest first, after {@code after} (null: from the newest). */
    public List<LoanRow> byCustomer(String customerId, int limit, LoanCursor after) {
        if (after == null) {
            return jdbc.query("SELECT * FROM loan_view WHERE customer_id = ? ORDER BY create_time DESC, loan_id "
                    + "LIMIT ?", this::row, customerId, limit);
        }
        java.sql.Timestamp at = java.sql.Timestamp.from(after.createTime());
        return jdbc.query("SELECT * FROM loan_view WHERE customer_id = ? AND (create_time < ? OR "
                + "(create_time = ? AND loan_id > ?)) ORDER BY create_time DESC, loan_id LIMIT ?", this::row,
                customerId, at, at, after.loanId(), limit);
    }

    public java.util.Optional<LoanRow> find(String loanId) {
        return jdbc.query("SELECT * FROM loan_view WHERE loan_id = ?", this::row, loanId).stream().findFirst();
    }

    public List<InstalmentRow> instalments(String loanId) {
        return jdbc.query("SELECT * FROM loan_instalment_view WHERE loan_id = ? ORDER BY number",
                (rs, n) -> new InstalmentRow(rs.getInt("number"), rs.getObject("due_date", LocalDate.class),
                        rs.getBigDecimal("principal"), rs.getBigDecimal("interest"),
                        rs.getBigDecimal("paid_principal"), rs.getBigDecimal("paid_interest")), loanId);
    }

    public List<PortfolioRow> portfolio() {
        return jdbc.query("""
                SELECT product_code, currency_code, delinquency_bucket, COUNT(*) AS loans,
                       SUM(principal_outstanding) AS principal,
                       SUM(principal_outstanding + interest_accrued + penalties_outstanding + fees_outstanding) AS total
                FROM loan_view WHERE status = 'ACTIVE'
                GROUP BY product_code, currency_code, delinquency_bucket
                ORDER BY product_code, currency_code, delinquency_bucket
                """, (rs, n) -> new PortfolioRow(rs.getString("product_code"), rs.getString("currency_code"),
                rs.getString("delinquency_bucket"), rs.getLong("loans"), rs.getBigDecimal("principal"),
                rs.getBigDecimal("total")));
    }

    /** Active loans whose close of business has not reached {@code date}, in id order. */
    public List<OpenLoan> openFor(LocalDate date) {
        return jdbc.query("SELECT loan_id, account_id FROM loan_view WHERE status = 'ACTIVE' AND closed_through < ? "
                + "ORDER BY loan_id", (rs, n) -> new OpenLoan(rs.getString(1), rs.getString(2)), date);
    }

    /** An active loan still to be closed for a date, and the account it is paid from. */
    public record OpenLoan(String loanId, String accountId) {
    }

    public CreditHistory creditHistory(String customerId, String currencyCode) {
        return jdbc.queryForObject("""
                SELECT COALESCE(SUM(CASE WHEN status = 'ACTIVE' AND currency_code = ? THEN principal_outstanding
                           + interest_accrued + penalties_outstanding + fees_outstanding END), 0) AS exposure,
                       COALESCE(SUM(CASE WHEN status = 'ACTIVE' AND currency_code = ? THEN monthly_instalment END), 0)
                           AS monthly,
                       COALESCE(MAX(worst_days_past_due), 0) AS worst,
                       COUNT(*) FILTER (WHERE status = 'WRITTEN_OFF') AS written_off
                FROM loan_view WHERE customer_id = ?
                """, (rs, n) -> new CreditHistory(rs.getBigDecimal("exposure"), rs.getBigDecimal("monthly"),
                rs.getInt("worst"), rs.getInt("written_off")), currencyCode, currencyCode, customerId);
    }

    private LoanRow row(ResultSet rs, int n) throws SQLException {
        return new LoanRow(rs.getString("loan_id"), rs.getString("customer_id"), rs.getString("account_id"),
                rs.getString("product_code"), rs.getInt("product_version"), rs.getString("status"),
                rs.getString("currency_code"), rs.getBigDecimal("principal"), rs.getBigDecimal("fee"),
                rs.getInt("instalments"), rs.getString("decision_outcome"), rs.getInt("decision_score"),
                split(rs.getString("decision_reasons")), rs.getString("scorecard_version"),
                split(rs.getString("referral_reasons")), rs.getString("approval_id"),
                rs.getObject("application_date", LocalDate.class), rs.getObject("disbursement_date", LocalDate.class),
                rs.getBigDecimal("principal_outstanding"), rs.getBigDecimal("interest_accrued"),
                rs.getBigDecimal("penalties_outstanding"), rs.getBigDecimal("fees_outstanding"),
                rs.getInt("days_past_due"), rs.getString("delinquency_bucket"), rs.getBigDecimal("written_off"),
                rs.getBigDecimal("recovered"), rs.getTimestamp("create_time").toInstant(),
                rs.getTimestamp("update_time").toInstant());
    }

    private static List<String> split(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : List.of(joined.split(","));
    }
}
