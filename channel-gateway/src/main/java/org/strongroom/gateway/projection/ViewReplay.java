package org.strongroom.gateway.projection;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
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
        try (Stream<? extends TrackedEventMessage<?>> stream = events.readEvents(after, false)) {
            return apply(handlers, stream.limit(limit).iterator(), after);
        }
    }

    /** Up to {@code limit} stored events after {@code after} (null: from the first), read now. */
    static List<TrackedEventMessage<?>> read(EventStorageEngine events, TrackingToken after, int limit) {
        try (Stream<? extends TrackedEventMessage<?>> stream = events.readEvents(after, false)) {
            return new ArrayList<>(stream.limit(limit).toList());
        }
    }

    /** Applies these events, read before, in their order. */
    static Replayed apply(EventHandlerInvoker handlers, List<? extends TrackedEventMessage<?>> events,
                          TrackingToken after) {
        return apply(handlers, events.iterator(), after);
    }

    private static Replayed apply(EventHandlerInvoker handlers, Iterator<? extends TrackedEventMessage<?>> events,
                                  TrackingToken after) {
        TrackingToken position = after;
        long count = 0;
        try {
            while (events.hasNext()) {
                TrackedEventMessage<?> event = events.next();
                handlers.handle(event, Segment.ROOT_SEGMENT);
                position = event.trackingToken();
                count++;
            }
        } catch (Exception e) {
            throw new IllegalStateException("replaying events into a view failed: " + ProcessorFailures.describe(e), e);
        }
        return new Replayed(position, count);
    }

    /**
     * Reads the stored events after a position on a thread of its own, in batches, and deserializes them
     * there, while the caller applies the batches read before (at most two wait). The reader sees what
     * was committed when it reads; it stops at the end of the store as it is then.
     */
    static final class ReadAhead implements AutoCloseable {

        private static final List<TrackedEventMessage<?>> END = List.of();

        private final BlockingQueue<List<TrackedEventMessage<?>>> batches = new ArrayBlockingQueue<>(2);
        private final Thread reader;
        private volatile RuntimeException failure;

        ReadAhead(EventStorageEngine events, TrackingToken after, int batchSize, String name) {
            reader = new Thread(() -> read(events, after, batchSize), name);
            reader.setDaemon(true);
            reader.start();
        }

        private void read(EventStorageEngine events, TrackingToken after, int batchSize) {
            try {
                try (Stream<? extends TrackedEventMessage<?>> stream = events.readEvents(after, false)) {
                    Iterator<? extends TrackedEventMessage<?>> read = stream.iterator();
                    List<TrackedEventMessage<?>> batch = new ArrayList<>(batchSize);
                    while (read.hasNext()) {
                        TrackedEventMessage<?> event = read.next();
                        // Deserialized here, once: the message keeps what it read.
                        event.getPayload();
                        event.getMetaData();
                        batch.add(event);
                        if (batch.size() == batchSize) {
                            batches.put(batch);
                            batch = new ArrayList<>(batchSize);
                        }
                    }
                    if (!batch.isEmpty()) {
                        batches.put(batch);
                    }
                } catch (RuntimeException e) {
                    failure = new IllegalStateException("reading the events to replay failed: "
                            + ProcessorFailures.describe(e), e);
                }
                batches.put(END);
            } catch (InterruptedException closed) {
                Thread.currentThread().interrupt();
            }
        }

        /** The next batch read; empty once everything there was to read has been handed out. */
        List<TrackedEventMessage<?>> next() throws InterruptedException {
            List<TrackedEventMessage<?>> batch = batches.take();
            if (batch == END) {
                batches.put(END);
                if (failure != null) {
                    throw failure;
                }
            }
            return batch;
        }

        @Override
        public void close() throws InterruptedException {
            reader.interrupt();
            reader.join(TimeUnit.SECONDS.toMillis(30));
        }
    }
}
