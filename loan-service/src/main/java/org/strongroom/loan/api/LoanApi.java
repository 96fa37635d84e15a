package org.strongroom.loan.api;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.strongroom.kernel.Money;
import org.strongroom.loan.product.LoanProduct;
import org.strongroom.loan.scoring.CreditDecision;
import org.strongroom.loan.scoring.CreditProfile;

/** Commands, events and answers of the Loan aggregate. docs/loans.md describes the life of a loan. */
public final class LoanApi {

    private LoanApi() {
    }

    public enum LoanStatus {
        /** Waiting for a loan officer (manual review, or above the product's auto-approval limit). */
        PENDING_REVIEW,
        /** Approved, not yet disbursed (an instant only: approval and disbursement share a transaction). */
        APPROVED,
        REJECTED,
        /** Disbursed and not yet repaid. */
        ACTIVE,
        /** Repaid in full. */
        CLOSED,
        WRITTEN_OFF
    }

    public enum DelinquencyBucket {
        CURRENT,
        DPD_1_30,
        DPD_31_60,
        DPD_61_90,
        DPD_90_PLUS;

        public static DelinquencyBucket of(long daysPastDue) {
            if (daysPastDue <= 0) {
                return CURRENT;
            }
            if (daysPastDue <= 30) {
                return DPD_1_30;
            }
            if (daysPastDue <= 60) {
                return DPD_31_60;
            }
            return daysPastDue <= 90 ? DPD_61_90 : DPD_90_PLUS;
        }
    }

    /** What a payment beyond the amount due does to the rest of the schedule. */
    public enum PrepaymentMode {
        /** Same instalment, fewer instalments. */
        REDUCE_TERM,
        /** Same number of instalments, smaller ones. */
        REDUCE_INSTALMENT
    }

    public enum RepaymentSource {
        /** The customer (or a teller for them) asked for it. */
        MANUAL,
        /** Close of business collected it from the account on a due date. */
        AUTO_DEBIT
    }

    /** One instalment as scheduled: what falls due on its date. */
    public record ScheduledLine(int number, LocalDate dueDate, Money principal, Money interest) {
    }

    /** An amount that belongs to one instalment (interest accrued on it). */
    public record LineAmount(int number, Money amount) {
    }

    /** What a repayment paid of one instalment. */
    public record LinePayment(int number, Money interest, Money principal) {
    }

    /** Where a repayment went, by bucket. */
    public record Allocation(Money penalties, Money fees, Money interest, Money principal) {
    }

    /**
     * Applies for a loan. The gateway reads the profile from the bank's projections; the aggregate checks
     * the request against the product and decides with the scorecard.
     */
    public record ApplyForLoanCommand(@TargetAggregateIdentifier String loanId, String customerId, String accountId,
                                      LoanProduct product, Money principal, int instalments, CreditProfile profile,
                                      LocalDate applicationDate, String applicantId) {
    }

    /**
     * Records the maker-checker request a referred application waits on; undecided at {@code expireTime},
     * the application is rejected.
     */
    public record ReferLoanCommand(@TargetAggregateIdentifier String loanId, String approvalId, Instant expireTime) {
    }

    /** A loan officer's decision, made by granting or rejecting the application's approval request. */
    public record DecideLoanCommand(@TargetAggregateIdentifier String loanId, String approvalId, boolean approve,
                                    String officerId, String reason) {
    }

    public record DisburseLoanCommand(@TargetAggregateIdentifier String loanId, String transactionId,
                                      LocalDate businessDate) {
    }

    /** @param mode required when the amount exceeds what is due; ignored otherwise */
    public record RepayLoanCommand(@TargetAggregateIdentifier String loanId, String transactionId, Money amount,
                                   LocalDate businessDate, PrepaymentMode mode, RepaymentSource source) {
    }

    /** Close of business for one loan: accrue, charge penalty interest, age. Idempotent per date. */
    public record CloseLoanDayCommand(@TargetAggregateIdentifier String loanId, LocalDate businessDate) {
    }

    /** Reads the loan as of a business date (what is due then), changing nothing. */
    public record InspectLoanCommand(@TargetAggregateIdentifier String loanId, LocalDate asOf) {
    }

    /** What repaying everything would cost on {@code payoffDate}, changing nothing. */
    public record QuotePayoffCommand(@TargetAggregateIdentifier String loanId, LocalDate payoffDate,
                                     LocalDate businessDate) {
    }

    /**
     * Whether the loan may be written off now, changing nothing: the check a supervisor's request gets
     * before it is filed for a second supervisor (the write-off itself checks again when granted).
     */
    public record AssessWriteOffCommand(@TargetAggregateIdentifier String loanId, String reason,
                                        LocalDate businessDate, int minimumDaysPastDue) {
    }

