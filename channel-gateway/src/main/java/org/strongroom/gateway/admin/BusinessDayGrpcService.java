package org.strongroom.gateway.admin;

import io.grpc.stub.StreamObserver;
import java.time.LocalDate;
import org.springframework.stereotype.Service;
import org.strongroom.gateway.grpc.ProtoTime;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.Violations;
import org.strongroom.node.time.BusinessDateService;
import org.strongroom.proto.admin.v1.BusinessDayServiceGrpc;
import org.strongroom.proto.admin.v1.CloseOfBusinessRun;
import org.strongroom.proto.admin.v1.CloseOfBusinessState;
import org.strongroom.proto.admin.v1.GetBusinessDayRequest;
import org.strongroom.proto.admin.v1.GetBusinessDayResponse;
import org.strongroom.proto.admin.v1.GetCloseOfBusinessRequest;
import org.strongroom.proto.admin.v1.GetCloseOfBusinessResponse;
import org.strongroom.proto.admin.v1.RunCloseOfBusinessRequest;
import org.strongroom.proto.admin.v1.RunCloseOfBusinessResponse;

/** strongroom.admin.v1.BusinessDayService: the business date and close of business, for operators. */
@Service
public class BusinessDayGrpcService extends BusinessDayServiceGrpc.BusinessDayServiceImplBase {

    private final BusinessDateService businessDate;
    private final CloseOfBusiness closeOfBusiness;

    public BusinessDayGrpcService(BusinessDateService businessDate, CloseOfBusiness closeOfBusiness) {
        this.businessDate = businessDate;
        this.closeOfBusiness = closeOfBusiness;
    }

    @Override
    public void getBusinessDay(GetBusinessDayRequest request, StreamObserver<GetBusinessDayResponse> response) {
        GetBusinessDayResponse.Builder answer = GetBusinessDayResponse.newBuilder()
                .setBusinessDate(ProtoTime.toProto(businessDate.refresh()));
        closeOfBusiness.latest().ifPresent(run -> answer.setLastRun(toProto(run)));
        reply(response, answer.build());
    }

    @Override
    public void runCloseOfBusiness(RunCloseOfBusinessRequest request,
                                   StreamObserver<RunCloseOfBusinessResponse> response) {
        LocalDate date = date(request.hasBusinessDate(), request.getBusinessDate());
        reply(response, RunCloseOfBusinessResponse.newBuilder().setRun(toProto(closeOfBusiness.start(date))).build());
    }

    @Override
    public void getCloseOfBusiness(GetCloseOfBusinessRequest request,
                                   StreamObserver<GetCloseOfBusinessResponse> response) {
        LocalDate date = date(request.hasBusinessDate(), request.getBusinessDate());
        CloseOfBusiness.Run run = closeOfBusiness.find(date).orElseThrow(() -> DomainException.invalidField(
                "business_date", "no close of business was run for " + date));
        reply(response, GetCloseOfBusinessResponse.newBuilder().setRun(toProto(run)).build());
    }

    private static LocalDate date(boolean present, com.google.type.Date date) {
        Violations violations = new Violations();
        if (!present) {
            violations.add("business_date", "is required: the date to close (the current business date)");
        }
        LocalDate parsed = present ? ProtoTime.date("business_date", date, violations) : null;
        violations.throwIfAny();
        return parsed;
    }

    static CloseOfBusinessRun toProto(CloseOfBusiness.Run run) {
        CloseOfBusinessRun.Builder builder = CloseOfBusinessRun.newBuilder()
                .setBusinessDate(ProtoTime.toProto(run.businessDate()))
                .setState(CloseOfBusinessState.valueOf("CLOSE_OF_BUSINESS_STATE_" + run.state().name()))
                .setLoansTotal(run.loansTotal())
                .setLoansDone(run.loansDone())
                .setTransfersTotal(run.transfersTotal())
                .setTransfersDone(run.transfersDone())
                .setCollections(run.collections())
                .setShortfalls(run.shortfalls())
                .setStartTime(ProtoTime.toProto(run.startTime()))
                .setError(run.error() == null ? "" : run.error());
        if (run.endTime() != null) {
            builder.setEndTime(ProtoTime.toProto(run.endTime()));
        }
        return builder.build();
    }

    private static <R> void reply(StreamObserver<R> response, R answer) {
        response.onNext(answer);
        response.onCompleted();
    }
}
