package org.strongroom.ops;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.strongroom.proto.admin.v1.ListProjectionsRequest;
import org.strongroom.proto.admin.v1.Projection;
import org.strongroom.proto.admin.v1.ProjectionAdminServiceGrpc;
import org.strongroom.proto.admin.v1.ProjectionState;
import org.strongroom.proto.admin.v1.RebuildProjectionRequest;

/**
 * {@code strongroom-ops rebuild --projection NAME|all}: rebuilds projections one after the other, as an
 * operator would, and prints for each how long it took from the request until it was serving again at
 * the head of the store, and the events per second that makes over the store's events.
 */
final class RebuildCommand {

    private RebuildCommand() {
    }

    static int run(Options options) throws Exception {
        String which = options.text("projection", null);
        if (which == null) {
            System.err.println("--projection NAME (as ListProjections names it) or --projection all");
            return 2;
        }
        ManagedChannel channel = NettyChannelBuilder.forTarget(options.text("target", "127.0.0.1:9090"))
                .usePlaintext().build();
        try {
            var admin = ProjectionAdminServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(OpsSupport.operator(options, "ops-rebuild"));
            List<String> names = new ArrayList<>();
            if (which.equals("all")) {
                list(admin).forEach(projection -> names.add(projection.getName()));
            } else {
                names.add(which);
            }
            for (String name : names) {
                long head = find(admin, name).getHead();
                long start = System.nanoTime();
                admin.withDeadlineAfter(30, TimeUnit.SECONDS).rebuildProjection(RebuildProjectionRequest.newBuilder()
                        .setRequestId(UUID.randomUUID().toString()).setName(name).build());
                Projection projection;
                do {
                    Thread.sleep(100);
                    projection = find(admin, name);
                    if (projection.getState() == ProjectionState.PROJECTION_STATE_FAILING) {
                        System.out.printf("%s: FAILING: %s%n", name, projection.getError());
                        return 1;
                    }
                } while (projection.getState() != ProjectionState.PROJECTION_STATE_RUNNING
                        || projection.getPosition() < head);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("%s: rebuilt over %d events in %.1f s, %.0f events/s%s%n", name, head + 1, seconds,
                        (head + 1) / seconds, projection.getSameTransaction() ? " (shadow tables, swapped in)" : "");
            }
            return 0;
        } catch (StatusRuntimeException e) {
            System.err.println("refused: " + e.getStatus());
            return 1;
        } finally {
            channel.shutdownNow();
        }
    }

    private static List<Projection> list(ProjectionAdminServiceGrpc.ProjectionAdminServiceBlockingStub admin) {
        return admin.withDeadlineAfter(30, TimeUnit.SECONDS).listProjections(ListProjectionsRequest.getDefaultInstance())
                .getProjectionsList();
    }

    private static Projection find(ProjectionAdminServiceGrpc.ProjectionAdminServiceBlockingStub admin, String name) {
        return list(admin).stream().filter(projection -> projection.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no projection named " + name));
    }
}
