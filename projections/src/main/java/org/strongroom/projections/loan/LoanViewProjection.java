package org.strongroom.projections.loan;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.strongroom.kernel.Money;
import org.strongroom.loan.api.LoanApi.LineAmount;
import org.strongroom.loan.api.LoanApi.LinePayment;
import org.strongroom.loan.api.LoanApi.LoanAppliedEvent;
import org.strongroom.loan.api.LoanApi.LoanApprovedEvent;
import org.strongroom.loan.api.LoanApi.LoanClosedEvent;
import org.strongroom.loan.api.LoanApi.LoanDayClosedEvent;
import org.strongroom.loan.api.LoanApi.LoanDisbursedEvent;
import org.strongroom.loan.api.LoanApi.LoanInterestAccruedEvent;
import org.strongroom.loan.api.LoanApi.LoanRecoveryRecordedEvent;
import org.strongroom.loan.api.LoanApi.LoanReferredEvent;
import org.strongroom.loan.api.LoanApi.LoanRejectedEvent;
import org.strongroom.loan.api.LoanApi.LoanRepaidEvent;
import org.strongroom.loan.api.LoanApi.LoanWrittenOffEvent;
import org.strongroom.loan.api.LoanApi.ScheduledLine;
import org.strongroom.projections.api.Projections;

/**
 * Loans and their instalments as the events left them. Every update is guarded by the loan's event
 * sequence number, so a redelivered event changes nothing; a rebuild replays the same arithmetic.
 */
@Component
@ProcessingGroup(Projections.LOAN_VIEW)
public class LoanViewProjection {

    private final JdbcTemplate jdbc;

    public LoanViewProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(LoanAppliedEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant at) {
        jdbc.update("""
                INSERT INTO loan_view (loan_id, customer_id, account_id, product_code, product_version, status,
                    currency_code, principal, fee, instalments, monthly_instalment, decision_outcome, decision_score,
                    decision_reasons, scorecard_version, referral_reasons, application_date, last_sequence,
                    create_time, update_time)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (loan_id) DO NOTHING
                """, event.loanId(), event.customerId(), event.accountId(), event.product().code(),
                event.product().version(), event.status().name(), event.principal().currency().getCurrencyCode(),
                event.principal().amount(), event.product().originationFee(event.principal()).amount(),
                event.instalments(), event.monthlyInstalment().amount(), event.decision().outcome().name(),
                event.decision().score(), String.join(",", event.decision().reasons()),
                event.decision().scorecardVersion(), String.join(",", event.referralReasons()),
                event.applicationDate(), sequence, Timestamp.from(at), Timestamp.from(at));
    }

    @EventHandler
    void on(LoanReferredEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant at) {
        advance(event.loanId(), sequence, at, "approval_id = ?", event.approvalId());
    }

    @EventHandler
    void on(LoanApprovedEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant at) {
        status(event.loanId(), "APPROVED", sequence, at);
    }

    @EventHandler
    void on(LoanRejectedEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant at) {
        status(event.loanId(), "REJECTED", sequence, at);
    }

    @EventHandler
    void on(LoanDisbursedEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant at) {
        if (!advance(event.loanId(), sequence, at, "status = 'ACTIVE', disbursement_date = ?, "
                        + "principal_outstanding = ?, fees_outstanding = ?, closed_through = ?",
                event.disbursementDate(), event.principal().amount(), event.fee().amount(),
                event.disbursementDate().minusDays(1))) {
            return;
        }
        upsertLines(event.loanId(), event.schedule());
    }

    @EventHandler
    void on(LoanInterestAccruedEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant at) {
        advance(event.loanId(), sequence, at, "interest_accrued = interest_accrued + ?", sum(event.accruals()));
    }

