package org.strongroom.node;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.strongroom.node.postgres.EarlyPostgres;

/** The bank node: gRPC channel gateway, domain modules, projections and embedded infrastructure. */
@SpringBootApplication(scanBasePackages = "org.strongroom")
@EnableConfigurationProperties(NodeProperties.class)
public class StrongroomNode {

    static final String AXON_UPDATE_CHECKER = "axoniq.update-checker.disabled";
    /** Start the node, then stop it at once: the build runs it so to record the classes a start loads. */
    static final String EXIT_AFTER_START = "strongroom.exit-after-start";

    public static void main(String[] args) {
        // A bank node does not phone home: Axon's update checker is off unless explicitly enabled.
        if (System.getProperty(AXON_UPDATE_CHECKER) == null) {
            System.setProperty(AXON_UPDATE_CHECKER, "true");
        }
        SpringApplication node = new SpringApplication(StrongroomNode.class);
        // PostgreSQL starts (and recovers) while Spring builds the rest of the node.
        node.addListeners(new EarlyPostgres());
        ConfigurableApplicationContext context = node.run(args);
        if (context.getEnvironment().getProperty(EXIT_AFTER_START, Boolean.class, false)) {
            // The build's training start for the class-data-sharing archive (README, "Run a bank node"):
            // start, then stop in order, so that the JVM writes the classes it loaded at exit.
            System.exit(SpringApplication.exit(context));
        }
    }
}
