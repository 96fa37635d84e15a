package org.strongroom.gateway.payment;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.strongroom.node.StartupStep;

/**
 * Runs the {@link TransferProcessHandler transfer process} only while it has work. This release carries
 * out every transfer in one transaction; the process exists for transfers an earlier release recorded
 * and left in flight (PENDING in the transfer view, which is written in the events' own transaction and
 * caught up before this runs). The node never starts the process on its own
 * ({@link TransferProcessConfiguration}): once the node has started, this starts it if such a transfer is
 * in flight, and it then runs until the node stops. With none, nothing can create one, so the process
 * stays stopped instead of reading and discarding every event the bank writes; {@code ListProjections}
 * shows it STOPPED.
 */
@Component
public class TransferProcessStandby extends StartupStep {

    private static final Logger log = LoggerFactory.getLogger(TransferProcessStandby.class);

    private final EventProcessingConfiguration processing;
    private final JdbcTemplate jdbc;
    private volatile boolean startedAtStartup;

    public TransferProcessStandby(EventProcessingConfiguration processing, JdbcTemplate jdbc) {
        // After Axon has started its processors (Axon's Spring configuration starts at MAX_VALUE - 3072).
        super(Integer.MAX_VALUE - 2048);
        this.processing = processing;
        this.jdbc = jdbc;
    }

    /**
     * Starts the process if a transfer of an earlier release is in flight and it is not running yet; the
     * node does this once it has started. A running process is never stopped here: it runs because a
     * transfer was in flight, and stopping and restarting a tracking processor is a path the node does not need.
     *
     * @return whether such a transfer is in flight
     */
    public boolean runWhileTransfersAreInFlight() {
        boolean inFlight = Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM transfer_view WHERE status = 'PENDING')", Boolean.class));
        if (inFlight) {
            processing.eventProcessor(TransferProcessHandler.PROCESSING_GROUP, StreamingEventProcessor.class)
                    .filter(process -> !process.isRunning())
                    .ifPresent(process -> {
                        log.info("transfers recorded by an earlier release are in flight: the transfer process runs");
                        process.start();
                    });
        }
        return inFlight;
    }

    /** Whether the node found a transfer of an earlier release in flight when it started, and so started the process. */
    public boolean startedAtStartup() {
        return startedAtStartup;
    }

    @Override
    protected void run() {
        startedAtStartup = runWhileTransfersAreInFlight();
        if (!startedAtStartup) {
            log.info("no transfer of an earlier release is in flight: the transfer process stays stopped");
        }
    }
}
