package org.strongroom.approval.domain;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.time.Instant;
import java.util.Map;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.serialization.Revision;
import org.axonframework.spring.stereotype.Aggregate;
import org.strongroom.account.api.AccountFieldRules;
import org.strongroom.approval.api.ApprovalApi.ApprovalDetails;
import org.strongroom.approval.api.ApprovalApi.ApprovalExpiredEvent;
import org.strongroom.approval.api.ApprovalApi.ApprovalGrantedEvent;
import org.strongroom.approval.api.ApprovalApi.ApprovalOperation;
import org.strongroom.approval.api.ApprovalApi.ApprovalRejectedEvent;
import org.strongroom.approval.api.ApprovalApi.ApprovalRequestedEvent;
import org.strongroom.approval.api.ApprovalApi.ApprovalStatus;
import org.strongroom.approval.api.ApprovalApi.GrantApprovalCommand;
import org.strongroom.approval.api.ApprovalApi.RejectApprovalCommand;
import org.strongroom.approval.api.ApprovalApi.RequestApprovalCommand;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.ErrorReason;

/**
 * Maker-checker: a change that waits for a second person. The checker must be another person than the
 * maker and work at the same branch; a request nobody decides expires through a persistent deadline (it
 * fires after a restart too), and a decision after the expiry instant is refused even if the deadline has
 * not fired yet. The change itself is made by whoever grants, in the same transaction as the grant.
 */
@Aggregate
// The form of its snapshots: raise it whenever a field changes, and older snapshots are ignored.
@Revision("1")
public class Approval {

    static final String EXPIRY = "approval-expiry";

    @AggregateIdentifier
    private String approvalId;
    private ApprovalOperation operation;
    private String branchId;
    private String checkerDeskId;
    private String makerId;
    private String checkerId;
    private ApprovalStatus status;
    private String decisionReason;
    private Instant requestTime;
    private Instant expireTime;
    private Instant decisionTime;

    protected Approval() {
        // rebuilt from events
    }

    Approval(RequestApprovalCommand command, DeadlineManager deadlines) {
        if (command.operation() == null || command.operation().kind() == null || command.makerId() == null
                || command.branchId() == null || command.expireTime() == null) {
            throw new IllegalStateException("the gateway supplies the operation, maker, branch and expiry");
        }
        apply(new ApprovalRequestedEvent(command.approvalId(), command.operation(), command.branchId(),
                command.makerId(), command.expireTime(), command.checkerDeskId()));
        deadlines.schedule(command.expireTime(), EXPIRY, command.approvalId());
    }

    @CommandHandler
    ApprovalDetails handle(GrantApprovalCommand command) {
        requireDecidable(command.checkerId(), command.checkerBranchId(), command.now());
        apply(new ApprovalGrantedEvent(approvalId, makerId, command.checkerId()));
        return details();
    }

    @CommandHandler
    ApprovalDetails handle(RejectApprovalCommand command) {
        String reason = AccountFieldRules.checkText("reason", command.reason());
        requireDecidable(command.checkerId(), command.checkerBranchId(), command.now());
        apply(new ApprovalRejectedEvent(approvalId, makerId, command.checkerId(), reason));
        return details();
    }

    @DeadlineHandler(deadlineName = EXPIRY)
    void onExpiry(String ignored) {
        if (status == ApprovalStatus.PENDING) {
            apply(new ApprovalExpiredEvent(approvalId, makerId));
        }
    }

    private void requireDecidable(String checkerId, String checkerBranchId, Instant now) {
        if (approvalId == null) {
            throw DomainException.notFound(ErrorReason.APPROVAL_NOT_FOUND, "no such approval", Map.of());
        }
        if (!details().decidedAt(checkerBranchId)) {
            throw DomainException.forbidden(ErrorReason.APPROVAL_OTHER_BRANCH,
                    "only a supervisor of branch " + branchId
                            + (checkerDeskId == null ? "" : " or of " + checkerDeskId) + " may decide this request",
                    Map.of("approval_id", approvalId, "branch_id", branchId));
        }
        ApprovalStatus effective = status == ApprovalStatus.PENDING && !now.isBefore(expireTime)
                ? ApprovalStatus.EXPIRED : status;
        if (effective != ApprovalStatus.PENDING) {
            throw DomainException.rule(ErrorReason.APPROVAL_NOT_PENDING, "the request was already " + effective,
                    Map.of("approval_id", approvalId, "status", effective.name()));
        }
        if (makerId.equals(checkerId)) {
            throw DomainException.forbidden(ErrorReason.SELF_APPROVAL_FORBIDDEN,
                    "the maker of a request cannot also decide it", Map.of("approval_id", approvalId));
        }
    }

    ApprovalDetails details() {
        return new ApprovalDetails(approvalId, operation, branchId, makerId, checkerId, status, decisionReason,
                requestTime, expireTime, decisionTime, checkerDeskId);
    }

    @EventSourcingHandler
    void on(ApprovalRequestedEvent event, @Timestamp Instant occurredAt) {
        approvalId = event.approvalId();
        operation = event.operation();
        branchId = event.branchId();
        checkerDeskId = event.checkerDeskId();
        makerId = event.makerId();
        expireTime = event.expireTime();
        requestTime = occurredAt;
        status = ApprovalStatus.PENDING;
    }

    @EventSourcingHandler
    void on(ApprovalGrantedEvent event, @Timestamp Instant occurredAt) {
        status = ApprovalStatus.APPROVED;
        checkerId = event.checkerId();
        decisionTime = occurredAt;
    }

    @EventSourcingHandler
    void on(ApprovalRejectedEvent event, @Timestamp Instant occurredAt) {
        status = ApprovalStatus.REJECTED;
        checkerId = event.checkerId();
        decisionReason = event.reason();
        decisionTime = occurredAt;
    }

    @EventSourcingHandler
    void on(ApprovalExpiredEvent event, @Timestamp Instant occurredAt) {
        status = ApprovalStatus.EXPIRED;
        decisionTime = occurredAt;
    }
}
