package org.strongroom.node.time;

import java.time.Clock;
import org.axonframework.eventhandling.GenericEventMessage;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one source of time. Tests supply a @Primary {@link Clock}; Axon's event timestamps come from the
 * same clock, so nothing in the node reads the system clock directly.
 */
@Configuration(proxyBeanMethods = false)
public class TimeConfiguration {

    @Bean
    Clock clock() {
        // Millisecond ticks: Axon's event store keeps timestamps to the millisecond, so a command's answer
        // and a later read of the same event agree exactly.
        return Clock.tickMillis(java.time.ZoneOffset.UTC);
    }

    @Bean
    AxonClockBinding axonClockBinding(Clock clock) {
        return new AxonClockBinding(clock);
    }

    /** Axon stamps event and deadline messages from one static clock; point it at ours. */
    static final class AxonClockBinding {
        AxonClockBinding(Clock clock) {
            GenericEventMessage.clock = clock;
        }
    }
}
