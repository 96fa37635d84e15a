package org.strongroom.gateway.projection;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.springframework.stereotype.Component;

/**
 * Which projections are being rebuilt. Axon's own {@code isReplaying()} is false in the window after the
 * tokens are reset (tables already empty) and before the processor has claimed its segments again, so a
 * rebuild is marked here from before the reset until every segment is claimed and past its replay.
 */
@Component
public class ProjectionRebuilds {

    private final EventProcessingConfiguration processing;
    /** Projection name -> head of the event store when its rebuild began. */
    private final Map<String, Long> started = new ConcurrentHashMap<>();

    public ProjectionRebuilds(EventProcessingConfiguration processing) {
        this.processing = processing;
    }

    /**
     * Marks the projection as rebuilding until it has re-read every event up to {@code head}, the event
     * store's newest global index when the rebuild began; call before stopping its processor.
     */
    public void begin(String projection, long head) {
        started.put(projection, head);
    }

    public boolean isRebuilding(String projection) {
        StreamingEventProcessor processor = processing.eventProcessor(projection, StreamingEventProcessor.class)
                .orElse(null);
        if (processor == null) {
            return false;
        }
        Map<Integer, EventTrackerStatus> status = processor.processingStatus();
        if (status.values().stream().anyMatch(segment -> behindReset(segment.getTrackingToken()))) {
            return true;
        }
        Long head = started.get(projection);
        if (head != null) {
            if (caughtUp(processor, status, head)) {
                started.remove(projection);
                return false;
            }
            return true;
        }
        return false;
    }

    /**
     * A replaying segment that has not yet re-read every event that existed at the reset. (Axon keeps
     * the replay flag until an event beyond the reset point arrives; the rows are complete before that.)
     */
    private static boolean behindReset(TrackingToken token) {
        if (!(token instanceof ReplayToken replay)) {
            return false;
        }
        long reset = replay.getTokenAtReset() == null ? -1 : replay.getTokenAtReset().position().orElse(-1);
        long current = replay.getCurrentToken() == null ? -1 : replay.getCurrentToken().position().orElse(-1);
        return current < reset;
    }

    /** Running, and every segment claimed here, out of its replay, healthy and past {@code head}. */
    private static boolean caughtUp(StreamingEventProcessor processor, Map<Integer, EventTrackerStatus> status,
                                    long head) {
        return processor.isRunning()
                && status.values().stream().noneMatch(segment -> behindReset(segment.getTrackingToken()))
                && Segments.allPast(status, head);
    }
}
