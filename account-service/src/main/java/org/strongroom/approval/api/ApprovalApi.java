package org.strongroom.approval.api;

import java.time.Instant;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.strongroom.kernel.Money;

/** Commands, events and answers of the Approval aggregate (maker-checker). */
public final class ApprovalApi {

    private ApprovalApi() {
    }

    public enum ApprovalKind {
        CASH_DEPOSIT,
        CASH_WITHDRAWAL,
        UNFREEZE,
        OVERDRAFT_CHANGE,
        /** A debit a velocity rule held: granting executes it, rejecting releases its hold. */
        DEBIT_REVIEW,
        /** A loan application referred to a loan officer: granting approves and disburses it. */
        LOAN_DECISION,
        /** A clearing credit branch staff posted by hand above the threshold: granting credits the account. */
        CLEARING_CREDIT,
        /** A clearing debit branch staff posted by hand above the threshold: granting debits the account. */
        CLEARING_DEBIT,
        /** A loan write-off asked for by a supervisor: granting writes the loan off. */
        LOAN_WRITE_OFF
    }

    public enum ApprovalStatus {
        PENDING,
        APPROVED,
        REJECTED,
        EXPIRED
    }

    /**
     * The change a maker asked for, carried unchanged until a checker decides.
     *
     * @param tillId        for cash operations: the maker's till
     * @param amount        the cash amount, the new overdraft limit, or the held debit's amount
     * @param transactionId for a debit review: the held debit (its hold has the same id); for a loan
     *                      decision or write-off: the loan id
     * @param counterpartyReference for a clearing adjustment: the clearing reference of the entry
     */
    public record ApprovalOperation(ApprovalKind kind, String accountId, String tillId, Money amount, String reason,
                                    String transactionId, String counterpartyReference) {

        public ApprovalOperation(ApprovalKind kind, String accountId, String tillId, Money amount, String reason,
                                 String transactionId) {
            this(kind, accountId, tillId, amount, reason, transactionId, null);
        }

        public ApprovalOperation(ApprovalKind kind, String accountId, String tillId, Money amount, String reason) {
            this(kind, accountId, tillId, amount, reason, null, null);
        }
    }

    /**
     * @param branchId      the desk whose supervisors decide (the maker's branch, or a review desk)
     * @param checkerDeskId a second desk whose supervisors may decide too, or null
     */
    public record RequestApprovalCommand(@TargetAggregateIdentifier String approvalId, ApprovalOperation operation,
                                         String branchId, String checkerDeskId, String makerId, Instant expireTime) {

        public RequestApprovalCommand(String approvalId, ApprovalOperation operation, String branchId, String makerId,
                                      Instant expireTime) {
            this(approvalId, operation, branchId, null, makerId, expireTime);
        }
    }

    /** A checker's decision; {@code now} is the bank clock's instant, to refuse decisions after expiry. */
    public record GrantApprovalCommand(@TargetAggregateIdentifier String approvalId, String checkerId,
                                       String checkerBranchId, Instant now) {
    }

    public record RejectApprovalCommand(@TargetAggregateIdentifier String approvalId, String checkerId,
                                        String checkerBranchId, String reason, Instant now) {
    }

    /** {@code checkerDeskId} is null in events recorded before second desks existed, and when there is none. */
    public record ApprovalRequestedEvent(String approvalId, ApprovalOperation operation, String branchId,
                                         String makerId, Instant expireTime, String checkerDeskId) {

        public ApprovalRequestedEvent(String approvalId, ApprovalOperation operation, String branchId,
                                      String makerId, Instant expireTime) {
            this(approvalId, operation, branchId, makerId, expireTime, null);
        }
    }

    public record ApprovalGrantedEvent(String approvalId, String makerId, String checkerId) {
    }

    public record ApprovalRejectedEvent(String approvalId, String makerId, String checkerId, String reason) {
    }

    /** No one decided in time: nothing changes. */
    public record ApprovalExpiredEvent(String approvalId, String makerId) {
    }

    public record ApprovalDetails(String approvalId, ApprovalOperation operation, String branchId, String makerId,
                                  String checkerId, ApprovalStatus status, String decisionReason,
                                  Instant requestTime, Instant expireTime, Instant decisionTime,
                                  String checkerDeskId) {

        /** Whether supervisors of this desk decide the request (and see it). */
        public boolean decidedAt(String desk) {
            return desk != null && (desk.equals(branchId) || desk.equals(checkerDeskId));
        }
    }
}
