package org.strongroom.node.axon;

import java.time.Duration;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

/**
 * Lets a tracking processor that has caught up wait a moment before it reads again, so that its next
 * batch carries the events of many operations instead of one. A processor at the head of the stream
 * otherwise wakes for every commit and pays a transaction, a token update and a flushed commit for each
 * operation's few events; with a linger of 50 ms at a few hundred transfers a second it pays them about
 * twenty times a second.
 *
 * <p>The pause follows a batch that committed with fewer events than the processor's batch size, that is
 * one that found the stream's end. A full batch means the processor is behind: it reads on at once. The
 * pause is on the processor's own thread, after its transaction, so it holds no lock and no connection.
 * Only for processors that may lag (the ledger, the Kafka publisher); never for a view in the write's
 * transaction.
 */
public final class BatchLinger implements MessageHandlerInterceptor<EventMessage<?>> {

    /** Waits, so a test can see the pause without a clock. */
    @FunctionalInterface
    public interface Pause {
        void pause(Duration duration) throws InterruptedException;
    }

    private static final String REGISTERED = BatchLinger.class.getName() + ".registered";

    private final Duration linger;
    private final int batchSize;
    private final Pause pause;

    public BatchLinger(Duration linger, int batchSize, Pause pause) {
        if (linger.isNegative() || batchSize < 1) {
            throw new IllegalArgumentException("a linger is zero or more and a batch holds at least one event");
        }
        this.linger = linger;
        this.batchSize = batchSize;
        this.pause = pause;
    }

    public BatchLinger(Duration linger, int batchSize) {
        this(linger, batchSize, duration -> Thread.sleep(duration.toMillis()));
    }

    @Override
    public Object handle(UnitOfWork<? extends EventMessage<?>> unitOfWork, InterceptorChain interceptorChain)
            throws Exception {
        UnitOfWork<?> batch = unitOfWork.root();
        if (!linger.isZero() && !batch.resources().containsKey(REGISTERED)) {
            batch.resources().put(REGISTERED, Boolean.TRUE);
            int events = batch instanceof BatchingUnitOfWork<?> batching ? batching.getMessages().size() : 1;
            if (events < batchSize) {
                batch.afterCommit(committed -> linger());
            }
        }
        return interceptorChain.proceed();
    }

    private void linger() {
        try {
            pause.pause(linger);
        } catch (InterruptedException e) {
            // Shutting down: stop waiting, keep the flag for the processor's own loop.
            Thread.currentThread().interrupt();
        }
    }
}
