package org.strongroom.node.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.StreamableMessageSource;
import org.junit.jupiter.api.Test;

/**
 * The Kafka publisher sees no event while Kafka is getting ready (its processor idles as at the end of the
 * stream: no batch is opened that a stop would have to interrupt), and every event, in order, once it is.
 */
class KafkaGatedEventSourceTest {

    @Test
    void noEventIsAvailableUntilKafkaIsReadyThenEveryOneInOrder() throws InterruptedException {
        Deque<TrackedEventMessage<?>> stored = new ArrayDeque<>();
        for (long i = 0; i < 3; i++) {
            stored.add(new GenericTrackedEventMessage<>(new GlobalSequenceTrackingToken(i),
                    GenericEventMessage.asEventMessage("event " + i)));
        }
        AtomicBoolean ready = new AtomicBoolean();
        KafkaGatedEventSource source = new KafkaGatedEventSource(new ListSource(stored), ready::get);
        BlockingStream<TrackedEventMessage<?>> stream = source.openStream(null);

        assertThat(stream.hasNextAvailable()).isFalse();
        assertThat(stream.peek()).isEmpty();
        assertThat(stream.hasNextAvailable(120, TimeUnit.MILLISECONDS)).as("still nothing after waiting").isFalse();

        ready.set(true);
        assertThat(stream.hasNextAvailable(1, TimeUnit.SECONDS)).isTrue();
        assertThat(stream.peek()).isPresent();
        for (long i = 0; i < 3; i++) {
            assertThat(stream.nextAvailable().getPayload()).isEqualTo("event " + i);
        }
        assertThat(stream.hasNextAvailable()).isFalse();
    }

    /** A stream over a list, as the event store's would be over stored events. */
    private record ListSource(Deque<TrackedEventMessage<?>> events)
            implements StreamableMessageSource<TrackedEventMessage<?>> {

        @Override
        public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken token) {
            return new BlockingStream<>() {
                @Override
                public Optional<TrackedEventMessage<?>> peek() {
                    return Optional.ofNullable(events.peekFirst());
                }

                @Override
                public boolean hasNextAvailable(int timeout, TimeUnit unit) {
                    return !events.isEmpty();
                }

                @Override
                public TrackedEventMessage<?> nextAvailable() {
                    return events.removeFirst();
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
