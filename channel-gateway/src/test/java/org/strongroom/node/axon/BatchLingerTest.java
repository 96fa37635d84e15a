package org.strongroom.node.axon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.RollbackConfigurationType;
import org.junit.jupiter.api.Test;

/** A processor that reached the stream's end waits before it reads again; one that is behind never does. */
class BatchLingerTest {

    private final List<Duration> pauses = new ArrayList<>();
    private final BatchLinger linger = new BatchLinger(Duration.ofMillis(50), 100, pauses::add);

    private void process(int events, boolean fail) throws Exception {
        List<EventMessage<?>> messages = IntStream.range(0, events)
                .<EventMessage<?>>mapToObj(i -> GenericEventMessage.asEventMessage("event " + i)).toList();
        BatchingUnitOfWork<EventMessage<?>> batch = new BatchingUnitOfWork<>(messages);
        batch.executeWithResult(() -> linger.handle(batch, () -> {
            if (fail) {
                throw new IllegalStateException("the handler failed");
            }
            return null;
        }), RollbackConfigurationType.ANY_THROWABLE);
    }

    @Test
    void aBatchThatFoundTheEndOfTheStreamPausesOnceAfterItCommits() throws Exception {
        process(3, false);
        assertThat(pauses).containsExactly(Duration.ofMillis(50));
    }

    @Test
    void aFullBatchReadsOnAtOnce() throws Exception {
        process(100, false);
        assertThat(pauses).isEmpty();
    }

    @Test
    void aBatchThatRolledBackIsRetriedWithoutAPause() throws Exception {
        process(3, true);
        assertThat(pauses).isEmpty();
    }

    @Test
    void zeroTurnsItOff() throws Exception {
        BatchLinger off = new BatchLinger(Duration.ZERO, 100, pauses::add);
        BatchingUnitOfWork<EventMessage<?>> batch = new BatchingUnitOfWork<>(
                List.of(GenericEventMessage.asEventMessage("event")));
        batch.executeWithResult(() -> off.handle(batch, () -> null), RollbackConfigurationType.ANY_THROWABLE);
        assertThat(pauses).isEmpty();
        assertThatThrownBy(() -> new BatchLinger(Duration.ofMillis(-1), 100, pauses::add))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
