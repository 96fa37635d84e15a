package org.strongroom.ops;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Whether every event the node stored reached its Kafka topic: the event identifiers in the node's event
 * store against the {@code ce_id} headers of every record on the {@code strongroom.*} topics, read from
 * the beginning. Publication is at least once, so a record may repeat; none may be missing.
 */
final class KafkaAudit {

    /** What the topics hold compared with the store. */
    record Result(int stored, long records, long repeats, List<String> missing) {
    }

    private KafkaAudit() {
    }

    static Result audit(String bootstrapServers, Path dataDir) throws Exception {
        Set<String> stored = storedEventIds(dataDir);
        Set<String> published = new HashSet<>();
        long records = 0;
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.listTopics(Duration.ofSeconds(30)).forEach((topic, infos) -> {
                if (topic.startsWith("strongroom.")) {
                    infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
                }
            });
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            Instant giveUp = Instant.now().plus(Duration.ofMinutes(5));
            while (!readToEnd(consumer, ends)) {
                if (Instant.now().isAfter(giveUp)) {
                    throw new IllegalStateException("the topics could not be read to their end within 5 minutes");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                    records++;
                    Header id = record.headers().lastHeader("ce_id");
                    if (id != null) {
                        published.add(new String(id.value(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        List<String> missing = stored.stream().filter(id -> !published.contains(id)).sorted().toList();
        return new Result(stored.size(), records, records - published.size(), missing);
    }

    private static boolean readToEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Every event identifier in the node's event store (its embedded PostgreSQL, database strongroom). */
    private static Set<String> storedEventIds(Path dataDir) throws Exception {
        int port = TransferBenchmark.embeddedPostgresPort(dataDir);
        Set<String> ids = new HashSet<>();
        try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/strongroom",
                "postgres", null)) {
            db.setAutoCommit(false);
            Statement sql = db.createStatement();
            sql.setFetchSize(10_000);
            try (ResultSet rows = sql.executeQuery("SELECT event_identifier FROM domain_event_entry")) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            db.commit();
        }
        return ids;
    }
}
