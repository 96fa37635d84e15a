package org.strongroom.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.strongroom.gateway.GrpcErrors.assertError;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.gateway.AccountFixtures;
import org.strongroom.gateway.ProtoServices;
import org.strongroom.gateway.RawCalls;
import org.strongroom.kernel.Role;
import org.strongroom.node.NodeTest;
import org.strongroom.node.TestTokens;
import org.strongroom.proto.account.v1.Account;
import org.strongroom.proto.account.v1.AccountServiceGrpc;
import org.strongroom.proto.account.v1.GetAccountRequest;
import org.strongroom.proto.account.v1.ListAccountsRequest;
import org.strongroom.proto.account.v1.ListTransactionsRequest;
import org.strongroom.proto.account.v1.OpenAccountRequest;
import org.strongroom.proto.account.v1.PlaceHoldRequest;
import org.strongroom.proto.account.v1.WithdrawFundsRequest;
import org.strongroom.proto.customer.v1.CustomerServiceGrpc;
import org.strongroom.proto.payment.v1.PaymentServiceGrpc;
import org.strongroom.proto.payment.v1.TransferFundsRequest;
import org.strongroom.proto.customer.v1.GetCustomerRequest;

/**
 * Object-level authorization probed as an attacker would: a customer, an agent and a partner send every
 * RPC their role may call, with only the victim's ids filled in. Each must answer NOT_FOUND or
 * PERMISSION_DENIED, exactly as for an id that does not exist, and write nothing.
 */
class ObjectAccessTest extends NodeTest {

    private static final String ALL_SCOPES = "balances:read transactions:read payments:initiate";

    @Autowired
    JdbcTemplate jdbc;

    private AccountFixtures fixtures;
    private String attacker;
    private String attackerAccount;
    private String victim;
    private String victimAccount;
    private String victimHold;
    private String victimTransfer;

    @BeforeEach
    void twoCustomers() {
        fixtures = new AccountFixtures(channel());
        attackerAccount = fixtures.fundedAccount(500);
        attacker = owner(attackerAccount);
        victimAccount = fixtures.fundedAccount(500);
        victim = owner(victimAccount);
        victimHold = fixtures.accounts().placeHold(PlaceHoldRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setAccountId(victimAccount)
                .setAmount(AccountFixtures.eur(10, 0)).setReason("card authorisation").build()).getHoldId();
        victimTransfer = as(PaymentServiceGrpc.newBlockingStub(channel()), AccountFixtures.teller())
                .transferFunds(TransferFundsRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                        .setSourceAccountId(victimAccount).setTargetAccountId(fixtures.fundedAccount(1))
                        .setAmount(AccountFixtures.eur(1, 0)).setReference("rent").build())
                .getTransfer().getTransferId();
    }

    private String owner(String accountId) {
        return fixtures.accounts().getAccount(GetAccountRequest.newBuilder().setAccountId(accountId).build())
                .getAccount().getCustomerId();
    }

