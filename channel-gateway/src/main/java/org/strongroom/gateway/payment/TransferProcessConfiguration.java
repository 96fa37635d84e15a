package org.strongroom.gateway.payment;

import java.util.Set;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.messaging.StreamableMessageSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The {@value TransferProcessHandler#PROCESSING_GROUP} tracking processor: two segments on two threads,
 * batches of 100 events, and never started by the node on its own ({@link TransferProcessStandby} starts it
 * when a transfer of an earlier release is in flight; once started it runs until the node stops). Started
 * for the first time in a data directory (no token stored yet), it reads from the request of the earliest
 * transfer still PENDING: every step of such a transfer follows its request, so nothing before it concerns
 * the process. Never replayed. It takes events in batches, one transaction and one token update a batch;
 * a batch with steps of two transfers holds both accounts' locks, and a deadlock with a call is broken by
 * PostgreSQL and the loser retried.
 */
@Configuration(proxyBeanMethods = false)
public class TransferProcessConfiguration {

    @Bean
    ConfigurerModule transferProcessOnDemand(JdbcTemplate jdbc) {
        return configurer -> configurer.eventProcessing(processing -> processing.registerTrackingEventProcessor(
                TransferProcessHandler.PROCESSING_GROUP, configuration -> configuration.eventStore(),
                configuration -> TrackingEventProcessorConfiguration.forParallelProcessing(2)
                        .andInitialSegmentsCount(2)
                        .andBatchSize(100)
                        .andAutoStart(false)
                        .andInitialTrackingToken(source -> firstInFlight(jdbc, source))));
    }

    /** Just before the request of the earliest PENDING transfer; the stream's tail if there is none. */
    static TrackingToken firstInFlight(JdbcTemplate jdbc, StreamableMessageSource<?> source) {
        Long first = jdbc.queryForObject("SELECT min(requested_position) FROM transfer_view WHERE status = 'PENDING'",
                Long.class);
        return first == null ? source.createTailToken() : GapAwareTrackingToken.newInstance(first - 1, Set.of());
    }
}