    @EventHandler
    void on(LoanDayClosedEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant at) {
        advance(event.loanId(), sequence, at, "interest_accrued = interest_accrued + ?, "
                        + "penalties_outstanding = penalties_outstanding + ?, days_past_due = ?, "
                        + "worst_days_past_due = GREATEST(worst_days_past_due, ?), delinquency_bucket = ?, "
                        + "closed_through = ?",
                sum(event.accruals()), event.penalty().amount(), event.daysPastDue(), event.daysPastDue(),
                event.bucket().name(), event.businessDate());
    }

    @EventHandler
    void on(LoanRepaidEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant at) {
        var allocation = event.allocation();
        if (!advance(event.loanId(), sequence, at, "penalties_outstanding = penalties_outstanding - ?, "
                        + "fees_outstanding = fees_outstanding - ?, interest_accrued = interest_accrued - ?, "
                        + "principal_outstanding = principal_outstanding - ?",
                allocation.penalties().amount(), allocation.fees().amount(), allocation.interest().amount(),
                allocation.principal().amount())) {
            return;
        }
        if (!event.rescheduled().isEmpty()) {
            int last = event.rescheduled().get(event.rescheduled().size() - 1).number();
            jdbc.update("DELETE FROM loan_instalment_view WHERE loan_id = ? AND number > ?", event.loanId(), last);
            upsertLines(event.loanId(), event.rescheduled());
        }
        for (LinePayment line : event.lines()) {
            jdbc.update("UPDATE loan_instalment_view SET paid_interest = paid_interest + ?, "
                            + "paid_principal = paid_principal + ? WHERE loan_id = ? AND number = ?",
                    line.interest().amount(), line.principal().amount(), event.loanId(), line.number());
        }
    }

    @EventHandler
    void on(LoanClosedEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant at) {
        advance(event.loanId(), sequence, at, "status = 'CLOSED', days_past_due = 0, delinquency_bucket = 'CURRENT'");
    }

    @EventHandler
    void on(LoanWrittenOffEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant at) {
        advance(event.loanId(), sequence, at, "status = 'WRITTEN_OFF', written_off = ?", event.total().amount());
    }

    @EventHandler
    void on(LoanRecoveryRecordedEvent event, @SequenceNumber long sequence,
            @org.axonframework.eventhandling.Timestamp Instant at) {
        advance(event.loanId(), sequence, at, "recovered = ?", event.recoveredTotal().amount());
    }

    @ResetHandler
    void reset() {
        jdbc.update("DELETE FROM loan_instalment_view");
        jdbc.update("DELETE FROM loan_view");
    }

    private void status(String loanId, String status, long sequence, Instant at) {
        advance(loanId, sequence, at, "status = ?", status);
    }

    /**
     * Applies the loan's event {@code sequence} to its row ({@code assignments} with their values) and
     * records it as applied, in one statement; false, changing nothing, if it was applied before.
     */
    private boolean advance(String loanId, long sequence, Instant at, String assignments, Object... values) {
        Object[] arguments = new Object[values.length + 4];
        arguments[0] = sequence;
        arguments[1] = Timestamp.from(at);
        System.arraycopy(values, 0, arguments, 2, values.length);
        arguments[values.length + 2] = loanId;
        arguments[values.length + 3] = sequence;
        return jdbc.update("UPDATE loan_view SET last_sequence = ?, update_time = ?, " + assignments
                + " WHERE loan_id = ? AND last_sequence < ?", arguments) == 1;
    }

    /** The schedule's lines in one JDBC batch (one round trip, however many instalments). */
    private void upsertLines(String loanId, List<ScheduledLine> lines) {
        jdbc.batchUpdate("INSERT INTO loan_instalment_view (loan_id, number, due_date, principal, interest) "
                        + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (loan_id, number) DO UPDATE SET "
                        + "due_date = EXCLUDED.due_date, principal = EXCLUDED.principal, interest = EXCLUDED.interest",
                lines.stream().map(line -> new Object[] {loanId, line.number(), line.dueDate(),
                        line.principal().amount(), line.interest().amount()}).toList());
    }

    private static BigDecimal sum(List<LineAmount> amounts) {
        return amounts.stream().map(LineAmount::amount).map(Money::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
