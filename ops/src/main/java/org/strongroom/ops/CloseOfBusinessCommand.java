package org.strongroom.ops;

import com.google.type.Date;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.time.LocalDate;
import java.util.concurrent.TimeUnit;
import org.strongroom.proto.admin.v1.BusinessDayServiceGrpc;
import org.strongroom.proto.admin.v1.CloseOfBusinessRun;
import org.strongroom.proto.admin.v1.CloseOfBusinessState;
import org.strongroom.proto.admin.v1.GetBusinessDayRequest;
import org.strongroom.proto.admin.v1.GetCloseOfBusinessRequest;
import org.strongroom.proto.admin.v1.RunCloseOfBusinessRequest;

/**
 * {@code strongroom-ops cob run [--date YYYY-MM-DD]}: closes the business date (the current one unless
 * given), printing progress until the run ends; {@code cob status} prints the date and the last run. Exit
 * code 0 when the run completed, 1 when it stopped (run it again to resume).
 */
final class CloseOfBusinessCommand {

    private CloseOfBusinessCommand() {
    }

    static int run(String action, Options options) throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forTarget(options.text("target", "127.0.0.1:9090"))
                .usePlaintext().build();
        try {
            var days = BusinessDayServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(OpsSupport.operator(options, "ops-cob"));
            var today = days.withDeadlineAfter(30, TimeUnit.SECONDS).getBusinessDay(
                    GetBusinessDayRequest.getDefaultInstance());
            if (action.equals("status")) {
                System.out.println("business date " + text(today.getBusinessDate()));
                if (today.hasLastRun()) {
                    System.out.println("last run " + describe(today.getLastRun()));
                }
                return 0;
            }
            if (!action.equals("run")) {
                System.err.println("cob run | cob status");
                return 2;
            }
            Date date = options.text("date", null) == null ? today.getBusinessDate() : date(options.text("date", null));
            CloseOfBusinessRun run = close(days, date, 1000, progress -> System.out.println(describe(progress)));
            System.out.println(describe(run));
            return run.getState() == CloseOfBusinessState.CLOSE_OF_BUSINESS_STATE_COMPLETED ? 0 : 1;
        } catch (StatusRuntimeException e) {
            System.err.println("refused: " + e.getStatus());
            return 1;
        } finally {
            channel.shutdownNow();
        }
    }

    /** Starts (or resumes) the date's run and waits for it to end, telling {@code progress} at each poll. */
    static CloseOfBusinessRun close(BusinessDayServiceGrpc.BusinessDayServiceBlockingStub days, Date date,
                                    long pollMillis, java.util.function.Consumer<CloseOfBusinessRun> progress)
            throws InterruptedException {
        CloseOfBusinessRun run = days.withDeadlineAfter(30, TimeUnit.SECONDS).runCloseOfBusiness(
                RunCloseOfBusinessRequest.newBuilder().setBusinessDate(date).build()).getRun();
        while (run.getState() == CloseOfBusinessState.CLOSE_OF_BUSINESS_STATE_RUNNING) {
            progress.accept(run);
            Thread.sleep(pollMillis);
            run = days.withDeadlineAfter(30, TimeUnit.SECONDS).getCloseOfBusiness(
                    GetCloseOfBusinessRequest.newBuilder().setBusinessDate(date).build()).getRun();
        }
        return run;
    }

    /** The run's length in seconds, from its start to its end (0 while it runs). */
    static double seconds(CloseOfBusinessRun run) {
        if (!run.hasEndTime()) {
            return 0;
        }
        return (run.getEndTime().getSeconds() - run.getStartTime().getSeconds())
                + (run.getEndTime().getNanos() - run.getStartTime().getNanos()) / 1e9;
    }

    static String describe(CloseOfBusinessRun run) {
        String state = run.getState().name().substring("CLOSE_OF_BUSINESS_STATE_".length());
        String line = String.format("%s %s: loans %d/%d (collected %d, short %d), transfers %d/%d", text(run.getBusinessDate()),
                state, run.getLoansDone(), run.getLoansTotal(), run.getCollections(), run.getShortfalls(),
                run.getTransfersDone(), run.getTransfersTotal());
        if (run.hasEndTime()) {
            double seconds = seconds(run);
            line += String.format(", %.1f s, %.1f loans/s", seconds, seconds > 0 ? run.getLoansDone() / seconds : 0);
        }
        return run.getError().isEmpty() ? line : line + ", stopped: " + run.getError();
    }

    static String text(Date date) {
        return LocalDate.of(date.getYear(), date.getMonth(), date.getDay()).toString();
    }

    static Date date(String text) {
        LocalDate date = LocalDate.parse(text);
        return Date.newBuilder().setYear(date.getYear()).setMonth(date.getMonthValue()).setDay(date.getDayOfMonth())
                .build();
    }
}
