package org.strongroom.node.kafka;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** True when no external Kafka is configured and the embedded broker is not switched off. */
class EmbeddedKafkaWanted implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Environment environment = context.getEnvironment();
        return !environment.containsProperty("spring.kafka.bootstrap-servers")
                && environment.getProperty("strongroom.embedded-kafka.enabled", Boolean.class, true);
    }
}
