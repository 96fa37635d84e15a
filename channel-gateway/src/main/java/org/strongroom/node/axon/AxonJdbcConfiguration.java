package org.strongroom.node.axon;

import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.common.jdbc.UnitOfWorkAwareConnectionProviderWrapper;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcSQLErrorCodesResolver;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.jackson3.Jackson3SerializerCustomizer;
import org.axonframework.serialization.upcasting.event.EventUpcaster;
import org.axonframework.serialization.upcasting.event.EventUpcasterChain;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.transaction.PlatformTransactionManager;
import org.strongroom.node.NodeProperties;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

/**
 * Axon on PostgreSQL through JDBC, declared by hand: Axon 4.13's own JDBC auto-configuration backs off
 * under Spring Boot 4 (its ordering names Boot 3 classes that moved), which would leave an in-memory
 * event store or a no-op transaction manager. Every piece joins Spring's transaction, so events, token updates and the
 * gateway's idempotency record commit or roll back together.
 */
@Configuration(proxyBeanMethods = false)
public class AxonJdbcConfiguration {

    @Bean
    @Primary
    TransactionManager axonTransactionManager(PlatformTransactionManager transactionManager) {
        return new SpringTransactionManager(transactionManager);
    }

    @Bean
    ConnectionProvider axonConnectionProvider(DataSource dataSource) {
        return new UnitOfWorkAwareConnectionProviderWrapper(new SpringDataSourceConnectionProvider(dataSource));
    }

    @Bean
    PersistenceExceptionResolver persistenceExceptionResolver() {
        return new JdbcSQLErrorCodesResolver();
    }

    @Bean
    EventStorageEngine eventStorageEngine(@Qualifier("eventSerializer") Serializer eventSerializer,
                                          PersistenceExceptionResolver persistenceExceptionResolver,
                                          ConnectionProvider connectionProvider,
                                          TransactionManager transactionManager,
                                          List<EventUpcaster> upcasters) {
        return JdbcEventStorageEngine.builder()
                // Aggregates' own fields, under their class's revision (Snapshots).
                .snapshotSerializer(Snapshots.serializer())
                .snapshotFilter(Snapshots.filter())
                .eventSerializer(eventSerializer)
                .upcasterChain(new EventUpcasterChain(upcasters))
                .persistenceExceptionResolver(persistenceExceptionResolver)
                .connectionProvider(connectionProvider)
                .transactionManager(transactionManager)
                .dataType(byte[].class)
                // A global index taken by a transaction still running is a gap that readers wait for this
                // long before giving it up. Calls are capped at 60 s (strongroom.grpc.max-deadline), so five
                // minutes leaves a wide margin: no slow commit is ever skipped.
                .gapTimeout(300_000)
                .schema(EventSchema.builder()
                        .eventTable("domain_event_entry")
                        .snapshotTable("snapshot_event_entry")
                        .globalIndexColumn("global_index")
                        .timestampColumn("time_stamp")
                        .eventIdentifierColumn("event_identifier")
                        .aggregateIdentifierColumn("aggregate_identifier")
                        .sequenceNumberColumn("sequence_number")
                        .typeColumn("type")
                        .payloadTypeColumn("payload_type")
                        .payloadRevisionColumn("payload_revision")
                        .payloadColumn("payload")
                        .metaDataColumn("meta_data")
                        .build())
                .build();
    }

    /**
     * Axon wakes its event readers when a unit of work commits, but our units of work run inside the
     * gateway's outer transaction (idempotency record + events commit together), so that wake-up comes
     * before the rows are visible. A short fetch delay bounds how long projections (and so
     * read-your-writes) wait for a commit they were not told about; Axon's default is one second.
     */
    @Bean
    EventStore eventStore(EventStorageEngine storageEngine,
                          @Value("${strongroom.event-store.fetch-delay:10ms}") Duration fetchDelay) {
        return EmbeddedEventStore.builder()
                .storageEngine(storageEngine)
                .fetchDelay(fetchDelay.toMillis())
                .build();
    }

    /**
     * The token store's owner name is stable for a node's data directory (Axon's default is pid@host):
     * a node restarted after SIGKILL reclaims its own segments at once instead of waiting for the dead
     * process's claims to time out, which every read-your-writes write would otherwise wait for.
     */
    @Bean
    TokenStore tokenStore(ConnectionProvider connectionProvider, Serializer serializer, NodeProperties properties) {
        return JdbcTokenStore.builder()
                .connectionProvider(connectionProvider)
                .serializer(serializer)
                .nodeId(nodeId(properties))
                .contentType(byte[].class)
                .schema(TokenSchema.builder()
                        .setTokenTable("token_entry")
                        .setProcessorNameColumn("processor_name")
                        .setSegmentColumn("segment")
                        .setTokenColumn("token")
                        .setTokenTypeColumn("token_type")
                        .setTimestampColumn("time_stamp")
                        .setOwnerColumn("owner")
                        .build())
                .build();
    }

    /**
     * Replay tokens (written when a projection is rebuilt) carry a polymorphic context; Jackson 3 refuses
     * polymorphic types without an allow-list, so allow Axon's own types and nothing else.
     */
    @Bean
    Jackson3SerializerCustomizer axonJsonTypes() {
        return builder -> builder.polymorphicTypeValidator(BasicPolymorphicTypeValidator.builder()
                .allowIfSubType("org.axonframework.")
                .build());
    }

    static String nodeId(NodeProperties properties) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        String id = host + ":" + properties.getDataDir().toAbsolutePath().normalize();
        return id.length() <= 255 ? id : id.substring(id.length() - 255);
    }

    @Bean
    CorrelationDataProvider strongroomCorrelationDataProvider() {
        return new StrongroomCorrelationDataProvider();
    }
}
