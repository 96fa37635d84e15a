package org.strongroom.node.kafka;

import java.util.List;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
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

    /** Started in the background: the node serves while a broker recovers its logs (KafkaReadiness). */
    @Bean(initMethod = "startInBackground", destroyMethod = "close")
    EmbeddedKafkaBroker embeddedKafkaBroker(NodeProperties properties) {
        NodeProperties.EmbeddedKafka settings = properties.getEmbeddedKafka();
        return new EmbeddedKafkaBroker(properties.getDataDir().resolve("kafka").toAbsolutePath(),
                settings.getPort(), settings.getControllerPort());
    }

    @Bean
    KafkaConnectionDetails embeddedKafkaConnectionDetails(EmbeddedKafkaBroker broker) {
        return () -> List.of(broker.bootstrapServers());
    }
}
