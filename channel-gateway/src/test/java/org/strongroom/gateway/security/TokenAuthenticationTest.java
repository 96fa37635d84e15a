package org.strongroom.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.strongroom.gateway.GrpcErrors.assertError;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.gateway.grpc.CallerContextInterceptor;
import org.strongroom.node.NodeProperties;
import org.strongroom.node.NodeTest;
import org.strongroom.node.security.DevelopmentSigningKey;
import org.strongroom.proto.customer.v1.Customer;
import org.strongroom.proto.customer.v1.CustomerServiceGrpc;
import org.strongroom.proto.customer.v1.GetCustomerRequest;
import org.strongroom.proto.customer.v1.IdentityDocument;
import org.strongroom.proto.customer.v1.IdentityDocumentType;
import org.strongroom.proto.customer.v1.RegisterCustomerRequest;

/** Signed identity tokens: accepted when valid, UNAUTHENTICATED for every way a token can be wrong. */
class TokenAuthenticationTest extends NodeTest {

    @Autowired
    NodeProperties properties;
    @Autowired
    JdbcTemplate jdbc;

    private RSAKey nodeKey() {
        return DevelopmentSigningKey.loadOrCreate(properties.getDataDir());
    }

    private String token(RSAKey key, Consumer<JWTClaimsSet.Builder> changes) throws Exception {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject("teller-jwt")
                .issuer("strongroom")
                .audience(List.of("strongroom"))
                .issueTime(Date.from(support.clock().instant()))
                .expirationTime(Date.from(support.clock().instant().plus(Duration.ofHours(1))))
                .claim("role", "TELLER")
                .claim("channel", "BRANCH")
                .claim("branch", "branch-9");
        changes.accept(claims);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                .keyID(key.getKeyID()).build(), claims.build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private CustomerServiceGrpc.CustomerServiceBlockingStub withAuthorization(String value) {
        Metadata headers = new Metadata();
        headers.put(CallerContextInterceptor.AUTHORIZATION, value);
        return CustomerServiceGrpc.newBlockingStub(channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private static RegisterCustomerRequest registration() {
        return RegisterCustomerRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setFullName("Mary Golda Ross")
                .setDateOfBirth(com.google.type.Date.newBuilder().setYear(1975).setMonth(8).setDay(9))
                .setIdentityDocument(IdentityDocument.newBuilder()
                        .setType(IdentityDocumentType.IDENTITY_DOCUMENT_TYPE_NATIONAL_ID)
                        .setIssuingCountryCode("US").setNumber("JWT" + UUID.randomUUID().toString().substring(0, 8)))
                .setEmail("mary@example.com")
                .setPhoneNumber("+19185550100")
                .setResidentialCountryCode("US")
                .build();
    }

    @Test
    void aValidTokenNamesTheCallerInEveryEvent() throws Exception {
        Customer customer = withAuthorization("Bearer " + token(nodeKey(), claims -> { }))
                .registerCustomer(registration()).getCustomer();
        String metadata = new String(jdbc.queryForObject(
                "SELECT meta_data FROM domain_event_entry WHERE aggregate_identifier = ?", byte[].class,
                customer.getCustomerId()), StandardCharsets.UTF_8);
        assertThat(metadata).contains("\"principalId\":\"teller-jwt\"").contains("\"role\":\"TELLER\"")
                .contains("\"channel\":\"BRANCH\"").contains("\"branchId\":\"branch-9\"");
    }

    @Test
    void theTokenWinsOverDevelopmentHeaders() throws Exception {
        Metadata headers = new Metadata();
        headers.put(CallerContextInterceptor.AUTHORIZATION, "Bearer " + token(nodeKey(), claims -> { }));
        headers.put(CallerContextInterceptor.PRINCIPAL, "someone-else");
        headers.put(CallerContextInterceptor.ROLE, "SUPERVISOR");
        headers.put(CallerContextInterceptor.CHANNEL, "BRANCH");
        headers.put(CallerContextInterceptor.BRANCH, "branch-1");
        Customer customer = CustomerServiceGrpc.newBlockingStub(channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .registerCustomer(registration()).getCustomer();
        String metadata = new String(jdbc.queryForObject(
                "SELECT meta_data FROM domain_event_entry WHERE aggregate_identifier = ?", byte[].class,
                customer.getCustomerId()), StandardCharsets.UTF_8);
        assertThat(metadata).contains("\"principalId\":\"teller-jwt\"").doesNotContain("someone-else");
    }

    @Test
    void expiredTokensAreRefused() throws Exception {
        // Relative to the test clock, which other tests move forward.
        java.time.Instant now = support.clock().instant();
        String expired = token(nodeKey(), claims -> claims.expirationTime(Date.from(now.minusSeconds(120))));
        assertError(() -> withAuthorization("Bearer " + expired).getCustomer(GetCustomerRequest.getDefaultInstance()),
                Status.Code.UNAUTHENTICATED, "INVALID_CREDENTIALS");
        String notYetValid = token(nodeKey(), claims -> claims.notBeforeTime(Date.from(now.plusSeconds(600)))
                .expirationTime(Date.from(now.plusSeconds(3600))));
        assertError(() -> withAuthorization("Bearer " + notYetValid)
                .getCustomer(GetCustomerRequest.getDefaultInstance()), Status.Code.UNAUTHENTICATED,
                "INVALID_CREDENTIALS");
        String noExpiry = token(nodeKey(), claims -> claims.expirationTime(null));
        assertError(() -> withAuthorization("Bearer " + noExpiry).getCustomer(GetCustomerRequest.getDefaultInstance()),
                Status.Code.UNAUTHENTICATED, "INVALID_CREDENTIALS");
    }

    @Test
    void forgedTokensAreRefused() throws Exception {
        RSAKey attacker = new RSAKeyGenerator(2048).keyID(nodeKey().getKeyID()).generate();
        String forged = token(attacker, claims -> { });
        assertError(() -> withAuthorization("Bearer " + forged).getCustomer(GetCustomerRequest.getDefaultInstance()),
                Status.Code.UNAUTHENTICATED, "INVALID_CREDENTIALS");

        String unsigned = new PlainJWT(new JWTClaimsSet.Builder().subject("teller-jwt").issuer("strongroom")
                .audience("strongroom").expirationTime(Date.from(START.plusSeconds(600)))
                .claim("role", "OPERATOR").claim("channel", "SYSTEM").build()).serialize();
        assertError(() -> withAuthorization("Bearer " + unsigned).getCustomer(GetCustomerRequest.getDefaultInstance()),
                Status.Code.UNAUTHENTICATED, "INVALID_CREDENTIALS");

        String valid = token(nodeKey(), claims -> { });
        String[] parts = valid.split("\\.");
        String tamperedPayload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                        .replace("TELLER", "OPERATOR").getBytes(StandardCharsets.UTF_8));
        String tampered = parts[0] + "." + tamperedPayload + "." + parts[2];
        assertError(() -> withAuthorization("Bearer " + tampered).getCustomer(GetCustomerRequest.getDefaultInstance()),
                Status.Code.UNAUTHENTICATED, "INVALID_CREDENTIALS");
    }

    @Test
    void aTokenAcceptedBeforeIsRefusedOnceItExpires() throws Exception {
        // Verified tokens are remembered (VerifiedTokens): the expiry must still be judged on every call.
        java.time.Instant now = support.clock().instant();
        String shortLived = token(nodeKey(), claims -> claims.issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(2)))));
        withAuthorization("Bearer " + shortLived).registerCustomer(registration());
        support.clock().advance(Duration.ofMinutes(5));
        assertError(() -> withAuthorization("Bearer " + shortLived).registerCustomer(registration()),
                Status.Code.UNAUTHENTICATED, "INVALID_CREDENTIALS");
    }

