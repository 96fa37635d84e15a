package org.strongroom.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.strongroom.gateway.RawCalls;
import org.strongroom.kernel.Role;
import org.strongroom.node.NodeTest;
import org.strongroom.node.TestTokens;
import org.strongroom.gateway.ProtoServices;

/**
 * The role x RPC matrix, enumerated from the services the node actually serves (so a new RPC without a
 * rule fails here), and checked over the real channel for every role: refused roles get
 * PERMISSION_DENIED / ROLE_NOT_PERMITTED, allowed roles get past the policy. Calls carry an empty
 * request, which every mutating method refuses as invalid, so the matrix changes nothing.
 */
class AccessPolicyTest extends NodeTest {

    @Autowired
    List<BindableService> services;

    private static List<String> strongroomMethods() {
        return ProtoServices.methodNames();
    }

    @Test
    void everyRpcInTheProtosHasARuleAndIsServed() {
        List<String> methods = strongroomMethods();
        assertThat(methods).hasSizeGreaterThanOrEqualTo(18).allMatch(method -> method.startsWith("strongroom."));
        List<String> served = new ArrayList<>();
        for (BindableService service : services) {
            for (ServerMethodDefinition<?, ?> method : service.bindService().getMethods()) {
                served.add(method.getMethodDescriptor().getFullMethodName());
            }
        }
        assertThat(methods).allSatisfy(method -> {
            assertThat(AccessPolicy.rolesFor(method)).as("rule for %s", method).isPresent();
            assertThat(served).as("the node serves %s", method).contains(method);
        });
    }

    @Test
    void everyRoleIsAllowedOrRefusedAsThePolicySaysForEveryRpc() {
        for (String method : strongroomMethods()) {
            for (Role role : Role.values()) {
                Status.Code code = call(method, role);
                if (AccessPolicy.permits(method, role)) {
                    assertThat(code).as("%s as %s", method, role).isNotEqualTo(Status.Code.PERMISSION_DENIED)
                            .isNotEqualTo(Status.Code.INTERNAL).isNotEqualTo(Status.Code.UNKNOWN);
                } else {
                    assertThat(code).as("%s as %s", method, role).isEqualTo(Status.Code.PERMISSION_DENIED);
                }
            }
        }
    }

    @Test
    void operatorsNeverMoveMoneyAndAuditorsNeverWrite() {
        assertThat(AccessPolicy.permits("strongroom.account.v1.AccountService/WithdrawFunds", Role.OPERATOR)).isFalse();
        assertThat(AccessPolicy.permits("strongroom.account.v1.AccountService/DepositFunds", Role.OPERATOR)).isFalse();
        assertThat(AccessPolicy.permits("strongroom.customer.v1.CustomerService/GetCustomer", Role.OPERATOR)).isFalse();
        for (String method : strongroomMethods()) {
            boolean read = method.contains("/Get") || method.contains("/List");
            if (!read) {
                assertThat(AccessPolicy.permits(method, Role.AUDITOR)).as(method).isFalse();
            }
        }
    }

    private Status.Code call(String method, Role role) {
        String principal = "matrix-" + role.name().toLowerCase(java.util.Locale.ROOT);
        Metadata headers = switch (role) {
            case TELLER, SUPERVISOR -> TestTokens.staff(principal, role.name(), "branch-matrix");
            case AGENT -> TestTokens.agent(principal, "customer-matrix");
            case PARTNER -> TestTokens.partner(principal, "balances:read transactions:read payments:initiate",
                    List.of("account-matrix"));
            case CUSTOMER -> TestTokens.customer(principal, "ONLINE");
            default -> TestTokens.headers(principal, role.name(), "SYSTEM", claims -> { });
        };
        try {
            RawCalls.call(channel(), method, headers, new byte[0]);
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.PERMISSION_DENIED) {
                com.google.rpc.Status details = StatusProto.fromThrowable(e);
                assertThat(details).isNotNull();
                assertThat(details.getDetailsList().toString()).contains("ROLE_NOT_PERMITTED");
            }
            return e.getStatus().getCode();
        }
    }
}
