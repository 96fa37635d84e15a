package org.strongroom.gateway.grpc;

import com.google.rpc.Code;
import io.grpc.Context;
import io.grpc.Deadline;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.strongroom.kernel.ErrorReason;

/** Deadline checks for work running inside a gRPC call. */
public final class Deadlines {

    private Deadlines() {
    }

    /** Throws DEADLINE_EXCEEDED (or CANCELLED) if the call can no longer succeed. */
    public static void check(String stage) {
        Context context = Context.current();
        Deadline deadline = context.getDeadline();
        if ((deadline != null && deadline.isExpired()) || context.isCancelled()) {
            throw ErrorStatuses.exception(Code.DEADLINE_EXCEEDED, ErrorReason.DEADLINE_EXCEEDED,
                    "the call's deadline passed before " + stage + "; retry with the same request_id",
                    Map.of("stage", stage));
        }
    }

    /** Nanoseconds left until the current call's deadline (a long time if there is none). */
    public static long remainingNanos() {
        Deadline deadline = Context.current().getDeadline();
        return deadline == null ? TimeUnit.MINUTES.toNanos(1) : deadline.timeRemaining(TimeUnit.NANOSECONDS);
    }
}
