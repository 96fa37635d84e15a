package org.strongroom.node.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The publisher's view of Kafka coming up in the background: nothing is sent while the embedded broker
 * starts or the topics do not exist yet, topic creation is retried until the cluster answers, and a broker
 * that fails to start is reported, not waited for.
 */
class KafkaReadinessTest {

    @Test
    void nothingIsSentWhileTheEmbeddedBrokerIsStillStartingAndTheTopicsComeFirstOnceItServes() {
        CompletableFuture<Void> broker = new CompletableFuture<>();
        AtomicInteger topicAttempts = new AtomicInteger();
        KafkaReadiness readiness = new KafkaReadiness(() -> topicAttempts.incrementAndGet() >= 2, broker);
        readiness.start();

        assertThatThrownBy(() -> readiness.await(100)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the embedded broker is starting");
        assertThat(readiness.isReady()).isFalse();
        assertThat(topicAttempts).as("no topic is created before the broker serves").hasValue(0);

        broker.complete(null);
        readiness.await(10_000);
        assertThat(readiness.isReady()).isTrue();
        assertThat(readiness.state()).isEqualTo("ready");
        assertThat(topicAttempts).as("the first attempt failed and was retried").hasValue(2);
        readiness.destroy();
    }

    @Test
    void aBrokerThatFailsToStartIsReportedNotWaitedFor() {
        CompletableFuture<Void> broker = new CompletableFuture<>();
        KafkaReadiness readiness = new KafkaReadiness(() -> true, broker);
        readiness.start();
        broker.completeExceptionally(new IllegalStateException("log directory is corrupt"));

        assertThatThrownBy(() -> readiness.await(10_000)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("log directory is corrupt");
        assertThat(readiness.isReady()).isFalse();
        readiness.destroy();
    }

    @Test
    void anExternalClusterNeedsOnlyItsTopics() {
        KafkaReadiness readiness = new KafkaReadiness(() -> true, null);
        readiness.start();
        readiness.await(10_000);
        assertThat(readiness.isReady()).isTrue();
        readiness.destroy();
    }
}
