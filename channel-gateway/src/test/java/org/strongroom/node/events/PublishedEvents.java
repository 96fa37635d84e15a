package org.strongroom.node.events;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads every record of the event topics from the beginning, as a consumer of the bank would. */
public final class PublishedEvents {

    /** One published record with its CloudEvents headers. */
    public record Record(String topic, int partition, long offset, String key, Map<String, String> headers, byte[] value) {
        public String id() {
            return headers.get("ce_id");
        }

        public long sequence() {
            return Long.parseLong(headers.get("ce_sequence"));
        }
    }

    private PublishedEvents() {
    }

    /**
     * Every record on the event topics, in partition order, read until {@code complete} holds for the
     * records read so far (or the timeout passes: then whatever was read).
     */
    public static List<Record> readUntil(String bootstrapServers, Predicate<List<Record>> complete, Duration timeout) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<Record> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : DomainEventCatalogue.TOPICS) {
                consumer.partitionsFor(topic, Duration.ofSeconds(10))
                        .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Instant giveUp = Instant.now().plus(timeout);
            while (!complete.test(records) && Instant.now().isBefore(giveUp)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Map<String, String> headers = new java.util.LinkedHashMap<>();
                    for (Header header : record.headers()) {
                        headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
                    }
                    records.add(new Record(record.topic(), record.partition(), record.offset(), record.key(), headers,
                            record.value()));
                }
            }
        }
        return records;
    }

    /** Reads until every one of {@code ids} has been published at least once. */
    public static List<Record> readAll(String bootstrapServers, Set<String> ids, Duration timeout) {
        Set<String> missing = new HashSet<>(ids);
        int[] checked = {0};
        return readUntil(bootstrapServers, records -> {
            // Only the records read since the last look.
            for (; checked[0] < records.size(); checked[0]++) {
                missing.remove(records.get(checked[0]).id());
            }
            return missing.isEmpty();
        }, timeout);
    }
}
