package org.strongroom.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.Configuration;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.SimpleDeadlineManager;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineManager;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.jackson3.Jackson3Serializer;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.strongroom.projections.api.Projections;

/**
 * Guards against the Boot 4 trap (Axon 4.13's auto-configuration names Boot 3 classes that moved): Axon
 * silently falling back to a no-op transaction manager or in-memory stores. Each assertion fails if that happens.
 */
class AxonWiringTest extends NodeTest {

    @Autowired
    Configuration axon;
    @Autowired
    TransactionManager transactionManager;
    @Autowired
    EventStore eventStore;
    @Autowired
    EventStorageEngine storageEngine;
    @Autowired
    TokenStore tokenStore;
    @Autowired
    DeadlineManager deadlineManager;
    @Autowired
    CommandBus commandBus;
    @Autowired
    EventProcessingConfiguration processing;

    @Test
    void transactionsAreSpringsNotANoOp() {
        assertThat(transactionManager).isInstanceOf(SpringTransactionManager.class)
                .isNotInstanceOf(NoTransactionManager.class);
        assertThat(axon.getComponent(TransactionManager.class)).isSameAs(transactionManager);
    }

    @Test
    void eventsAndTokensLiveInPostgres() {
        assertThat(eventStore).isInstanceOf(EmbeddedEventStore.class);
        assertThat(axon.eventStore()).isSameAs(eventStore);
        assertThat(storageEngine).isInstanceOf(JdbcEventStorageEngine.class);
        assertThat(tokenStore).isInstanceOf(JdbcTokenStore.class);
    }

    @Test
    void deadlinesArePersistent() {
        assertThat(deadlineManager).isInstanceOf(DbSchedulerDeadlineManager.class)
                .isNotInstanceOf(SimpleDeadlineManager.class);
        assertThat(axon.deadlineManager()).isSameAs(deadlineManager);
    }

    @Test
    void serializersAreJsonNeverXStream() {
        assertThat(axon.serializer()).isInstanceOf(Jackson3Serializer.class);
        assertThat(axon.eventSerializer()).isInstanceOf(Jackson3Serializer.class);
        assertThat(axon.messageSerializer()).isInstanceOf(Jackson3Serializer.class);
    }

    @Test
    void commandsRunInTheCallersThreadAndTransaction() {
        // The idempotency record shares the command's transaction only on the simple, synchronous bus.
        assertThat(commandBus).isInstanceOf(SimpleCommandBus.class);
    }

    @Autowired
    org.springframework.jdbc.core.JdbcTemplate jdbc;
    @Autowired
    NodeProperties properties;

    @Test
    void segmentsAreClaimedUnderANameThatSurvivesARestart() {
        // pid@host would change with every start; host plus data directory does not.
        String expected = org.strongroom.node.axon.AxonJdbcConfigurationAccess.nodeId(properties);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(jdbc.queryForList("SELECT DISTINCT owner FROM token_entry WHERE owner IS NOT NULL",
                        String.class)).containsExactly(expected));
        assertThat(expected).contains(properties.getDataDir().toAbsolutePath().normalize().toString());
    }

    @Test
    void readYourWritesViewsAreWrittenInTheWritersTransactionAndReportsTrackTheEventStore() {
        for (String projection : Projections.ALL) {
            assertThat(processing.eventProcessor(projection)).get().isInstanceOf(
                    Projections.SAME_TRANSACTION_VIEWS.containsKey(projection)
                            ? org.axonframework.eventhandling.SubscribingEventProcessor.class
                            : TrackingEventProcessor.class);
        }
        assertThat(Projections.SAME_TRANSACTION_VIEWS).doesNotContainKey(Projections.GENERAL_LEDGER);
    }
}
