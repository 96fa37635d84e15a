package org.strongroom.gateway.projection;

import java.util.Map;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;

/** Questions about a streaming processor's segments, as this node sees them. */
final class Segments {

    private Segments() {
    }

    /**
     * Every segment of the processor is claimed here, healthy, and has handled the event at
     * {@code globalIndex}. The claimed segments' shares of the stream (1 / (mask + 1) each) must add up
     * to the whole stream, so a segment claimed elsewhere (or not yet) makes the answer false.
     */
    static boolean allPast(Map<Integer, EventTrackerStatus> status, long globalIndex) {
        if (status.isEmpty()) {
            return false;
        }
        long whole = 1L << 32;
        long covered = 0;
        for (EventTrackerStatus segment : status.values()) {
            if (segment.isErrorState() || !covers(segment.getTrackingToken(), globalIndex)) {
                return false;
            }
            covered += whole / (segment.getSegment().getMask() + 1L);
        }
        return covered == whole;
    }

    /** The token has passed the index and did not skip it as a gap still open. */
    private static boolean covers(TrackingToken token, long globalIndex) {
        TrackingToken position = WrappedToken.unwrapLowerBound(token);
        if (position instanceof GapAwareTrackingToken gapAware) {
            return gapAware.getIndex() >= globalIndex && !gapAware.getGaps().contains(globalIndex);
        }
        return position != null && position.position().orElse(-1) >= globalIndex;
    }
}
