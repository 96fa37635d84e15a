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
 * the processor handles the ones before, up to {@code capacity} events ahead, until it reaches the head.
 * The order is the store's; the processor sees the same messages and tokens as it would from the store
 * directly (docs/architecture.md, "Rebuilding the general ledger").
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

    /**
     * One processor's stream. While the store has events ready, a reader thread moves them into the queue
     * and the processor's thread takes them from there. Once the reader finds none ready (the processor has
     * caught up with the head), it stops, and the processor's thread reads the store itself: a processor
     * at the head takes each commit's events as soon as they come, with no thread between it and the store.
     */
    static final class ReadAhead implements BlockingStream<TrackedEventMessage<?>> {

        /** While the reader runs, how often a waiting processor looks whether it has caught up. */
        private static final long HANDOFF_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

        private final BlockingStream<TrackedEventMessage<?>> stream;
        private final BlockingQueue<Object> queue;
        private final Thread reader;
        private volatile boolean closed;
        /** The reader found no event ready and stopped; everything it read is in the queue. */
        private volatile boolean caughtUp;
        /** Taken by {@code peek} or {@code hasNextAvailable}, not yet by {@code nextAvailable}. */
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
                    if (!stream.hasNextAvailable(0, TimeUnit.MILLISECONDS)) {
                        caughtUp = true;
                        return;
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
                // Queued behind the events read before it (waiting for room if the queue is full), so the
                // processor meets the failure in order and its processor reopens the stream.
                if (!closed) {
                    try {
                        queue.put(new Failure(e));
                    } catch (InterruptedException closing) {
                        // closed meanwhile
                    }
                }
            }
        }

        /** The next event within the timeout, or null: from the queue, then, once the reader stopped, the store. */
        private TrackedEventMessage<?> poll(long timeout, TimeUnit unit) throws InterruptedException {
            long deadline = System.nanoTime() + unit.toNanos(timeout);
            while (true) {
                // Read before the queue: every event the reader read was queued before it stopped.
                boolean readerStopped = caughtUp;
                Object item = queue.poll();
                if (item != null) {
                    return taken(item);
                }
                long left = deadline - System.nanoTime();
                if (readerStopped) {
                    return stream.hasNextAvailable((int) Math.max(0, TimeUnit.NANOSECONDS.toMillis(left)),
                            TimeUnit.MILLISECONDS) ? stream.nextAvailable() : null;
                }
                if (left <= 0) {
                    return null;
                }
                item = queue.poll(Math.min(left, HANDOFF_CHECK_NANOS), TimeUnit.NANOSECONDS);
                if (item != null) {
                    return taken(item);
                }
            }
        }

        @Override
        public Optional<TrackedEventMessage<?>> peek() {
            if (next == null) {
                try {
                    next = poll(0, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Optional.ofNullable(next);
        }

        @Override
        public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
            if (next == null) {
                next = poll(timeout, unit);
            }
            return next != null;
        }

        @Override
        public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
            while (next == null) {
                next = poll(1, TimeUnit.SECONDS);
            }
            TrackedEventMessage<?> message = next;
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
