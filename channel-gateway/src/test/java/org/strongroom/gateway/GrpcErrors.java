package org.strongroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on the error model: status code, exactly one ErrorInfo, and BadRequest fields. */
public final class GrpcErrors {

    private GrpcErrors() {
    }

    /** Runs the call, asserts it failed with the code and reason, and returns the ErrorInfo. */
    public static ErrorInfo assertError(ThrowingCallable call, Status.Code code, String reason) {
        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, call);
        assertThat(error).as("expected %s %s", code, reason).isNotNull();
        assertThat(error.getStatus().getCode()).as(error.getStatus().toString()).isEqualTo(code);
        com.google.rpc.Status status = StatusProto.fromThrowable(error);
        assertThat(status).as("rich status details").isNotNull();
        List<ErrorInfo> infos = unpack(status.getDetailsList(), ErrorInfo.class);
        assertThat(infos).as("exactly one ErrorInfo").hasSize(1);
        assertThat(infos.get(0).getDomain()).isEqualTo("strongroom");
        assertThat(infos.get(0).getReason()).isEqualTo(reason);
        assertThat(status.getMessage()).doesNotContain("Exception").doesNotContain("\tat ");
        return infos.get(0);
    }

    /** Asserts INVALID_ARGUMENT / INVALID_FIELD naming exactly these fields, in order. */
    public static void assertInvalidFields(ThrowingCallable call, String... fields) {
        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, call);
        assertThat(error).isNotNull();
        assertError(() -> {
            throw error;
        }, Status.Code.INVALID_ARGUMENT, "INVALID_FIELD");
        com.google.rpc.Status status = StatusProto.fromThrowable(error);
        List<BadRequest> badRequests = unpack(status.getDetailsList(), BadRequest.class);
        assertThat(badRequests).hasSize(1);
        assertThat(badRequests.get(0).getFieldViolationsList())
                .extracting(BadRequest.FieldViolation::getField)
                .containsExactly(fields);
        assertThat(badRequests.get(0).getFieldViolationsList())
                .allSatisfy(violation -> assertThat(violation.getDescription()).isNotBlank());
    }

    private static <T extends com.google.protobuf.Message> List<T> unpack(List<Any> details, Class<T> type) {
        return details.stream().filter(any -> any.is(type)).map(any -> {
            try {
                return any.unpack(type);
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
        }).toList();
    }
}
