package org.strongroom.node.postgres;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.strongroom.node.NodeProperties;

/**
 * Starts the embedded PostgreSQL as soon as the node's configuration is read, on a thread of its own, so
 * that taking the data directory, stopping a killed node's orphaned server and starting (and recovering)
 * PostgreSQL overlap with Spring building the rest of the node. The {@link EmbeddedPostgresServer} bean
 * then takes this server instead of starting one ({@link #take}); if the node fails to start before that,
 * the server is stopped. Only the node's own {@code main} registers it: tests start PostgreSQL as a bean.
 */
public final class EarlyPostgres implements ApplicationListener<ApplicationEvent> {

    private static final Logger log = LoggerFactory.getLogger(EarlyPostgres.class);

    private static final Object LOCK = new Object();
    private static Path startedFor;
    private static CompletableFuture<EmbeddedPostgresServer> starting;

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
            start(prepared.getEnvironment());
        } else if (event instanceof ApplicationFailedEvent) {
            abandon();
        }
    }

    private static void start(Environment environment) {
        if (environment.containsProperty("spring.datasource.url")) {
            return; // an external server (NoExternalDatasource)
        }
        NodeProperties properties = Binder.get(environment).bind("strongroom", NodeProperties.class)
                .orElseGet(NodeProperties::new);
        NodeProperties.EmbeddedPostgres settings = properties.getEmbeddedPostgres();
        Path dataDir = properties.getDataDir().resolve("postgres").toAbsolutePath();
        EmbeddedPostgresServer server = new EmbeddedPostgresServer(dataDir, settings.getPort(),
                settings.getOrphanStopTimeout());
        synchronized (LOCK) {
            startedFor = dataDir;
            starting = CompletableFuture.supplyAsync(() -> {
                server.start();
                return server;
            }, runnable -> {
                Thread thread = new Thread(runnable, "postgres-start");
                thread.setDaemon(true);
                thread.start();
            });
        }
    }

    /**
     * The server started early for this data directory and port, once it is up (its start's failure is
     * thrown here); null if none was started early.
     */
    static EmbeddedPostgresServer take(Path dataDir) {
        CompletableFuture<EmbeddedPostgresServer> started;
        synchronized (LOCK) {
            if (starting == null || !dataDir.toAbsolutePath().equals(startedFor)) {
                return null;
            }
            started = starting;
            starting = null;
            startedFor = null;
        }
        try {
            return started.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }

    /** The node failed to start before it took the server: stop it, so nothing is left running. */
    private static void abandon() {
        CompletableFuture<EmbeddedPostgresServer> started;
        synchronized (LOCK) {
            started = starting;
            starting = null;
            startedFor = null;
        }
        if (started != null) {
            started.thenAccept(server -> {
                log.info("the node did not start: stopping its embedded PostgreSQL");
                server.close();
            }).exceptionally(failure -> null).join();
        }
    }
}