    @Test
    void aTamperedCopyOfATokenAcceptedBeforeIsRefused() throws Exception {
        String valid = token(nodeKey(), claims -> claims.issueTime(Date.from(support.clock().instant())));
        withAuthorization("Bearer " + valid).registerCustomer(registration());
        String[] parts = valid.split("\\.");
        String raised = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                        .replace("TELLER", "SUPERVISOR").getBytes(StandardCharsets.UTF_8));
        assertError(() -> withAuthorization("Bearer " + parts[0] + "." + raised + "." + parts[2])
                .registerCustomer(registration()), Status.Code.UNAUTHENTICATED, "INVALID_CREDENTIALS");
        // The signature of another token pasted onto this one's claims: still not this token.
        String other = token(nodeKey(), claims -> claims.claim("branch", "branch-8"));
        assertError(() -> withAuthorization("Bearer " + parts[0] + "." + parts[1] + "." + other.split("\\.")[2])
                .registerCustomer(registration()), Status.Code.UNAUTHENTICATED, "INVALID_CREDENTIALS");
    }

    @Test
    void tokensForSomeoneElseAreRefused() throws Exception {
        String otherAudience = token(nodeKey(), claims -> claims.audience("another-bank"));
        assertError(() -> withAuthorization("Bearer " + otherAudience)
                .getCustomer(GetCustomerRequest.getDefaultInstance()), Status.Code.UNAUTHENTICATED,
                "INVALID_CREDENTIALS");
        String otherIssuer = token(nodeKey(), claims -> claims.issuer("https://idp.example.com"));
        assertError(() -> withAuthorization("Bearer " + otherIssuer)
                .getCustomer(GetCustomerRequest.getDefaultInstance()), Status.Code.UNAUTHENTICATED,
                "INVALID_CREDENTIALS");
    }

    @Test
    void tokensWithBadClaimsOrFormAreRefused() throws Exception {
        String badRole = token(nodeKey(), claims -> claims.claim("role", "ROOT"));
        String noBranch = token(nodeKey(), claims -> claims.claim("branch", null));
        String noSubject = token(nodeKey(), claims -> claims.subject(null));
        for (String value : List.of("Bearer " + badRole, "Bearer " + noBranch, "Bearer " + noSubject,
                "Bearer not-a-token", "Basic dGVsbGVyOnNlY3JldA==", "Bearer ")) {
            assertError(() -> withAuthorization(value).getCustomer(GetCustomerRequest.getDefaultInstance()),
                    Status.Code.UNAUTHENTICATED, "INVALID_CREDENTIALS");
        }
    }

    @Test
    void theDevelopmentKeyIsKeptForItsOwnerOnly() throws Exception {
        java.nio.file.Path file = properties.getDataDir().resolve("keys").resolve(DevelopmentSigningKey.FILE_NAME);
        nodeKey();
        assertThat(java.nio.file.Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }
}
