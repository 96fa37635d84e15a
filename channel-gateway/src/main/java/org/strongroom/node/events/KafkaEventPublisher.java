package org.strongroom.node.events;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.kafka.core.KafkaTemplate;
import org.strongroom.kernel.MetadataKeys;
import org.strongroom.node.events.DomainEventCatalogue.Outgoing;
import org.strongroom.node.kafka.KafkaReadiness;

/**
 * Publishes every stored domain event to Kafka, in the order of the event store; the event store is the
 * outbox. The processor's token advances in the same database transaction only after Kafka has
 * acknowledged every record of the batch, so a crash or a Kafka outage repeats records (consumers
 * de-duplicate by {@code ce_id}) but never loses one. Records are keyed by aggregate id, so one
 * aggregate's events stay in order on one partition.
 *
 * <p>Not a projection: it is never replayed (a rebuild of the read models must not republish history).
 */
@ProcessingGroup(KafkaEventPublisher.PROCESSOR)
@DisallowReplay
public class KafkaEventPublisher {

    public static final String PROCESSOR = "kafka-publisher";
    static final String CONTENT_TYPE = "application/protobuf";
    static final String SCHEMA_PREFIX = "type.googleapis.com/";

    private static final String PENDING_SENDS = KafkaEventPublisher.class.getName() + ".pending";

    private final KafkaTemplate<String, byte[]> kafka;
    private final DomainEventCatalogue catalogue;
    private final String source;
    private final long acknowledgeTimeoutMillis;
    private final KafkaReadiness kafkaReady;

    public KafkaEventPublisher(KafkaTemplate<String, byte[]> kafka, DomainEventCatalogue catalogue, String source,
                               long acknowledgeTimeoutMillis, KafkaReadiness kafkaReady) {
        this.kafkaReady = kafkaReady;
        this.kafka = kafka;
        this.catalogue = catalogue;
        this.source = source;
        this.acknowledgeTimeoutMillis = acknowledgeTimeoutMillis;
    }

    @EventHandler
    void on(Object payload, EventMessage<?> event) {
        if (!(event instanceof DomainEventMessage<?> domainEvent)) {
            throw new IllegalStateException("event " + event.getIdentifier() + " has no aggregate to key it by");
        }
        Outgoing outgoing = catalogue.toOutgoing(payload);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(outgoing.topic(),
                domainEvent.getAggregateIdentifier(), outgoing.message().toByteArray());
        cloudEventHeaders(record.headers(), domainEvent, outgoing);
        pendingSends().add(kafka.send(record));
    }

    /** CloudEvents 1.0, Kafka protocol binding, binary content mode. */
    private void cloudEventHeaders(Headers headers, DomainEventMessage<?> event, Outgoing outgoing) {
        String type = outgoing.message().getDescriptorForType().getFullName();
        header(headers, "ce_specversion", "1.0");
        header(headers, "ce_id", event.getIdentifier());
        header(headers, "ce_type", type);
        header(headers, "ce_source", source);
        header(headers, "ce_subject", event.getAggregateIdentifier());
        header(headers, "ce_time", event.getTimestamp().toString());
        header(headers, "ce_dataschema", SCHEMA_PREFIX + type);
        header(headers, "content-type", CONTENT_TYPE);
        header(headers, "ce_sequence", Long.toString(event.getSequenceNumber()));
        header(headers, "ce_businessdate", event.getMetaData().get(MetadataKeys.BUSINESS_DATE));
        header(headers, "ce_correlationid", event.getMetaData().get(MetadataKeys.CORRELATION_ID));
        header(headers, "ce_principalid", event.getMetaData().get(MetadataKeys.PRINCIPAL_ID));
        header(headers, "ce_role", event.getMetaData().get(MetadataKeys.ROLE));
        header(headers, "ce_channel", event.getMetaData().get(MetadataKeys.CHANNEL));
    }

    private static void header(Headers headers, String name, Object value) {
        if (value != null) {
            headers.add(name, value.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * The sends of the current batch. The first send of a batch checks that Kafka is ready (its source,
     * {@link KafkaGatedEventSource}, hands the publisher no event before, so this only guards another
     * way in: no record may reach a topic not yet created) and registers one wait before the batch's
     * transaction commits: the token only moves once Kafka has every record, and a failure rolls the
     * batch back to be sent again.
     */
    private List<CompletableFuture<?>> pendingSends() {
        UnitOfWork<?> batch = CurrentUnitOfWork.get().root();
        return batch.getOrComputeResource(PENDING_SENDS, key -> {
            try {
                kafkaReady.await(acknowledgeTimeoutMillis);
            } catch (IllegalStateException e) {
                throw new EventPublicationException(e.getMessage(), e);
            }
            List<CompletableFuture<?>> sends = new ArrayList<>();
            batch.onPrepareCommit(unitOfWork -> awaitAcknowledged(sends));
            return sends;
        });
    }

    private void awaitAcknowledged(List<CompletableFuture<?>> sends) {
        kafka.flush();
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .get(acknowledgeTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventPublicationException("interrupted while waiting for Kafka", e);
        } catch (ExecutionException e) {
            throw new EventPublicationException("Kafka refused an event: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new EventPublicationException("Kafka did not acknowledge " + sends.size() + " events within "
                    + acknowledgeTimeoutMillis + " ms", e);
        }
    }

    /** The batch was not acknowledged: it rolls back and the processor sends it again. */
    static final class EventPublicationException extends RuntimeException {
        EventPublicationException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
