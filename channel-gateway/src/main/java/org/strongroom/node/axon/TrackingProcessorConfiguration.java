package org.strongroom.node.axon;

import java.time.Duration;
import org.axonframework.config.ConfigurerModule;
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
}
