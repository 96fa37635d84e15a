package org.strongroom.loan.scoring;

import java.util.List;

/**
 * A scorecard's verdict: the outcome, the points, and every reason that cost points or decided the
 * outcome, in the scorecard's order.
 */
public record CreditDecision(CreditOutcome outcome, int score, List<String> reasons, String scorecardVersion) {

    public CreditDecision {
        reasons = List.copyOf(reasons);
    }
}
