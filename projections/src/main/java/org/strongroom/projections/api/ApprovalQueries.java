package org.strongroom.projections.api;

import java.util.List;
import org.strongroom.approval.api.ApprovalApi.ApprovalDetails;
import org.strongroom.approval.api.ApprovalApi.ApprovalStatus;

/** Queries on the approval read model. */
public final class ApprovalQueries {

    private ApprovalQueries() {
    }

    /** Answered with {@code Optional<ApprovalDetails>}. */
    public record FindApprovalQuery(String approvalId) {
    }

    /**
     * Approvals newest first, before the given request position (Long.MAX_VALUE for the first page).
     *
     * @param branchId only this branch's; null for every branch
     * @param status   only in this status; null for all
     */
    public record ListApprovalsQuery(String branchId, ApprovalStatus status, long beforePosition, int limit) {
    }

    public record ApprovalPage(List<ApprovalDetails> approvals, long lastPosition, boolean more) {
    }
}
