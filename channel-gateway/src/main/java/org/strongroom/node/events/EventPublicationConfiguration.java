package org.strongroom.node.events;

import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.strongroom.node.NodeProperties;
import org.strongroom.node.kafka.KafkaConfigured;
import org.strongroom.node.kafka.KafkaReadiness;

/**
 * Publishes the domain events to Kafka when the node has Kafka. Without Kafka nothing is published and
 * nothing is lost: the publisher's token starts at the first event, so enabling Kafka later publishes
 * the whole history.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(KafkaConfigured.class)
public class EventPublicationConfiguration {

    @Bean
    DomainEventCatalogue domainEventCatalogue() {
        return new DomainEventCatalogue();
    }

    /** The Kafka publisher's source ({@code axon.eventhandling.processors.kafka-publisher.source}). */
    @Bean
    KafkaGatedEventSource kafkaPublisherSource(org.axonframework.eventsourcing.eventstore.EventStore eventStore,
                                               KafkaReadiness readiness) {
        return new KafkaGatedEventSource(eventStore, readiness::isReady);
    }

    @Bean
    KafkaEventPublisher kafkaEventPublisher(KafkaTemplate<String, byte[]> kafka, DomainEventCatalogue catalogue,
                                            NodeProperties properties, KafkaReadiness topics) {
        NodeProperties.Events events = properties.getEvents();
        return new KafkaEventPublisher(kafka, catalogue, events.getSource(), events.getAcknowledgeTimeout().toMillis(),
                topics);
    }

    /** The event topics, created once Kafka answers if missing ({@link KafkaReadiness}). */
    @Bean
    KafkaAdmin.NewTopics eventTopics(NodeProperties properties) {
        NodeProperties.Events events = properties.getEvents();
        return new KafkaAdmin.NewTopics(DomainEventCatalogue.TOPICS.stream().sorted()
                .map(topic -> new NewTopic(topic, events.getPartitions(), events.getReplicationFactor()))
                .toArray(NewTopic[]::new));
    }
}
