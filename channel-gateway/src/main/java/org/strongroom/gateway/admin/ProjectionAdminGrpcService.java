package org.strongroom.gateway.admin;

import io.grpc.stub.StreamObserver;
import java.util.Map;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.common.transaction.TransactionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.strongroom.gateway.command.EventStoreProbe;
import org.springframework.stereotype.Service;
import org.strongroom.gateway.idempotency.IdempotentExecutor;
import org.strongroom.gateway.projection.ProjectionRebuilds;
import org.strongroom.gateway.projection.ShadowRebuilds;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.projections.api.Projections;
import org.strongroom.proto.admin.v1.ListProjectionsRequest;
import org.strongroom.proto.admin.v1.ListProjectionsResponse;
import org.strongroom.proto.admin.v1.Projection;
import org.strongroom.proto.admin.v1.ProjectionAdminServiceGrpc;
import org.strongroom.proto.admin.v1.ProjectionState;
import org.strongroom.proto.admin.v1.RebuildProjectionRequest;
import org.strongroom.proto.admin.v1.RebuildProjectionResponse;

/**
 * strongroom.admin.v1.ProjectionAdminService: where each read model stands, and rebuilding one from the
 * events (stop, reset tokens, which clears the tables through the projection's reset handler, start).
 */
@Service
public class ProjectionAdminGrpcService extends ProjectionAdminServiceGrpc.ProjectionAdminServiceImplBase {

    private static final Logger log = LoggerFactory.getLogger(ProjectionAdminGrpcService.class);
    static final int MAX_NAME_LENGTH = 64;

    private final EventProcessingConfiguration processing;
    private final TokenStore tokenStore;
    private final TransactionManager transactionManager;
    private final EventStoreProbe eventStore;
    private final IdempotentExecutor idempotent;
    private final ProjectionRebuilds rebuilds;
    private final ShadowRebuilds shadowRebuilds;

    public ProjectionAdminGrpcService(EventProcessingConfiguration processing, TokenStore tokenStore,
                                      TransactionManager transactionManager, EventStoreProbe eventStore,
                                      IdempotentExecutor idempotent, ProjectionRebuilds rebuilds,
                                      ShadowRebuilds shadowRebuilds) {
        this.shadowRebuilds = shadowRebuilds;
        this.processing = processing;
        this.tokenStore = tokenStore;
        this.transactionManager = transactionManager;
        this.eventStore = eventStore;
        this.idempotent = idempotent;
        this.rebuilds = rebuilds;
    }

    @Override
    public void listProjections(ListProjectionsRequest request, StreamObserver<ListProjectionsResponse> response) {
        long head = head();
        ListProjectionsResponse.Builder answer = ListProjectionsResponse.newBuilder();
        for (String name : Projections.ALL) {
            answer.addProjections(describe(name, head));
        }
        processing.eventProcessors().keySet().stream()
                .filter(name -> !Projections.ALL.contains(name))
                .sorted()
                .forEach(name -> processing.eventProcessor(name, StreamingEventProcessor.class)
                        .ifPresent(process -> answer.addProcesses(describe(name, process, head))));
        response.onNext(answer.build());
        response.onCompleted();
    }

    @Override
    public void rebuildProjection(RebuildProjectionRequest request, StreamObserver<RebuildProjectionResponse> response) {
        // The name first, before the request id is looked at; a bad name is never repeated back.
        String name = request.getName();
        if (!isProjectionName(name)) {
            throw DomainException.invalidField("name", "must be 1-" + MAX_NAME_LENGTH
                    + " printable ASCII characters, one of " + Projections.ALL);
        }
        requireProjection(name);
        RebuildProjectionResponse answer = idempotent.execute(
                ProjectionAdminServiceGrpc.getRebuildProjectionMethod().getFullMethodName(), request,
                RebuildProjectionResponse.parser(), null, () -> {
                    if (ShadowRebuilds.isSameTransactionView(name)) {
                        shadowRebuilds.start(name);
                    } else {
                        rebuild(name, processor(name));
                    }
                    return RebuildProjectionResponse.newBuilder()
                            .setProjection(describe(name, head())).build();
                });
        response.onNext(answer);
        response.onCompleted();
    }

