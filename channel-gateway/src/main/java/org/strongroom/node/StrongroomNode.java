package org.strongroom.node;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.strongroom.node.postgres.EarlyPostgres;

/** The bank node: gRPC channel gateway, domain modules, projections and embedded infrastructure. */
@SpringBootApplication(scanBasePackages = "org.strongroom")
@EnableConfigurationProperties(NodeProperties.class)
public class StrongroomNode {

    static final String AXON_UPDATE_CHECKER = "axoniq.update-checker.disabled";

    public static void main(String[] args) {
        // A bank node does not phone home: Axon's update checker is off unless explicitly enabled.
        if (System.getProperty(AXON_UPDATE_CHECKER) == null) {
            System.setProperty(AXON_UPDATE_CHECKER, "true");
        }
        SpringApplication node = new SpringApplication(StrongroomNode.class);
        // PostgreSQL starts (and recovers) while Spring builds the rest of the node.
        node.addListeners(new EarlyPostgres());
        node.run(args);
    }
}
