package org.strongroom.node.axon;

import java.util.HashMap;
import java.util.Map;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.strongroom.kernel.MetadataKeys;

/**
 * Carries the caller context (principal, role, channel, branch, request id, business date, correlation)
 * from each command onto every event it causes, and records the command as the events' cause.
 */
class StrongroomCorrelationDataProvider implements CorrelationDataProvider {

    @Override
    public Map<String, ?> correlationDataFor(Message<?> message) {
        Map<String, Object> data = new HashMap<>();
        for (String key : MetadataKeys.PROPAGATED) {
            Object value = message.getMetaData().get(key);
            if (value != null) {
                data.put(key, value);
            }
        }
        data.put(MetadataKeys.CAUSATION_ID, message.getIdentifier());
        return data;
    }
}
