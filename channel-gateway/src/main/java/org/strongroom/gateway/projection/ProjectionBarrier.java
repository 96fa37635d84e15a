package org.strongroom.gateway.projection;

import com.google.rpc.Code;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.strongroom.gateway.grpc.Deadlines;
import org.strongroom.gateway.grpc.ErrorStatuses;
import org.strongroom.kernel.ErrorReason;

/**
 * Read your writes (docs/architecture.md, invariant 6): after a write commits, waits within the call's deadline
 * until the read-your-writes projections have handled the event at the write's global index, so the
 * next read by anyone reflects it.
 */
@Component
public class ProjectionBarrier {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final EventProcessingConfiguration processing;
    private final ProjectionRebuilds rebuilds;
    private final List<String> processingGroups;

    public ProjectionBarrier(EventProcessingConfiguration processing, ProjectionRebuilds rebuilds,
                             @Value("${strongroom.read-your-writes-projections}")
                             List<String> processingGroups) {
        this.processing = processing;
        this.rebuilds = rebuilds;
        this.processingGroups = List.copyOf(processingGroups);
    }

    /** Blocks until every read-your-writes projection has passed {@code globalIndex}, or the deadline. */
    public void await(long globalIndex) {
        for (String group : processingGroups) {
            StreamingEventProcessor processor = processing
                    .eventProcessor(group, StreamingEventProcessor.class)
                    .orElseThrow(() -> new IllegalStateException("no streaming processor " + group));
            // A rebuilding projection answers reads with PROJECTION_REBUILDING; waiting for it helps no one.
            while (!rebuilds.isRebuilding(group) && !hasHandled(processor, globalIndex)) {
                if (Deadlines.remainingNanos() <= 0) {
                    throw ErrorStatuses.exception(Code.DEADLINE_EXCEEDED, ErrorReason.DEADLINE_EXCEEDED,
                            "the change is committed but projection " + group
                                    + " did not catch up before the deadline; retry with the same request_id",
                            Map.of("projection", group, "event_position", Long.toString(globalIndex)));
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
        }
    }

    private static boolean hasHandled(StreamingEventProcessor processor, long globalIndex) {
        return Segments.allPast(processor.processingStatus(), globalIndex);
    }
}