    /** 1-64 printable ASCII characters: the shape of every projection name, and short enough to echo. */
    static boolean isProjectionName(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private void rebuild(String name, StreamingEventProcessor processor) {
        log.info("rebuilding projection {} from the events", name);
        rebuilds.begin(name, head());
        processor.shutDown();
        // resetTokens runs the projection's @ResetHandler (clearing its tables) and rewinds every segment;
        // until the replay passes the old position, isReplaying() is true and reads say so.
        transactionManager.executeInTransaction(processor::resetTokens);
        processor.start();
    }

    private static void requireProjection(String name) {
        if (!Projections.ALL.contains(name)) {
            throw DomainException.notFound(ErrorReason.PROJECTION_NOT_FOUND, "no projection named " + name,
                    Map.of("name", name));
        }
    }

    private StreamingEventProcessor processor(String name) {
        requireProjection(name);
        return processing.eventProcessor(name, StreamingEventProcessor.class)
                .orElseThrow(() -> new IllegalStateException("projection " + name + " has no streaming processor"));
    }

    private Projection describe(String name, long head) {
        return ShadowRebuilds.isSameTransactionView(name) ? describeSameTransaction(name, head)
                : describe(name, processor(name), head);
    }

    /**
     * A same-transaction view is never behind: it is at the head by construction. While a rebuild runs it
     * is REBUILDING (and serving from the live tables); a rebuild that failed shows FAILING with its error
     * until the next one succeeds.
     */
    private Projection describeSameTransaction(String name, long head) {
        ShadowRebuilds.Progress progress = shadowRebuilds.progress(name).orElse(null);
        Throwable failure = progress == null ? null : progress.failure().orElse(null);
        ProjectionState state = progress != null && progress.running() ? ProjectionState.PROJECTION_STATE_REBUILDING
                : failure != null ? ProjectionState.PROJECTION_STATE_FAILING
                : ProjectionState.PROJECTION_STATE_RUNNING;
        return Projection.newBuilder()
                .setName(name)
                .setState(state)
                .setPosition(head)
                .setHead(head)
                .setLag(0)
                .setSameTransaction(true)
                .setError(failure == null ? "" : org.strongroom.node.axon.ProcessorFailures.describe(failure))
                .build();
    }

    private Projection describe(String name, StreamingEventProcessor processor, long head) {
        Map<Integer, EventTrackerStatus> status = processor.processingStatus();
        long position = Long.MAX_VALUE;
        for (EventTrackerStatus segment : status.values()) {
            TrackingToken token = WrappedToken.unwrapLowerBound(segment.getTrackingToken());
            position = Math.min(position, token == null ? -1 : token.position().orElse(-1));
        }
        if (status.isEmpty()) {
            position = -1;
        }
        // A failing segment keeps its status, marked with the error, while the processor retries it.
        Throwable failure = status.values().stream().filter(EventTrackerStatus::isErrorState)
                .map(EventTrackerStatus::getError).filter(java.util.Objects::nonNull).findFirst().orElse(null);
        ProjectionState state = failure != null || processor.isError() ? ProjectionState.PROJECTION_STATE_FAILING
                : !processor.isRunning() ? ProjectionState.PROJECTION_STATE_STOPPED
                : rebuilds.isRebuilding(name) ? ProjectionState.PROJECTION_STATE_REBUILDING
                : ProjectionState.PROJECTION_STATE_RUNNING;
        int totalSegments = transactionManager.fetchInTransaction(() -> tokenStore.fetchSegments(name).length);
        return Projection.newBuilder()
                .setName(name)
                .setState(state)
                .setPosition(position)
                .setHead(head)
                .setLag(Math.max(0, head - position))
                .setClaimedSegments(status.size())
                .setTotalSegments(totalSegments)
                .setError(failure == null ? "" : org.strongroom.node.axon.ProcessorFailures.describe(failure))
                .build();
    }

    private long head() {
        return eventStore.head();
    }
}
