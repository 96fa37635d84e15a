package org.strongroom.gateway.projection;

import com.google.rpc.Code;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.strongroom.gateway.grpc.ErrorStatuses;
import org.strongroom.kernel.ErrorReason;

/** Refuses reads of a projection that is being rebuilt, rather than serving half-built data. */
@Component
public class ProjectionReads {

    private final ProjectionRebuilds rebuilds;

    public ProjectionReads(ProjectionRebuilds rebuilds) {
        this.rebuilds = rebuilds;
    }

    public void requireServing(String... projections) {
        for (String projection : projections) {
            if (rebuilds.isRebuilding(projection)) {
                throw ErrorStatuses.exception(Code.UNAVAILABLE, ErrorReason.PROJECTION_REBUILDING,
                        "projection " + projection + " is being rebuilt from the events; retry shortly",
                        Map.of("projection", projection));
            }
        }
    }
}
