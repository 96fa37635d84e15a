package org.strongroom.node.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Exit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker on its own. Run by failsafe, outside the JVM that hosts the shared test node:
 * Kafka's exit procedure is process-wide, so the simulated fatal fault here stops every broker in the
 * JVM, the node's too.
 */
class EmbeddedKafkaBrokerIT {

    private static final String TOPIC = "ledger-events";
    private static final Duration CLIENT_WAIT = Duration.ofSeconds(30);

    @TempDir
    Path logDir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void keepsRecordsAcrossRestartAndClosesCleanly() throws Exception {
        String clusterId;
        int brokerPort;
        EmbeddedKafkaBroker first = new EmbeddedKafkaBroker(logDir, 0, 0);
        try {
            first.start();
            assertThat(first.isRunning()).isTrue();
            assertThat(first.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
            clusterId = first.clusterId();
            brokerPort = port(first);

            try (Admin admin = admin(first)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)))
                        .all().get(CLIENT_WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            produce(first, "k1", "v1", "k2", "v2", "k3", "v3");
            // Group "settled" commits its position, to check committed offsets survive the restart too.
            assertThat(consume(first, "settled", 3)).containsExactly("k1=v1", "k2=v2", "k3=v3");
        } finally {
            first.close();
        }
        assertThat(first.isRunning()).isFalse();

        // Same client port again: it must be free right after close.
        EmbeddedKafkaBroker second = new EmbeddedKafkaBroker(logDir, brokerPort, 0);
        try {
            second.start();
            assertThat(second.clusterId()).isEqualTo(clusterId);
            assertThat(port(second)).isEqualTo(brokerPort);

            EmbeddedKafkaBroker intruder = new EmbeddedKafkaBroker(logDir, 0, 0);
            assertThatThrownBy(intruder::start).isInstanceOf(KafkaException.class).hasMessageContaining("in use");
            intruder.close();
            assertThat(second.isRunning()).isTrue();

            assertThat(consume(second, "replay", 3)).containsExactly("k1=v1", "k2=v2", "k3=v3");
            produce(second, "k4", "v4");
            assertThat(consume(second, "settled", 1)).containsExactly("k4=v4");
        } finally {
            second.close();
        }

        second.close(); // idempotent
        assertThat(second.isRunning()).isFalse();
        assertThat(second.failure()).isEmpty();
        try (ServerSocket rebind = new ServerSocket(brokerPort, 50, InetAddress.getLoopbackAddress())) {
            assertThat(rebind.getLocalPort()).isEqualTo(brokerPort);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void failedStartThrowsAndIsSafeToClose() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(logDir, taken.getLocalPort(), 0);

            assertThatThrownBy(broker::start)
                    .isInstanceOf(KafkaException.class)
                    .hasMessageContaining(String.valueOf(taken.getLocalPort()));
            assertThat(broker.isRunning()).isFalse();
            broker.close();
            broker.close();
            assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void kafkaExitRequestStopsTheBrokerNotTheJvm() {
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(logDir, 0, 0);
        try {
            broker.start();

            // What e.g. LogManager does when every log dir has failed.
            assertThatThrownBy(() -> Exit.halt(1, "simulated log dir failure"))
                    .isInstanceOf(KafkaException.class);
            assertThat(broker.isRunning()).isFalse();
            assertThat(broker.failure()).get().asString().contains("simulated log dir failure");
        } finally {
            broker.close();
        }
    }

    private static Admin admin(EmbeddedKafkaBroker broker) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CLIENT_WAIT.toMillis()));
    }

    private static void produce(EmbeddedKafkaBroker broker, String... keysAndValues) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) CLIENT_WAIT.toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) CLIENT_WAIT.toMillis());
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < keysAndValues.length; i += 2) {
                producer.send(new ProducerRecord<>(TOPIC, keysAndValues[i], keysAndValues[i + 1]))
                        .get(CLIENT_WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        }
    }

    /** Reads {@code expected} records as group {@code groupId} (from the beginning if new) and commits. */
    private static List<String> consume(EmbeddedKafkaBroker broker, String groupId, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CLIENT_WAIT.toMillis());
        List<String> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(Set.of(TOPIC));
            long deadline = System.nanoTime() + CLIENT_WAIT.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    records.add(record.key() + "=" + record.value());
                }
            }
            consumer.commitSync();
        }
        return records;
    }

    private static int port(EmbeddedKafkaBroker broker) {
        String servers = broker.bootstrapServers();
        return Integer.parseInt(servers.substring(servers.lastIndexOf(':') + 1));
    }
}
