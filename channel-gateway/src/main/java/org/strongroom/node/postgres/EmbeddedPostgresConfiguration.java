package org.strongroom.node.postgres;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.strongroom.node.NodeProperties;

/**
 * Runs the embedded PostgreSQL unless {@code spring.datasource.url} names an external server. Exposing
 * it as {@link JdbcConnectionDetails} keeps Boot's own DataSource, pool and Flyway wiring, and makes the
 * pool depend on the server, so Spring stops them in the right order.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(NoExternalDatasource.class)
public class EmbeddedPostgresConfiguration {

    /** The server {@link EarlyPostgres} started while Spring built the node, or a new one (started here). */
    @Bean(initMethod = "start", destroyMethod = "close")
    EmbeddedPostgresServer embeddedPostgresServer(NodeProperties properties) {
        NodeProperties.EmbeddedPostgres settings = properties.getEmbeddedPostgres();
        java.nio.file.Path dataDir = properties.getDataDir().resolve("postgres");
        EmbeddedPostgresServer early = EarlyPostgres.take(dataDir);
        return early != null ? early : new EmbeddedPostgresServer(dataDir, settings.getPort(),
                settings.getOrphanStopTimeout());
    }

    @Bean
    JdbcConnectionDetails embeddedPostgresConnectionDetails(EmbeddedPostgresServer server) {
        return new JdbcConnectionDetails() {
            @Override
            public String getUsername() {
                return EmbeddedPostgresServer.USER;
            }

            @Override
            public String getPassword() {
                return null;
            }

            @Override
            public String getJdbcUrl() {
                return server.jdbcUrl();
            }
        };
    }
}
