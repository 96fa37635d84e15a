package org.strongroom.gateway.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.strongroom.gateway.GrpcErrors.assertError;
import static org.strongroom.gateway.GrpcErrors.assertInvalidFields;

import com.google.type.Date;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.gateway.grpc.CallerContextInterceptor;
import org.strongroom.node.NodeTest;
import org.strongroom.node.TestTokens;
import org.strongroom.proto.customer.v1.Customer;
import org.strongroom.proto.customer.v1.CustomerServiceGrpc;
import org.strongroom.proto.customer.v1.CustomerServiceGrpc.CustomerServiceBlockingStub;
import org.strongroom.proto.customer.v1.GetCustomerRequest;
import org.strongroom.proto.customer.v1.IdentityDocument;
import org.strongroom.proto.customer.v1.IdentityDocumentType;
import org.strongroom.proto.customer.v1.RegisterCustomerRequest;
import org.strongroom.proto.customer.v1.UpdateCustomerContactRequest;

/** CustomerService over a real gRPC channel: every RPC, every error path, idempotency and deadlines. */
class CustomerServiceTest extends NodeTest {

    private static final AtomicInteger DOCUMENTS = new AtomicInteger(100000);

    @Autowired
    JdbcTemplate jdbc;

    private CustomerServiceBlockingStub teller() {
        CustomerServiceBlockingStub stub = CustomerServiceGrpc.newBlockingStub(channel());
        Metadata headers = TestTokens.staff("teller-7", "TELLER", "branch-12");
        headers.put(CallerContextInterceptor.CORRELATION, "corr-42");
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private CustomerServiceBlockingStub customer(String principal) {
        return as(CustomerServiceGrpc.newBlockingStub(channel()), principal, "CUSTOMER", "MOBILE")
                .withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private static RegisterCustomerRequest.Builder registration() {
        return RegisterCustomerRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setFullName("Grace Hopper")
                .setDateOfBirth(Date.newBuilder().setYear(1985).setMonth(12).setDay(9))
                .setIdentityDocument(IdentityDocument.newBuilder()
                        .setType(IdentityDocumentType.IDENTITY_DOCUMENT_TYPE_PASSPORT)
                        .setIssuingCountryCode("US")
                        .setNumber("P" + DOCUMENTS.incrementAndGet()))
                .setEmail("grace@example.com")
                .setPhoneNumber("+12025550143")
                .setResidentialCountryCode("US");
    }

    private long eventCount(String aggregateId) {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ?",
                Long.class, aggregateId);
    }

    @Test
    void registeredCustomerIsReadableAtOnceByAnyone() {
        RegisterCustomerRequest request = registration().build();
        long now = support.clock().instant().getEpochSecond();
        Customer registered = teller().registerCustomer(request).getCustomer();

        assertThat(UUID.fromString(registered.getCustomerId())).isNotNull();
        assertThat(registered.getFullName()).isEqualTo("Grace Hopper");
        assertThat(registered.getIdentityDocument()).isEqualTo(request.getIdentityDocument());
        assertThat(registered.getRegistrationBusinessDate())
                .isEqualTo(Date.newBuilder().setYear(2026).setMonth(11).setDay(23).build());
        assertThat(registered.getCreateTime().getSeconds()).isEqualTo(now);

        // Read your writes: no waiting, no retry, and another caller (the customer itself) sees the same.
        Customer read = customer(registered.getCustomerId()).getCustomer(GetCustomerRequest.newBuilder()
                .setCustomerId(registered.getCustomerId()).build()).getCustomer();
        assertThat(read).isEqualTo(registered);
    }

    @Test
    void everyEventCarriesTheCallerContextAndBusinessDate() {
        Customer registered = teller().registerCustomer(registration().build()).getCustomer();
        String metadata = new String(jdbc.queryForObject(
                "SELECT meta_data FROM domain_event_entry WHERE aggregate_identifier = ?", byte[].class,
                registered.getCustomerId()), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(metadata)
                .contains("\"principalId\":\"teller-7\"")
                .contains("\"role\":\"TELLER\"")
                .contains("\"channel\":\"BRANCH\"")
                .contains("\"branchId\":\"branch-12\"")
                .contains("\"correlationId\":\"corr-42\"")
                .contains("\"businessDate\":\"2026-11-23\"")
                .contains("\"requestId\":")
                .contains("\"causationId\":");
    }

    @Test
    void updatesContactDetails() {
        Customer registered = teller().registerCustomer(registration().build()).getCustomer();
        support.clock().advance(java.time.Duration.ofMinutes(5));
        Customer updated = customer(registered.getCustomerId()).updateCustomerContact(
                UpdateCustomerContactRequest.newBuilder().setRequestId("u-1")
                        .setCustomerId(registered.getCustomerId()).setEmail("amazing.grace@example.org").build())
                .getCustomer();
        assertThat(updated.getEmail()).isEqualTo("amazing.grace@example.org");
        assertThat(updated.getPhoneNumber()).isEqualTo("+12025550143");
        assertThat(updated.getUpdateTime().getSeconds()).isGreaterThan(updated.getCreateTime().getSeconds());

        Customer read = teller().getCustomer(GetCustomerRequest.newBuilder()
                .setCustomerId(registered.getCustomerId()).build()).getCustomer();
        assertThat(read).isEqualTo(updated);
    }

    @Test
    void invalidRegistrationNamesEveryBadFieldAndWritesNothing() {
        long before = jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class);
        assertInvalidFields(() -> teller().registerCustomer(RegisterCustomerRequest.newBuilder()
                        .setRequestId(UUID.randomUUID().toString())
                        .setFullName("   ")
                        .setIdentityDocument(IdentityDocument.newBuilder().setIssuingCountryCode("usa").setNumber("!"))
                        .setEmail("nope")
                        .setPhoneNumber("555-0143")
                        .setResidentialCountryCode("")
                        .build()),
                "full_name", "date_of_birth", "identity_document.type", "identity_document.issuing_country_code",
                "identity_document.number", "email", "phone_number", "residential_country_code");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class)).isEqualTo(before);
    }

    @Test
    void impossibleDateOfBirthIsInvalid() {
        assertInvalidFields(() -> teller().registerCustomer(registration()
                .setDateOfBirth(Date.newBuilder().setYear(1990).setMonth(2).setDay(30)).build()), "date_of_birth");
        assertInvalidFields(() -> teller().registerCustomer(registration()
                .setDateOfBirth(Date.newBuilder().setYear(2030).setMonth(1).setDay(1)).build()), "date_of_birth");
    }

    @Test
    void hostileTextIsRefusedCleanly() {
        assertInvalidFields(() -> teller().registerCustomer(registration()
                .setFullName("Robert'); DROP TABLE customer_view;--\u0000").build()), "full_name");
        assertInvalidFields(() -> teller().registerCustomer(registration().setFullName("x".repeat(100_000)).build()),
                "full_name");
        assertInvalidFields(() -> teller().registerCustomer(registration().setEmail("a@b.c\n").build()), "email");
    }

    @Test
    void requestIdIsRequiredAndWellFormed() {
        assertInvalidFields(() -> teller().registerCustomer(registration().setRequestId("").build()), "request_id");
        assertInvalidFields(() -> teller().registerCustomer(registration().setRequestId("has space").build()),
                "request_id");
        assertInvalidFields(() -> teller().registerCustomer(registration().setRequestId("r".repeat(129)).build()),
                "request_id");
    }

    @Test
    void retryWithTheSameRequestIdReturnsTheFirstOutcomeAndHasOneEffect() {
        RegisterCustomerRequest request = registration().build();
        Customer first = teller().registerCustomer(request).getCustomer();
        Customer again = teller().registerCustomer(request).getCustomer();
        assertThat(again).isEqualTo(first);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_view WHERE document_number = ?", Long.class,
                request.getIdentityDocument().getNumber())).isEqualTo(1);
    }

    @Test
    void theSameRequestIdFromAnotherPrincipalIsAnotherRequest() {
        RegisterCustomerRequest request = registration().build();
        teller().registerCustomer(request);
        // Same key text, other caller: not a replay; here it is refused on its own merits (same document).
        assertError(() -> as(CustomerServiceGrpc.newBlockingStub(channel()), "teller-8", "TELLER", "BRANCH")
                        .registerCustomer(request), Status.Code.ALREADY_EXISTS,
                "DUPLICATE_IDENTITY_DOCUMENT");
    }

    @Test
    void reusingARequestIdForAnotherPayloadIsAlreadyExists() {
        RegisterCustomerRequest request = registration().build();
        teller().registerCustomer(request);
        var info = assertError(() -> teller().registerCustomer(request.toBuilder().setFullName("Someone Else").build()),
                Status.Code.ALREADY_EXISTS, "REQUEST_ID_REUSED");
        assertThat(info.getMetadataMap()).containsEntry("request_id", request.getRequestId());
    }

    @Test
    void aRefusalIsReplayedToo() {
        RegisterCustomerRequest original = registration().build();
        teller().registerCustomer(original);
        RegisterCustomerRequest duplicate = registration()
                .setIdentityDocument(original.getIdentityDocument()).build();
        assertError(() -> teller().registerCustomer(duplicate), Status.Code.ALREADY_EXISTS,
                "DUPLICATE_IDENTITY_DOCUMENT");
        // The stored refusal is the answer to a retry, whatever happens meanwhile.
        jdbc.update("DELETE FROM identity_document_claim WHERE document_number = ?",
                original.getIdentityDocument().getNumber());
        assertError(() -> teller().registerCustomer(duplicate), Status.Code.ALREADY_EXISTS,
                "DUPLICATE_IDENTITY_DOCUMENT");
    }

    @Test
    void concurrentRetriesOfOneRequestCreateOneCustomer() throws Exception {
        RegisterCustomerRequest request = registration().build();
        Set<String> ids = ConcurrentHashMap.newKeySet();
        runConcurrently(8, () -> ids.add(teller().registerCustomer(request).getCustomer().getCustomerId()));
        assertThat(ids).hasSize(1);
        assertThat(eventCount(ids.iterator().next())).isEqualTo(1);
    }

    @Test
    void concurrentRegistrationsOfOneDocumentLetExactlyOneWin() throws Exception {
        IdentityDocument document = registration().build().getIdentityDocument();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        runConcurrently(8, () -> {
            try {
                teller().registerCustomer(registration().setIdentityDocument(document).build());
                accepted.incrementAndGet();
            } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
                refused.incrementAndGet();
            }
        });
        assertThat(accepted).hasValue(1);
        assertThat(refused).hasValue(7);
    }

    @Test
    void aOneMillisecondDeadlineFailsAndItsRetryHasExactlyOneEffect() {
        RegisterCustomerRequest request = registration().build();
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(StatusRuntimeException.class,
                () -> teller().withDeadlineAfter(1, TimeUnit.MILLISECONDS).registerCustomer(request))
                .getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        Customer retried = teller().registerCustomer(request).getCustomer();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_view WHERE document_number = ?", Long.class,
                request.getIdentityDocument().getNumber())).isEqualTo(1);
        assertThat(eventCount(retried.getCustomerId())).isEqualTo(1);
    }

    @Test
    void unknownCustomerIsNotFound() {
        String unknown = UUID.randomUUID().toString();
        var info = assertError(() -> teller().getCustomer(GetCustomerRequest.newBuilder().setCustomerId(unknown).build()),
                Status.Code.NOT_FOUND, "CUSTOMER_NOT_FOUND");
        assertThat(info.getMetadataMap()).containsEntry("customer_id", unknown);
        assertError(() -> teller().updateCustomerContact(UpdateCustomerContactRequest.newBuilder().setRequestId("u-2")
                .setCustomerId(unknown).setEmail("x@example.com").build()), Status.Code.NOT_FOUND, "CUSTOMER_NOT_FOUND");
    }

    @Test
    void malformedCustomerIdIsInvalid() {
        assertInvalidFields(() -> teller().getCustomer(GetCustomerRequest.newBuilder().build()), "customer_id");
        assertInvalidFields(() -> teller().getCustomer(GetCustomerRequest.newBuilder().setCustomerId("../etc").build()),
                "customer_id");
        assertInvalidFields(() -> teller().updateCustomerContact(UpdateCustomerContactRequest.newBuilder()
                .setRequestId("u-3").setCustomerId("42").setEmail("x@example.com").build()), "customer_id");
    }

    @Test
    void contactUpdateNeedsAValueAndValidatesIt() {
        Customer registered = teller().registerCustomer(registration().build()).getCustomer();
        assertInvalidFields(() -> teller().updateCustomerContact(UpdateCustomerContactRequest.newBuilder()
                .setRequestId("u-4").setCustomerId(registered.getCustomerId()).build()), "email", "phone_number");
        assertInvalidFields(() -> teller().updateCustomerContact(UpdateCustomerContactRequest.newBuilder()
                .setRequestId("u-5").setCustomerId(registered.getCustomerId()).setPhoneNumber("12").build()),
                "phone_number");
        assertThat(eventCount(registered.getCustomerId())).isEqualTo(1);
    }

    @Test
    void callsWithoutIdentityAreUnauthenticated() {
        CustomerServiceBlockingStub anonymous = CustomerServiceGrpc.newBlockingStub(channel());
        var info = assertError(() -> anonymous.getCustomer(GetCustomerRequest.getDefaultInstance()),
                Status.Code.UNAUTHENTICATED, "MISSING_CREDENTIALS");
        assertThat(info.getMetadataMap()).containsEntry("header", "authorization");
        // The development identity headers are ignored unless that mode is switched on (it is off by default).
        Metadata claimed = new Metadata();
        claimed.put(CallerContextInterceptor.PRINCIPAL, "teller-1");
        claimed.put(CallerContextInterceptor.ROLE, "TELLER");
        claimed.put(CallerContextInterceptor.CHANNEL, "BRANCH");
        claimed.put(CallerContextInterceptor.BRANCH, "branch-1");
        assertError(() -> as(CustomerServiceGrpc.newBlockingStub(channel()), claimed)
                .getCustomer(GetCustomerRequest.getDefaultInstance()), Status.Code.UNAUTHENTICATED, "MISSING_CREDENTIALS");
        // Claims outside the canonical lists, or malformed, are refused like a bad signature.

        assertError(() -> as(CustomerServiceGrpc.newBlockingStub(channel()), "p-1", "ROOT", "MOBILE")
                .getCustomer(GetCustomerRequest.getDefaultInstance()), Status.Code.UNAUTHENTICATED, "INVALID_CREDENTIALS");
        assertError(() -> as(CustomerServiceGrpc.newBlockingStub(channel()), "p-1", "CUSTOMER", "CARRIER_PIGEON")
                .getCustomer(GetCustomerRequest.getDefaultInstance()), Status.Code.UNAUTHENTICATED, "INVALID_CREDENTIALS");
        assertError(() -> as(CustomerServiceGrpc.newBlockingStub(channel()), "bad principal", "CUSTOMER", "MOBILE")
                .getCustomer(GetCustomerRequest.getDefaultInstance()), Status.Code.UNAUTHENTICATED, "INVALID_CREDENTIALS");
        // Staff must say which branch counter they work at; agents whom they act for; consent is for partners.
        assertError(() -> as(CustomerServiceGrpc.newBlockingStub(channel()),
                        TestTokens.headers("t-1", "TELLER", "BRANCH", claims -> { }))
                .getCustomer(GetCustomerRequest.getDefaultInstance()), Status.Code.UNAUTHENTICATED, "INVALID_CREDENTIALS");
        assertError(() -> as(CustomerServiceGrpc.newBlockingStub(channel()),
                        TestTokens.headers("agent-1", "AGENT", "CONTACT_CENTER", claims -> { }))
                .getCustomer(GetCustomerRequest.getDefaultInstance()), Status.Code.UNAUTHENTICATED, "INVALID_CREDENTIALS");
        assertError(() -> as(CustomerServiceGrpc.newBlockingStub(channel()),
                        TestTokens.headers("c-1", "CUSTOMER", "MOBILE", claims -> claims.claim("scope", "balances:read")))
                .getCustomer(GetCustomerRequest.getDefaultInstance()), Status.Code.UNAUTHENTICATED, "INVALID_CREDENTIALS");
    }

    private static void runConcurrently(int threads, Runnable task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    task.run();
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
