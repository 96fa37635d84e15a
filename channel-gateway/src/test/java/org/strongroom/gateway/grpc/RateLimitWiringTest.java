package org.strongroom.gateway.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.strongroom.node.NodeTest;
import org.strongroom.proto.customer.v1.CustomerServiceGrpc;
import org.strongroom.proto.customer.v1.GetCustomerRequest;

/** In the node, the limiter runs after the caller is identified; a limiter that ran first would limit nobody. */
class RateLimitWiringTest extends NodeTest {

    @Autowired
    RateLimitInterceptor rateLimit;

    @Test
    void theLimiterSeesTheIdentifiedCaller() {
        assertThat(rateLimit.tracks("rate-probe")).isFalse();
        catchThrowableOfType(StatusRuntimeException.class, () -> as(CustomerServiceGrpc.newBlockingStub(channel()),
                "rate-probe", "CUSTOMER", "MOBILE").withDeadlineAfter(5, TimeUnit.SECONDS)
                .getCustomer(GetCustomerRequest.getDefaultInstance()));
        assertThat(rateLimit.tracks("rate-probe")).isTrue();
    }
}
