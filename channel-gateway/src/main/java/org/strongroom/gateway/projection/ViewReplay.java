package org.strongroom.gateway.projection;

import java.util.Iterator;
import java.util.stream.Stream;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.SubscribingEventProcessor;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.strongroom.node.axon.ProcessorFailures;

/**
 * A same-transaction view's own handlers applied to stored events outside its processor, in the caller's
 * transaction: how a rebuild fills its shadow tables and how an upgraded view catches up.
 */
final class ViewReplay {

    /** Where a replay stopped: the last event's token ({@code after} if there was none) and how many. */
    record Replayed(TrackingToken position, long count) {
    }

    private ViewReplay() {
    }

    /** The view's handlers, as its subscribing processor runs them. */
    static EventHandlerInvoker handlers(EventProcessingConfiguration processing, String view) {
        return processing.eventProcessor(view, SubscribingEventProcessor.class)
                .orElseThrow(() -> new IllegalStateException("view " + view + " has no subscribing processor"))
                .eventHandlerInvoker();
    }

    /** Applies up to {@code limit} stored events after {@code after} (null: from the first). */
    static Replayed replay(EventStorageEngine events, EventHandlerInvoker handlers, TrackingToken after, long limit) {
        TrackingToken position = after;
        long count = 0;
        try (Stream<? extends TrackedEventMessage<?>> stream = events.readEvents(after, false)) {
            Iterator<? extends TrackedEventMessage<?>> batch = stream.limit(limit).iterator();
            while (batch.hasNext()) {
                TrackedEventMessage<?> event = batch.next();
                handlers.handle(event, Segment.ROOT_SEGMENT);
                position = event.trackingToken();
                count++;
            }
        } catch (Exception e) {
            throw new IllegalStateException("replaying events into a view failed: " + ProcessorFailures.describe(e), e);
        }
        return new Replayed(position, count);
    }
}
