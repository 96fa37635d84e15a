package org.strongroom.node.axon;

import java.util.Optional;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventMessageHandler;
import org.axonframework.eventhandling.ListenerInvocationErrorHandler;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every event processor treats a handler that fails: the failure is logged at ERROR with the
 * processor, the event and where it stands in the store, then rethrown instead of skipped (Axon's
 * default). A tracking processor then retries that event with back-off (1 s doubling to 60 s); a
 * same-transaction view's failure fails the write that appended the event, which rolls back whole.
 * A projection or process must never miss an event, and must never fail silently: while a tracking one
 * retries, ListProjections shows it FAILING with the error ({@link #describe}).
 */
public final class ProcessorFailures implements ListenerInvocationErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(ProcessorFailures.class);
    /** The longest error text shown to operators. */
    static final int MAX_ERROR_TEXT = 512;

    @Override
    public void onError(Exception exception, EventMessage<?> event, EventMessageHandler handler) throws Exception {
        String processor = Optional.ofNullable(handler.getTargetType().getAnnotation(ProcessingGroup.class))
                .map(ProcessingGroup::value).orElse(handler.getTargetType().getSimpleName());
        String position = event instanceof TrackedEventMessage<?> tracked && tracked.trackingToken() != null
                ? tracked.trackingToken().position().stream().mapToObj(Long::toString).findFirst().orElse("?")
                : "?";
        String aggregate = event instanceof DomainEventMessage<?> domain
                ? domain.getType() + " " + domain.getAggregateIdentifier() + " #" + domain.getSequenceNumber()
                : "-";
        String consequence = org.strongroom.projections.api.Projections.SAME_TRANSACTION_VIEWS.containsKey(processor)
                ? "the write that appended it is rolled back"
                : "it retries the event with back-off and shows FAILING in ListProjections until it succeeds";
        if (interrupted(exception)) {
            // Processors are interrupted only when the node stops: nothing failed, the batch rolls back
            // and its events are handled again after the restart.
            log.info("processor {} interrupted on {} (event {}, global index {}) as the node stops; handled again "
                    + "after the restart", processor, event.getPayloadType().getSimpleName(), event.getIdentifier(),
                    position);
            throw exception;
        }
        log.error("processor {} failed on {} (event {}, global index {}, aggregate {}); {}", processor,
                event.getPayloadType().getSimpleName(), event.getIdentifier(), position, aggregate, consequence,
                exception);
        throw exception;
    }

    /** An interruption anywhere in the causes (Kafka's client wraps it in its own InterruptException). */
    static boolean interrupted(Throwable error) {
        if (Thread.currentThread().isInterrupted()) {
            return true;
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof InterruptedException
                    || cause instanceof org.apache.kafka.common.errors.InterruptException) {
                return true;
            }
        }
        return false;
    }

    /**
     * An error as operators see it: the exception's type, and its root cause's type and first line (a
     * database error's detail line, which may quote a row's personal data, is left out), bounded.
     */
    public static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : root.getMessage().lines().findFirst().orElse("");
        String text = (root == error ? "" : error.getClass().getSimpleName() + " caused by ")
                + root.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
        return text.length() <= MAX_ERROR_TEXT ? text : text.substring(0, MAX_ERROR_TEXT - 1) + "\u2026";
    }
}
