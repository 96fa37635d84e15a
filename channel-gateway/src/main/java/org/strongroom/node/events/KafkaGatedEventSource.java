package org.strongroom.node.events;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.StreamableMessageSource;
import org.strongroom.node.axon.EventSourceDecorator;

/**
 * The event store as the Kafka publisher reads it: no event is available until Kafka is ready
 * ({@code KafkaReadiness}: the embedded broker serves and the topics exist). The publisher's processor
 * then idles as it does at the end of the stream (no batch, no transaction, nothing to interrupt when the
 * node stops) instead of holding a batch open while the broker recovers its logs after a hard stop.
 */
public final class KafkaGatedEventSource extends EventSourceDecorator {

    private static final long POLL_MILLIS = 50;

    private final BooleanSupplier kafkaReady;

    public KafkaGatedEventSource(StreamableMessageSource<TrackedEventMessage<?>> events, BooleanSupplier kafkaReady) {
        super(events);
        this.kafkaReady = kafkaReady;
    }

    @Override
    public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken token) {
        return new Gated(events.openStream(token));
    }

    private final class Gated implements BlockingStream<TrackedEventMessage<?>> {

        private final BlockingStream<TrackedEventMessage<?>> stream;

        Gated(BlockingStream<TrackedEventMessage<?>> stream) {
            this.stream = stream;
        }

        @Override
        public boolean hasNextAvailable() {
            return kafkaReady.getAsBoolean() && stream.hasNextAvailable();
        }

        @Override
        public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
            long deadline = System.nanoTime() + unit.toNanos(timeout);
            while (!kafkaReady.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))));
            }
            long left = Math.max(0, deadline - System.nanoTime());
            return stream.hasNextAvailable((int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left)),
                    TimeUnit.MILLISECONDS);
        }

        @Override
        public Optional<TrackedEventMessage<?>> peek() {
            return kafkaReady.getAsBoolean() ? stream.peek() : Optional.empty();
        }

        @Override
        public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
            return stream.nextAvailable();
        }

        @Override
        public void skipMessagesWithPayloadTypeOf(TrackedEventMessage<?> ignoredMessage) {
            stream.skipMessagesWithPayloadTypeOf(ignoredMessage);
        }

        @Override
        public boolean setOnAvailableCallback(Runnable callback) {
            return stream.setOnAvailableCallback(callback);
        }

        @Override
        public void close() {
            stream.close();
        }
    }
}
