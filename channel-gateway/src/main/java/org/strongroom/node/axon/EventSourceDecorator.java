package org.strongroom.node.axon;

import java.time.Duration;
import java.time.Instant;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.StreamableMessageSource;

/**
 * An event source that changes how a processor's stream is read, and takes its tokens from the source it
 * decorates (the event store): a processor moved onto a decorated source keeps its stored tokens.
 */
public abstract class EventSourceDecorator implements StreamableMessageSource<TrackedEventMessage<?>> {

    protected final StreamableMessageSource<TrackedEventMessage<?>> events;

    protected EventSourceDecorator(StreamableMessageSource<TrackedEventMessage<?>> events) {
        this.events = events;
    }

    @Override
    public TrackingToken createTailToken() {
        return events.createTailToken();
    }

    @Override
    public TrackingToken createHeadToken() {
        return events.createHeadToken();
    }

    @Override
    public TrackingToken createTokenAt(Instant dateTime) {
        return events.createTokenAt(dateTime);
    }

    @Override
    public TrackingToken createTokenSince(Duration duration) {
        return events.createTokenSince(duration);
    }
}
