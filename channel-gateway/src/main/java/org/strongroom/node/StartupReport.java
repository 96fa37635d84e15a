package org.strongroom.node;

import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;
import org.springframework.stereotype.Component;

/** Prints the one line an operator needs at start: where gRPC listens and where the data lives. */
@Component
class StartupReport {

    private static final Logger log = LoggerFactory.getLogger(StartupReport.class);

    private final NodeProperties properties;
    private final Environment environment;
    private final AtomicInteger grpcPort = new AtomicInteger(-1);

    StartupReport(NodeProperties properties, Environment environment) {
        this.properties = properties;
        this.environment = environment;
    }

    @EventListener
    void onGrpcStarted(GrpcServerStartedEvent event) {
        grpcPort.set(event.getPort());
    }

    @EventListener
    void onReady(ApplicationReadyEvent event) {
        String database = environment.containsProperty("spring.datasource.url")
                ? environment.getProperty("spring.datasource.url")
                : "embedded PostgreSQL in " + properties.getDataDir().toAbsolutePath().normalize().resolve("postgres");
        String kafka = environment.containsProperty("spring.kafka.bootstrap-servers")
                ? environment.getProperty("spring.kafka.bootstrap-servers")
                : properties.getEmbeddedKafka().isEnabled()
                        ? "embedded Kafka in " + properties.getDataDir().toAbsolutePath().normalize().resolve("kafka")
                        : "no Kafka";
        log.info("Strongroom node ready: gRPC on port {}, HTTP on port {}, data: {}, events: {}",
                grpcPort.get(), environment.getProperty("local.server.port", "?"), database, kafka);
    }
}
