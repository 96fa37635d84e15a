package org.strongroom.node.kafka;

import java.util.List;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.strongroom.node.NodeProperties;

/**
 * Runs a single-node KRaft Kafka broker inside the node unless {@code spring.kafka.bootstrap-servers}
 * names an external cluster (or {@code strongroom.embedded-kafka.enabled=false}). Exposed as
 * {@link KafkaConnectionDetails}, so Boot's Kafka clients find it and close before it stops.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedKafkaWanted.class)
public class EmbeddedKafkaConfiguration {

    /**
     * Its listeners are bound with the other beans, so Kafka's clients know where to connect; the broker
     * starts once the node is ready ({@link #startEmbeddedKafkaWhenReady}), and the node serves while it
     * recovers its logs (KafkaReadiness).
     */
    @Bean(initMethod = "bindNow", destroyMethod = "close")
    EmbeddedKafkaBroker embeddedKafkaBroker(NodeProperties properties) {
        NodeProperties.EmbeddedKafka settings = properties.getEmbeddedKafka();
        return new EmbeddedKafkaBroker(properties.getDataDir().resolve("kafka").toAbsolutePath(),
                settings.getPort(), settings.getControllerPort());
    }

    /**
     * Starts the broker when the node is ready, not beside Spring's start: on two cores a broker recovering
     * its logs after a hard stop took a third of the CPU the start needed, and nothing in the start waits
     * for Kafka (the publisher reads the event store once Kafka answers).
     */
    @Bean
    ApplicationListener<ApplicationReadyEvent> startEmbeddedKafkaWhenReady(EmbeddedKafkaBroker broker) {
        return ready -> broker.startInBackground();
    }

    @Bean
    KafkaConnectionDetails embeddedKafkaConnectionDetails(EmbeddedKafkaBroker broker) {
        return () -> List.of(broker.bootstrapServers());
    }
}
