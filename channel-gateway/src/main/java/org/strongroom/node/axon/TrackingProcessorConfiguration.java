package org.strongroom.node.axon;

import java.time.Duration;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.springboot.EventProcessorProperties;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The processors that may lag (tracking: the ledger and the Kafka publisher) collect
 * their events in batches: after a batch that reached the stream's end each waits
 * {@code strongroom.processors.batch-linger} (default 50 ms, 0 turns it off) before reading on
 * ({@link BatchLinger}).
 */
@Configuration(proxyBeanMethods = false)
public class TrackingProcessorConfiguration {

    @Bean
    ConfigurerModule trackingBatchLinger(EventProcessorProperties processors,
                                         @Value("${strongroom.processors.batch-linger:50ms}") Duration linger) {
        return configurer -> configurer.eventProcessing(processing -> processors.getProcessors().forEach(
                (name, settings) -> {
                    if (settings.getMode() == EventProcessorProperties.Mode.TRACKING) {
                        BatchLinger batchLinger = new BatchLinger(linger, settings.getBatchSize());
                        processing.registerHandlerInterceptor(name, configuration -> batchLinger);
                    }
                }));
    }

    /**
     * The general ledger's source ({@code axon.eventhandling.processors.general-ledger.source}): the event
     * store, read and deserialized up to {@code strongroom.processors.read-ahead} events (default 2,000)
     * ahead of the ledger's processor.
     */
    @Bean
    ReadAheadEventSource generalLedgerSource(EventStore eventStore,
                                             @Value("${strongroom.processors.read-ahead:2000}") int readAhead) {
        return new ReadAheadEventSource(eventStore, readAhead, "general-ledger-read-ahead");
    }
}
