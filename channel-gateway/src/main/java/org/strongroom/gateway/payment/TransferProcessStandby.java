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
 * caught up before this runs). When the node starts with none, nothing can create one, so the process is
 * stopped instead of reading and discarding every event the bank writes; {@code ListProjections} shows it
 * STOPPED. When there are some, it runs until the node stops.
 */
@Component
public class TransferProcessStandby extends StartupStep {

    private static final Logger log = LoggerFactory.getLogger(TransferProcessStandby.class);

    private final EventProcessingConfiguration processing;
    private final JdbcTemplate jdbc;

    public TransferProcessStandby(EventProcessingConfiguration processing, JdbcTemplate jdbc) {
        // After Axon has started its processors (Axon's Spring configuration starts at MAX_VALUE - 3072).
        super(Integer.MAX_VALUE - 2048);
        this.processing = processing;
        this.jdbc = jdbc;
    }

    /**
     * Starts the process if a transfer of an earlier release is in flight and stops it if none is; the
     * node does this once it has started.
     *
     * @return whether such a transfer is in flight
     */
    public boolean runWhileTransfersAreInFlight() {
        boolean inFlight = Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM transfer_view WHERE status = 'PENDING')", Boolean.class));
        processing.eventProcessor(TransferProcessHandler.PROCESSING_GROUP, StreamingEventProcessor.class)
                .ifPresent(process -> {
                    if (inFlight && !process.isRunning()) {
                        log.info("transfers recorded by an earlier release are in flight: the transfer process runs");
                        process.start();
                    } else if (!inFlight && process.isRunning()) {
                        awaitSegmentsClaimed(process);
                        log.info("no transfer of an earlier release is in flight: the transfer process is stopped");
                        process.shutDown();
                    }
                });
        return inFlight;
    }

    /**
     * A tracking processor stopped while its workers are still claiming their segments comes back with a
     * segment it cannot claim; the stop waits (at most ten seconds) until every segment is claimed.
     */
    private static void awaitSegmentsClaimed(StreamingEventProcessor process) {
        long giveUp = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (process.processingStatus().size() < process.maxCapacity() && System.nanoTime() < giveUp) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    protected void run() {
        runWhileTransfersAreInFlight();
    }
}