    /**
     * Writes the loan off once a second supervisor granted it.
     *
     * @param officerId          the supervisor who asked for it (the checker is in the event's metadata)
     * @param minimumDaysPastDue refused while the loan is fewer days past due than this
     */
    public record WriteOffLoanCommand(@TargetAggregateIdentifier String loanId, String officerId, String reason,
                                      LocalDate businessDate, int minimumDaysPastDue) {
    }

    public record RecordRecoveryCommand(@TargetAggregateIdentifier String loanId, String transactionId, Money amount,
                                        LocalDate businessDate) {
    }

    /**
     * @param status            what the application led to: APPROVED, REJECTED or PENDING_REVIEW
     * @param monthlyInstalment the instalment the scorecard weighed, as a monthly equivalent
     * @param referralReasons   why a loan officer must decide (empty unless PENDING_REVIEW)
     */
    public record LoanAppliedEvent(String loanId, String customerId, String accountId, LoanProduct product,
                                   Money principal, int instalments, CreditProfile profile, CreditDecision decision,
                                   Money monthlyInstalment, LoanStatus status, List<String> referralReasons,
                                   LocalDate applicationDate, String applicantId) {
    }

    public record LoanReferredEvent(String loanId, String approvalId) {
    }

    public record LoanApprovedEvent(String loanId, String approvalId, String officerId) {
    }

    public record LoanRejectedEvent(String loanId, String approvalId, String officerId, String reason) {
    }

    /**
     * The principal went to the account; the fee is due with the first instalment.
     *
     * @param regularPayment what a prepayment that reduces the term keeps: the annuity instalment, or the
     *                       principal part of equal-principal and flat schedules
     */
    public record LoanDisbursedEvent(String loanId, String transactionId, String accountId, LocalDate disbursementDate,
                                     Money principal, Money fee, List<ScheduledLine> schedule, Money regularPayment) {
    }

    /** Interest accrued during the day, before a repayment on that day. */
    public record LoanInterestAccruedEvent(String loanId, LocalDate businessDate, List<LineAmount> accruals) {
    }

    /**
     * @param rescheduled    after a prepayment: the instalments from the current one on, as they now stand
     * @param regularPayment after a prepayment: the regular payment from now on; otherwise null
     */
    public record LoanRepaidEvent(String loanId, String transactionId, LocalDate businessDate, Money amount,
                                  RepaymentSource source, Allocation allocation, List<LinePayment> lines,
                                  PrepaymentMode mode, List<ScheduledLine> rescheduled, Money regularPayment) {
    }

    /** Everything is repaid: interest not yet accrued is not owed. */
    public record LoanClosedEvent(String loanId, LocalDate businessDate) {
    }

    /** A business day closed for the loan: its interest accrual, penalty interest and age that day. */
    public record LoanDayClosedEvent(String loanId, LocalDate businessDate, List<LineAmount> accruals, Money penalty,
                                     Money overduePrincipal, int daysPastDue, DelinquencyBucket bucket,
                                     DelinquencyBucket previousBucket) {
    }

    public record LoanWrittenOffEvent(String loanId, LocalDate businessDate, String officerId, String reason,
                                      Money principal, Money interest, Money penalties, Money fees, Money total) {
    }

    public record LoanRecoveryRecordedEvent(String loanId, String transactionId, LocalDate businessDate, Money amount,
                                            Money recoveredTotal) {
    }

    /** One instalment with what is paid of it. */
    public record InstalmentState(int number, LocalDate dueDate, Money principal, Money interest, Money paidPrincipal,
                                  Money paidInterest) {

        public Money outstanding() {
            return principal.plus(interest).minus(paidPrincipal).minus(paidInterest);
        }
    }

    /** A loan as its aggregate knows it, as of a business date. */
    public record LoanDetails(String loanId, String customerId, String accountId, LoanProduct product,
                              LoanStatus status, Money principal, Money fee, int instalments, CreditDecision decision,
                              List<String> referralReasons, String approvalId, LocalDate applicationDate,
                              LocalDate disbursementDate, Money principalOutstanding, Money interestAccrued,
                              Money penaltiesOutstanding, Money feesOutstanding, Money dueNow, int daysPastDue,
                              DelinquencyBucket bucket, LocalDate closedThrough, Money writtenOff, Money recovered,
                              List<InstalmentState> schedule, Instant updateTime) {
    }

    /** Paying {@code total} on {@code payoffDate} repays the loan in full and closes it. */
    public record PayoffQuote(String loanId, LocalDate payoffDate, Money principal, Money interest, Money penalties,
                              Money fees, Money total) {
    }
}
