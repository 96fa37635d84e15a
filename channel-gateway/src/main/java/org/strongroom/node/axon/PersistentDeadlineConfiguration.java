package org.strongroom.node.axon;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.serializer.Serializer;
import com.github.kagkarlsson.scheduler.task.Task;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.ConfigurationScopeAwareProvider;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineManager;
import org.axonframework.deadline.dbscheduler.DbSchedulerHumanReadableDeadlineDetails;
import org.axonframework.spring.config.SpringAxonConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.strongroom.kernel.MetadataKeys;
import org.strongroom.node.time.BusinessDateService;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Persistent Axon deadlines: Axon's {@link DbSchedulerDeadlineManager} over db-scheduler 16.6.0 (the version
 * Axon 4.13.0 is built against) on the node's PostgreSQL, table {@code scheduled_tasks} (Flyway V90).
 * A deadline is a row, so it survives a restart, and one that fell due while the node was down fires on the
 * first poll after the next start. Wired by hand: no db-scheduler Spring Boot starter, and no
 * {@link Scheduler} bean, so Axon's own {@code AxonDbSchedulerAutoConfiguration} (conditional on one) backs off.
 */
@Configuration(proxyBeanMethods = false)
public class PersistentDeadlineConfiguration {

    /**
     * After {@link SpringAxonConfiguration#LIFECYCLE_PHASE} (where Axon's whole configuration starts, so
     * aggregates and sagas can take deadlines) and, in reverse on close, stopped before Axon; the DataSource
     * is closed only after every lifecycle bean has stopped.
     */
    public static final int SCHEDULER_PHASE = SpringAxonConfiguration.LIFECYCLE_PHASE + 1024;

    @Bean
    DeadlineScheduler deadlineScheduler(DataSource dataSource,
                                        ObjectProvider<DbSchedulerDeadlineManager> deadlineManager) {
        // The task looks the manager up when a deadline fires: the manager needs the scheduler, so it
        // cannot be a constructor argument here.
        Task<DbSchedulerHumanReadableDeadlineDetails> deadlineTask =
                DbSchedulerDeadlineManager.humanReadableTask(deadlineManager::getObject);
        Scheduler scheduler = Scheduler
                // Transaction-aware: a deadline scheduled (or cancelled) in a command joins the command's
                // Spring transaction, so it commits or rolls back with the aggregate's events.
                .create(new TransactionAwareDataSourceProxy(dataSource), deadlineTask)
                .tableName("scheduled_tasks")
                .serializer(new JsonTaskDataSerializer())
                .pollingInterval(Duration.ofSeconds(1))
                .threads(2)
                // an execution left "picked" by a killed node is retried after 6 missed beats (60 s),
                // not the default 30 minutes
                .heartbeatInterval(Duration.ofSeconds(10))
                // default is 30 minutes: closing the context must not hang on a slow handler
                .shutdownMaxWait(Duration.ofSeconds(10))
                .build();
        return new DeadlineScheduler(scheduler);
    }

    @Bean
    DbSchedulerDeadlineManager deadlineManager(DeadlineScheduler deadlineScheduler,
                                               org.axonframework.config.Configuration axonConfiguration,
                                               TransactionManager transactionManager,
                                               BusinessDateService businessDate) {
        DbSchedulerDeadlineManager manager = DbSchedulerDeadlineManager.builder()
                .scheduler(deadlineScheduler.scheduler())
                .scopeAwareProvider(new ConfigurationScopeAwareProvider(axonConfiguration))
                // Axon's general serializer (Jackson3Serializer with axon.serializer.general=jackson3)
                .serializer(axonConfiguration.serializer())
                // the deadline handler runs in a unit of work bound to a Spring transaction
                .transactionManager(transactionManager)
                // payload, metadata and scope stored as JSON strings, not byte arrays
                .useBinaryPojo(false)
                // DeadlineScheduler (a SmartLifecycle) owns start and stop
                .startScheduler(false)
                .stopScheduler(false)
                .build();
        // Axon runs a deadline in a unit of work without the correlation data providers commands get, so
        // what it records (an expired hold, approval or decision) would carry no metadata at all. It gets
        // the same provider, and the business day the deadline fired on (not the day it was scheduled).
        StrongroomCorrelationDataProvider correlation = new StrongroomCorrelationDataProvider();
        manager.registerHandlerInterceptor((unitOfWork, chain) -> {
            unitOfWork.transformMessage(deadline -> deadline.andMetaData(Map.of(MetadataKeys.BUSINESS_DATE,
                    businessDate.current().toString())));
            unitOfWork.registerCorrelationDataProvider(correlation);
            return chain.proceed();
        });
        return manager;
    }

    /** Starts and stops the db-scheduler {@link Scheduler} in Spring's lifecycle. */
    public static final class DeadlineScheduler implements SmartLifecycle {

        private final Scheduler scheduler;
        private volatile boolean running;

        DeadlineScheduler(Scheduler scheduler) {
            this.scheduler = scheduler;
        }

        Scheduler scheduler() {
            return scheduler;
        }

        @Override
        public void start() {
            scheduler.start();
            running = true;
        }

        @Override
        public void stop() {
            // waits for executing deadlines (bounded by shutdownMaxWait); a db-scheduler cannot be restarted
            running = false;
            scheduler.stop();
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        @Override
        public int getPhase() {
            return SCHEDULER_PHASE;
        }
    }

    /**
     * db-scheduler's own task_data as JSON (Jackson 3) instead of its default Java serialization: Axon's
     * detail classes declare no serialVersionUID, so Java-serialized rows could become unreadable after an
     * Axon upgrade. Fields only, so the row holds exactly the detail class's fields.
     */
    static final class JsonTaskDataSerializer implements Serializer {

        private final JsonMapper mapper = JsonMapper.builder()
                .changeDefaultVisibility(visibility -> visibility
                        .withFieldVisibility(Visibility.ANY)
                        .withGetterVisibility(Visibility.NONE)
                        .withIsGetterVisibility(Visibility.NONE)
                        .withSetterVisibility(Visibility.NONE))
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();

        @Override
        public byte[] serialize(Object data) {
            return data == null ? null : mapper.writeValueAsBytes(data);
        }

        @Override
        public <T> T deserialize(Class<T> type, byte[] serializedData) {
            return serializedData == null ? null : mapper.readValue(serializedData, type);
        }
    }
}
