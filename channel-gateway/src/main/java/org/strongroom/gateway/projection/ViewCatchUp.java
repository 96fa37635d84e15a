package org.strongroom.gateway.projection;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.strongroom.node.StartupStep;
import org.strongroom.projections.api.Projections;

/**
 * Upgrade from a release whose read-your-writes views were tracking processors: such a view may have
 * been behind when that node stopped (killed, say), and a same-transaction view is never fed the events
 * it missed. On start, before the gRPC port serves, each view that still has the earlier release's
 * tracking token is replayed from that token's lowest unhandled position to the end of the store, in
 * its live tables and under the view writers' lock; then the token is deleted, so this happens once.
 * Handlers apply an event at most once (rows keep the sequence they last applied), so events the view
 * had already handled change nothing.
 */
@Component
public class ViewCatchUp extends StartupStep {

    private static final Logger log = LoggerFactory.getLogger(ViewCatchUp.class);

    private final EventProcessingConfiguration processing;
    private final EventStorageEngine events;
    private final TokenStore tokens;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    public ViewCatchUp(EventProcessingConfiguration processing, EventStorageEngine events, TokenStore tokens,
                       JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
        // Early: before the gRPC server takes calls.
        super(Integer.MIN_VALUE + 1000);
        this.processing = processing;
        this.events = events;
        this.tokens = tokens;
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    /** Catches every same-transaction view up from an earlier release's token; returns the events replayed. */
    public long catchUpAll() {
        long replayed = 0;
        for (String view : Projections.SAME_TRANSACTION_VIEWS.keySet()) {
            replayed += transactions.execute(tx -> catchUp(view));
        }
        return replayed;
    }

    private long catchUp(String view) {
        // Resolved first, on every start: a view without its processor stops the node here, not at an upgrade.
        EventHandlerInvoker handlers = ViewReplay.handlers(processing, view);
        Long from = lowestUnhandled(view);
        if (from == null) {
            return 0L;
        }
        jdbc.query(ViewWriters.EXCLUSIVE, rs -> null);
        TrackingToken start = from < 0 ? null : GapAwareTrackingToken.newInstance(from, java.util.List.of());
        long replayed = ViewReplay.replay(events, handlers, start, Long.MAX_VALUE).count();
        jdbc.update("DELETE FROM token_entry WHERE processor_name = ?", view);
        log.info("view {} caught up from the earlier release's token: {} events after global index {} replayed",
                view, replayed, from);
        return replayed;
    }

    /**
     * The highest global index below which every segment of the earlier release's processor had handled
     * every event (its lowest gap, or its position), or null if there is no such token.
     */
    private Long lowestUnhandled(String view) {
        int[] segments = tokens.fetchSegments(view);
        if (segments.length == 0) {
            return null;
        }
        long lowest = Long.MAX_VALUE;
        for (int segment : segments) {
            TrackingToken token = WrappedToken.unwrapLowerBound(tokens.fetchToken(view, segment));
            long position;
            if (token == null) {
                position = -1;
            } else if (token instanceof GapAwareTrackingToken gapAware && !gapAware.getGaps().isEmpty()) {
                position = gapAware.getGaps().first() - 1;
            } else {
                position = token.position().orElse(-1);
            }
            lowest = Math.min(lowest, position);
        }
        return lowest;
    }

    @Override
    protected void run() {
        long replayed = catchUpAll();
        if (replayed > 0) {
            log.info("the read-your-writes views replayed {} events the earlier release had not applied", replayed);
        }
    }
}
