package org.strongroom.node.kafka;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Conditional;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * Kafka made ready for the event publisher, in the background from the node's start: the embedded broker
 * (when there is one) serves clients, then the topics declared as beans (the event topics) exist with
 * their partition count. The node
 * serves calls meanwhile; only the publisher waits ({@link #await}), so no record is sent before its
 * topic exists (a broker that creates a topic itself gives it one partition). Boot's own topic creation
 * at start is off ({@code spring.kafka.admin.auto-create: false}): against a broker still recovering its
 * logs after a hard stop it would hold the whole start back.
 */
@Component
@Conditional(KafkaConfigured.class)
public final class KafkaReadiness implements SmartInitializingSingleton, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(KafkaReadiness.class);
    private static final long RETRY_MILLIS = 1000;

    private final BooleanSupplier createTopics;
    /** Completes when the embedded broker serves clients (at once without one). */
    private final CompletableFuture<Void> brokerStarted;
    private final boolean embedded;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile boolean stopped;
    private volatile String state = "waiting for the node to start";

    @org.springframework.beans.factory.annotation.Autowired
    public KafkaReadiness(KafkaAdmin admin, Optional<EmbeddedKafkaBroker> broker) {
        this(admin::initialize, broker.map(EmbeddedKafkaBroker::started).orElse(null));
    }

    /** @param brokerStarted the embedded broker's start, or null when Kafka is external */
    KafkaReadiness(BooleanSupplier createTopics, CompletableFuture<Void> brokerStarted) {
        this.createTopics = createTopics;
        this.embedded = brokerStarted != null;
        this.brokerStarted = embedded ? brokerStarted : CompletableFuture.completedFuture(null);
    }

    @Override
    public void afterSingletonsInstantiated() {
        start();
    }

    /** Starts getting ready, in a thread of its own. */
    void start() {
        state = embedded ? "the embedded broker is starting" : "creating the event topics";
        Thread preparer = new Thread(this::prepare, "kafka-readiness");
        preparer.setDaemon(true);
        preparer.start();
    }

    private void prepare() {
        try {
            if (embedded) {
                state = "the embedded broker is starting";
                brokerStarted.join();
            }
            state = "creating the event topics";
            // Retried until the cluster answers: an external one may come up after the node.
            while (!stopped && !createTopics.getAsBoolean()) {
                state = "the event topics could not be created yet; retrying";
                Thread.sleep(RETRY_MILLIS);
            }
            if (!stopped) {
                state = "ready";
                ready.complete(null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ready.completeExceptionally(e);
        } catch (RuntimeException e) {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                    ? e.getCause() : e;
            state = "failed: " + cause.getMessage();
            log.error("Kafka did not become ready; events stay in the event store and are published after a "
                    + "restart", e);
            ready.completeExceptionally(e);
        }
    }

    /** Whether the publisher may send. */
    public boolean isReady() {
        return ready.isDone() && !ready.isCompletedExceptionally();
    }

    /** Where getting ready stands, for the health endpoint: "ready", or what it waits for. */
    public String state() {
        return state;
    }

    /**
     * Waits up to {@code timeoutMillis} for Kafka to be ready.
     *
     * @throws IllegalStateException if it is not ready by then (the publisher's batch rolls back and is
     *                               retried)
     */
    public void await(long timeoutMillis) {
        if (isReady()) {
            return;
        }
        try {
            ready.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka is not ready: " + state, e);
        }
    }

    @Override
    public void destroy() {
        stopped = true;
    }
}
