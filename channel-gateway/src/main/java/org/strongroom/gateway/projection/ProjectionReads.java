package org.strongroom.gateway.projection;

import com.google.rpc.Code;
import java.util.Map;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.springframework.stereotype.Component;
import org.strongroom.gateway.grpc.ErrorStatuses;
import org.strongroom.kernel.ErrorReason;

/** Refuses reads of a projection that is being rebuilt, rather than serving half-built data. */
@Component
public class ProjectionReads {

    private final EventProcessingConfiguration processing;

    public ProjectionReads(EventProcessingConfiguration processing) {
        this.processing = processing;
    }

    public void requireServing(String... projections) {
        for (String projection : projections) {
            boolean rebuilding = processing.eventProcessor(projection, StreamingEventProcessor.class)
                    .map(StreamingEventProcessor::isReplaying).orElse(false);
            if (rebuilding) {
                throw ErrorStatuses.exception(Code.UNAVAILABLE, ErrorReason.PROJECTION_REBUILDING,
                        "projection " + projection + " is being rebuilt from the events; retry shortly",
                        Map.of("projection", projection));
            }
        }
    }
}
