package org.strongroom.node.kafka;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** True when the node has a Kafka cluster: an external one, or the embedded broker. */
public class KafkaConfigured implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return context.getEnvironment().containsProperty("spring.kafka.bootstrap-servers")
                || new EmbeddedKafkaWanted().matches(context, metadata);
    }
}
