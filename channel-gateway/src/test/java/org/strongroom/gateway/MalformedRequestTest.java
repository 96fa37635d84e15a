package org.strongroom.gateway;

import static org.strongroom.gateway.GrpcErrors.assertError;

import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.strongroom.node.NodeTest;
import org.strongroom.node.TestTokens;

/**
 * Requests no protobuf library would produce: a hostile client sends raw bytes. They are refused as
 * INVALID_ARGUMENT with the catalogue's reason, never INTERNAL.
 */
class MalformedRequestTest extends NodeTest {

    private byte[] call(String method, byte[] body) {
        io.grpc.Metadata headers = TestTokens.staff("hostile-1", "TELLER", "branch-1");
        return RawCalls.call(channel(), method, headers, body);
    }

    @Test
    void invalidUtf8InAStringFieldIsInvalidArgument() {
        // field 1 (request_id) = "r1", field 2 (full_name) = bytes C3 28: not UTF-8
        byte[] body = {0x0A, 0x02, 'r', '1', 0x12, 0x02, (byte) 0xC3, 0x28};
        assertError(() -> call("strongroom.customer.v1.CustomerService/RegisterCustomer", body),
                Status.Code.INVALID_ARGUMENT, "MALFORMED_REQUEST");
    }

    @Test
    void truncatedMessageIsInvalidArgument() {
        byte[] body = {0x0A, 0x10, 'r'};
        assertError(() -> call("strongroom.customer.v1.CustomerService/GetCustomer", body),
                Status.Code.INVALID_ARGUMENT, "MALFORMED_REQUEST");
    }
}
