package org.strongroom.node.kafka;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Conditional;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * Kafka in the node's health: STARTING with what it waits for while it gets ready (the embedded broker
 * recovering its logs, the topics being created), then UP when the cluster (embedded or external) answers
 * within 3 s. STARTING ranks below UP (management.endpoint.health.status.order): the node serves calls
 * meanwhile, and its events wait in the event store.
 */
@Component("kafka")
@Conditional(KafkaConfigured.class)
class KafkaHealthIndicator extends AbstractHealthIndicator implements DisposableBean {

    private static final int TIMEOUT_MILLIS = 3000;
    static final Status STARTING = new Status("STARTING");

    private final KafkaAdmin kafkaAdmin;
    private final KafkaReadiness readiness;
    private volatile Admin admin;

    KafkaHealthIndicator(KafkaAdmin kafkaAdmin, KafkaReadiness readiness) {
        super("Kafka health check failed");
        this.kafkaAdmin = kafkaAdmin;
        this.readiness = readiness;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        if (!readiness.isReady()) {
            builder.status(STARTING).withDetail("state", readiness.state());
            return;
        }
        DescribeClusterResult cluster = admin().describeCluster(
                new DescribeClusterOptions().timeoutMs(TIMEOUT_MILLIS));
        String clusterId = cluster.clusterId().get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        int nodes = cluster.nodes().get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).size();
        builder.up().withDetail("clusterId", clusterId).withDetail("nodes", nodes);
    }

    private Admin admin() {
        Admin current = admin;
        if (current == null) {
            synchronized (this) {
                if (admin == null) {
                    Map<String, Object> config = new java.util.HashMap<>(kafkaAdmin.getConfigurationProperties());
                    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MILLIS);
                    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MILLIS);
                    admin = Admin.create(config);
                }
                current = admin;
            }
        }
        return current;
    }

    @Override
    public void destroy() {
        Admin current = admin;
        if (current != null) {
            current.close(java.time.Duration.ofSeconds(2));
        }
    }
}
