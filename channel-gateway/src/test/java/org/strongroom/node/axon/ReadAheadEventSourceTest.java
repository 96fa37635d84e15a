package org.strongroom.node.axon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.junit.jupiter.api.Test;

/**
 * The ledger's processor reads the store through a read-ahead stream: it must see every event once, in
 * the store's order, with the same tokens; a failed read reaches the processor instead of stalling it;
 * closing the stream stops its reader and closes the store's stream.
 */
class ReadAheadEventSourceTest {

    /** The store's stream as a test drives it: events arrive when offered, or a failure. */
    private static final class StoreStream implements BlockingStream<TrackedEventMessage<?>> {
        final LinkedBlockingQueue<Object> arriving = new LinkedBlockingQueue<>();
        /** Counted down when the store has thrown the failure it was given. */
        final CountDownLatch thrown = new CountDownLatch(1);
        private Object peeked;
        volatile boolean closed;

        void offer(long index) {
            arriving.add(new GenericTrackedEventMessage<>(new GlobalSequenceTrackingToken(index),
                    GenericEventMessage.asEventMessage("event " + index)));
        }

        @Override
        public Optional<TrackedEventMessage<?>> peek() {
            throw new UnsupportedOperationException("the reader does not peek");
        }

        @Override
        public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
            if (peeked == null) {
                peeked = arriving.poll(timeout, unit);
            }
            if (peeked instanceof RuntimeException failure) {
                peeked = null;
                thrown.countDown();
                throw failure;
            }
            return peeked != null;
        }

        @Override
        public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
            Object item = peeked != null ? peeked : arriving.take();
            peeked = null;
            return (TrackedEventMessage<?>) item;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static long index(TrackedEventMessage<?> message) {
        return message.trackingToken().position().orElseThrow();
    }

    @Test
    void theProcessorSeesEveryEventOnceInTheStoresOrderAcrossPeeksAndWaits() throws Exception {
        StoreStream store = new StoreStream();
        ReadAheadEventSource.ReadAhead stream = new ReadAheadEventSource.ReadAhead(store, 3, "read-ahead-test");
        try {
            for (long i = 1; i <= 10; i++) {
                store.offer(i);
            }
            List<Long> seen = new ArrayList<>();
            while (seen.size() < 10) {
                assertThat(stream.hasNextAvailable(10, TimeUnit.SECONDS)).isTrue();
                long peeked = index(stream.peek().orElseThrow());
                TrackedEventMessage<?> next = stream.nextAvailable();
                assertThat(index(next)).isEqualTo(peeked);
                assertThat(next.getPayload()).isEqualTo("event " + peeked);
                seen.add(peeked);
            }
            assertThat(seen).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            // At the head: nothing yet, and the reader has stopped; the processor reads the store itself and
            // gets the next events as soon as the store has them.
            assertThat(stream.hasNextAvailable(50, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(stream.peek()).isEmpty();
            assertThat(readerAlive()).isFalse();
            store.offer(11);
            store.offer(12);
            assertThat(index(stream.peek().orElseThrow())).isEqualTo(11);
            assertThat(index(stream.nextAvailable())).isEqualTo(11);
            assertThat(stream.hasNextAvailable(10, TimeUnit.SECONDS)).isTrue();
            assertThat(index(stream.nextAvailable())).isEqualTo(12);
        } finally {
            stream.close();
        }
        assertThat(store.closed).isTrue();
    }

    @Test
    void aFailedReadReachesTheProcessorAfterTheEventsReadBeforeItEvenWithTheQueueFull() throws Exception {
        StoreStream store = new StoreStream();
        store.offer(1);
        store.arriving.add(new IllegalStateException("connection lost"));
        // Room for one event: the failure comes while event 1 fills the queue, and must wait for room
        // rather than be lost (the processor would then wait at an end of stream that is not one).
        ReadAheadEventSource.ReadAhead stream = new ReadAheadEventSource.ReadAhead(store, 1, "read-ahead-test");
        try {
            assertThat(store.thrown.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(index(stream.nextAvailable())).isEqualTo(1);
            assertThatThrownBy(() -> stream.hasNextAvailable(10, TimeUnit.SECONDS))
                    .isInstanceOf(IllegalStateException.class).hasMessage("connection lost");
        } finally {
            stream.close();
        }
    }

    @Test
    void closingStopsTheReaderEvenWithTheQueueFull() throws Exception {
        StoreStream store = new StoreStream();
        for (long i = 1; i <= 10; i++) {
            store.offer(i);
        }
        ReadAheadEventSource.ReadAhead stream = new ReadAheadEventSource.ReadAhead(store, 2, "read-ahead-test");
        assertThat(stream.hasNextAvailable(10, TimeUnit.SECONDS)).isTrue();
        stream.close();
        assertThat(store.closed).isTrue();
        assertThat(readerAlive()).isFalse();
    }

    private static boolean readerAlive() throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            if (Thread.getAllStackTraces().keySet().stream().noneMatch(
                    thread -> thread.getName().equals("read-ahead-test") && thread.isAlive())) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
