package org.strongroom.node.axon;

import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.StreamableMessageSource;

/**
 * The event store read one step ahead of a tracking processor. A processor far behind the head (a rebuild,
 * a catch-up after downtime) reads its events from the database on its own thread: Axon's event store
 * fetches a batch, the processor deserializes and handles it, then the next fetch begins. Here a thread of
 * the stream's own reads the next events and deserializes their payloads, metadata and timestamps while
 * the processor handles the ones before, up to {@code capacity} events ahead. The order is the store's;
 * the processor sees the same messages and tokens as it would from the store directly (docs/architecture.md,
 * "Rebuilding the general ledger").
 */
public final class ReadAheadEventSource extends EventSourceDecorator {

    private final int capacity;
    private final String threadName;

    public ReadAheadEventSource(StreamableMessageSource<TrackedEventMessage<?>> events, int capacity,
                                String threadName) {
        super(events);
        if (capacity < 1) {
            throw new IllegalArgumentException("read-ahead capacity must be at least 1, not " + capacity);
        }
        this.capacity = capacity;
        this.threadName = threadName;
    }

    @Override
    public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken token) {
        return new ReadAhead(events.openStream(token), capacity, threadName);
    }

    /** One processor's stream: a reader thread fills the queue, the processor's thread takes from it. */
    static final class ReadAhead implements BlockingStream<TrackedEventMessage<?>> {

        /** How long the reader waits for the store's next event before it checks whether it was closed. */
        private static final int READER_WAIT_MS = 100;

        private final BlockingStream<TrackedEventMessage<?>> stream;
        private final BlockingQueue<Object> queue;
        private final Thread reader;
        private volatile boolean closed;
        /** Taken from the queue by {@code peek} or {@code hasNextAvailable}, not yet by {@code nextAvailable}. */
        private TrackedEventMessage<?> next;

        /** What the reader puts in the queue when reading failed: the processor's thread throws it. */
        private record Failure(RuntimeException cause) {
        }

        ReadAhead(BlockingStream<TrackedEventMessage<?>> stream, int capacity, String threadName) {
            this.stream = stream;
            this.queue = new ArrayBlockingQueue<>(capacity);
            this.reader = new Thread(this::read, threadName);
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try {
                while (!closed) {
                    if (!stream.hasNextAvailable(READER_WAIT_MS, TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                    TrackedEventMessage<?> message = stream.nextAvailable();
                    // The store's messages deserialize lazily (payload, metadata, and the timestamp, stored
                    // as text): do it here, off the processor's thread.
                    message.getPayload();
                    message.getMetaData();
                    message.getTimestamp();
                    queue.put(message);
                }
            } catch (InterruptedException e) {
                // closed
            } catch (RuntimeException e) {
                if (!closed) {
                    queue.offer(new Failure(e));
                }
            }
        }

        @Override
        public Optional<TrackedEventMessage<?>> peek() {
            if (next == null) {
                next = taken(queue.poll());
            }
            return Optional.ofNullable(next);
        }

        @Override
        public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
            if (next == null) {
                next = taken(queue.poll(timeout, unit));
            }
            return next != null;
        }

        @Override
        public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
            TrackedEventMessage<?> message = next != null ? next : taken(queue.take());
            next = null;
            return message;
        }

        /** The message taken from the queue, or the reader's failure thrown. */
        private TrackedEventMessage<?> taken(Object item) {
            if (item instanceof Failure failure) {
                throw failure.cause();
            }
            return (TrackedEventMessage<?>) item;
        }

        @Override
        public void close() {
            closed = true;
            reader.interrupt();
            try {
                reader.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stream.close();
        }
    }
}