    private long eventsOf(String aggregateId) {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ?",
                Long.class, aggregateId);
    }

    /** The attacker's identities: itself, an agent it fooled into acting for it, a partner it consented to. */
    private Map<Role, Metadata> attackers() {
        return Map.of(
                Role.CUSTOMER, TestTokens.customer(attacker, "MOBILE"),
                Role.AGENT, TestTokens.agent("agent-bola", attacker),
                Role.PARTNER, TestTokens.partner("fintech-bola", ALL_SCOPES, List.of(attackerAccount)));
    }

    /** A request naming the victim in every id field, and nothing else but a fresh request id. */
    private byte[] probe(MethodDescriptor<?, ?> method) {
        Descriptors.Descriptor input = ProtoServices.inputType(method);
        DynamicMessage.Builder request = DynamicMessage.newBuilder(input);
        for (Descriptors.FieldDescriptor field : input.getFields()) {
            String value = switch (field.getName()) {
                case "request_id" -> UUID.randomUUID().toString();
                case "customer_id" -> victim;
                case "account_id" -> victimAccount;
                case "hold_id" -> victimHold;
                case "source_account_id" -> victimAccount;
                case "target_account_id" -> attackerAccount;
                case "transfer_id" -> victimTransfer;
                default -> null;
            };
            if (value != null && field.getJavaType() == Descriptors.FieldDescriptor.JavaType.STRING) {
                request.setField(field, value);
            }
        }
        return request.build().toByteArray();
    }

    private static boolean takesAVictimId(MethodDescriptor<?, ?> method) {
        return ProtoServices.inputType(method).getFields().stream()
                .anyMatch(field -> List.of("customer_id", "account_id", "source_account_id", "transfer_id")
                        .contains(field.getName()));
    }

    @Test
    void noRoleBoundToACustomerReachesAnotherCustomersData() {
        long victimEvents = eventsOf(victim) + eventsOf(victimAccount);
        List<String> probed = new ArrayList<>();
        for (MethodDescriptor<?, ?> method : ProtoServices.methods()) {
            if (!takesAVictimId(method)) {
                continue;
            }
            attackers().forEach((role, identity) -> {
                if (!AccessPolicy.permits(method.getFullMethodName(), role)) {
                    return;
                }
                probed.add(method.getBareMethodName() + " as " + role);
                try {
                    RawCalls.call(channel(), method.getFullMethodName(), identity, probe(method));
                    throw new AssertionError(method.getFullMethodName() + " as " + role + " answered OK");
                } catch (StatusRuntimeException e) {
                    assertThat(e.getStatus().getCode()).as("%s as %s: %s", method.getFullMethodName(), role,
                                    e.getStatus())
                            .isIn(Status.Code.NOT_FOUND, Status.Code.PERMISSION_DENIED);
                }
            });
        }
        assertThat(probed).as("probes").hasSizeGreaterThanOrEqualTo(20)
                .contains("GetAccount as PARTNER", "WithdrawFunds as AGENT", "GetCustomer as CUSTOMER",
                        "TransferFunds as CUSTOMER", "GetTransfer as PARTNER");
        assertThat(eventsOf(victim) + eventsOf(victimAccount)).as("nothing written for the victim")
                .isEqualTo(victimEvents);
    }

    @Test
    void anotherCustomersIdReadsExactlyLikeAnUnknownId() {
        var stub = as(AccountServiceGrpc.newBlockingStub(channel()), TestTokens.customer(attacker, "ONLINE"))
                .withDeadlineAfter(20, TimeUnit.SECONDS);
        var theirs = assertError(() -> stub.getAccount(GetAccountRequest.newBuilder()
                .setAccountId(victimAccount).build()), Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND");
        String unknown = UUID.randomUUID().toString();
        var none = assertError(() -> stub.getAccount(GetAccountRequest.newBuilder()
                .setAccountId(unknown).build()), Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND");
        assertThat(theirs.getMetadataMap()).isEqualTo(Map.of("account_id", victimAccount));
        assertThat(none.getMetadataMap()).isEqualTo(Map.of("account_id", unknown));

        // Its own account and its own customer record are served.
        assertThat(stub.getAccount(GetAccountRequest.newBuilder().setAccountId(attackerAccount).build())
                .getAccount().getCustomerId()).isEqualTo(attacker);
        assertThat(as(CustomerServiceGrpc.newBlockingStub(channel()), TestTokens.customer(attacker, "ONLINE"))
                .getCustomer(GetCustomerRequest.newBuilder().setCustomerId(attacker).build()).getCustomer()
                .getCustomerId()).isEqualTo(attacker);
    }

    @Test
    void anAgentServesOnlyTheCallerItVerified() {
        var agent = as(AccountServiceGrpc.newBlockingStub(channel()), TestTokens.agent("agent-7", attacker))
                .withDeadlineAfter(20, TimeUnit.SECONDS);
        Account opened = agent.openAccount(OpenAccountRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setCustomerId(attacker).setCurrencyCode("EUR")
                .setProduct(org.strongroom.proto.account.v1.AccountProduct.ACCOUNT_PRODUCT_SAVINGS).build())
                .getAccount();
        assertThat(opened.getCustomerId()).isEqualTo(attacker);
        String metadata = new String(jdbc.queryForObject("SELECT meta_data FROM domain_event_entry "
                + "WHERE aggregate_identifier = ? AND sequence_number = 0", byte[].class, opened.getAccountId()),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(metadata).contains("\"principalId\":\"agent-7\"").contains("\"actingFor\":\"" + attacker + "\"");

        assertError(() -> agent.openAccount(OpenAccountRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                        .setCustomerId(victim).setCurrencyCode("EUR")
                        .setProduct(org.strongroom.proto.account.v1.AccountProduct.ACCOUNT_PRODUCT_SAVINGS).build()),
                Status.Code.NOT_FOUND, "CUSTOMER_NOT_FOUND");
    }

    @Test
    void aPartnerSeesOnlyGrantedAccountsWithinGrantedScopes() {
        String secondAccount = fixtures.accounts().openAccount(OpenAccountRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setCustomerId(attacker).setCurrencyCode("EUR")
                .setProduct(org.strongroom.proto.account.v1.AccountProduct.ACCOUNT_PRODUCT_SAVINGS).build())
                .getAccount().getAccountId();
        var balancesOnly = as(AccountServiceGrpc.newBlockingStub(channel()),
                TestTokens.partner("fintech-1", "balances:read", List.of(attackerAccount)))
                .withDeadlineAfter(20, TimeUnit.SECONDS);

        assertThat(balancesOnly.getAccount(GetAccountRequest.newBuilder().setAccountId(attackerAccount).build())
                .getAccount().getAccountId()).isEqualTo(attackerAccount);
        // The customer's other account is outside the consent: neither listed nor readable.
        assertThat(balancesOnly.listAccounts(ListAccountsRequest.newBuilder().setCustomerId(attacker).build())
                .getAccountsList()).extracting(Account::getAccountId).containsExactly(attackerAccount);
        assertError(() -> balancesOnly.getAccount(GetAccountRequest.newBuilder().setAccountId(secondAccount).build()),
                Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND");
        assertError(() -> balancesOnly.listAccounts(ListAccountsRequest.newBuilder().setCustomerId(victim).build()),
                Status.Code.NOT_FOUND, "CUSTOMER_NOT_FOUND");
        // Granted account, scope not granted.
        var info = assertError(() -> balancesOnly.listTransactions(ListTransactionsRequest.newBuilder()
                .setAccountId(attackerAccount).build()), Status.Code.PERMISSION_DENIED, "CONSENT_SCOPE_MISSING");
        assertThat(info.getMetadataMap()).containsEntry("scope", "transactions:read");
        WithdrawFundsRequest payment = WithdrawFundsRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setAccountId(attackerAccount).setAmount(AccountFixtures.eur(5, 0))
                .setCounterparty(AccountFixtures.clearing("PISP-1")).build();
        assertError(() -> balancesOnly.withdrawFunds(payment), Status.Code.PERMISSION_DENIED,
                "CONSENT_SCOPE_MISSING");

        var payments = as(AccountServiceGrpc.newBlockingStub(channel()),
                TestTokens.partner("fintech-1", "payments:initiate", List.of(attackerAccount)))
                .withDeadlineAfter(20, TimeUnit.SECONDS);
        assertThat(payments.withdrawFunds(payment).getAccount().getBalance())
                .isEqualTo(AccountFixtures.eur(495, 0));
    }
}
