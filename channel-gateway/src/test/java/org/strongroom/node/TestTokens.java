package org.strongroom.node;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.strongroom.gateway.grpc.CallerContextInterceptor;
import org.strongroom.node.security.DevelopmentSigningKey;

/**
 * Signed tokens for the in-JVM tests, issued with the test node's development key: tests call the
 * node exactly as channels do (the development identity mode stays off, as in production).
 */
public final class TestTokens {

    private TestTokens() {
    }

    /** A token valid from a day before the test clock's start until a year after (tests move the clock). */
    public static String token(String principal, String role, String channel, Consumer<JWTClaimsSet.Builder> more) {
        return token(NodeTest.DATA_DIR, NodeTest.START, principal, role, channel, more);
    }

    /** A token from the development key in a node's data dir, valid around the given instant. */
    public static String token(Path dataDir, Instant around, String principal, String role, String channel,
                               Consumer<JWTClaimsSet.Builder> more) {
        RSAKey key = DevelopmentSigningKey.loadOrCreate(dataDir);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .jwtID(UUID.randomUUID().toString())
                .subject(principal)
                .issuer("strongroom")
                .audience(List.of("strongroom"))
                .issueTime(Date.from(around.minus(Duration.ofDays(1))))
                .expirationTime(Date.from(around.plus(Duration.ofDays(365))))
                .claim("role", role)
                .claim("channel", channel);
        more.accept(claims);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                .keyID(key.getKeyID()).build(), claims.build());
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    public static Metadata headers(String principal, String role, String channel, Consumer<JWTClaimsSet.Builder> more) {
        Metadata headers = new Metadata();
        headers.put(CallerContextInterceptor.AUTHORIZATION, "Bearer " + token(principal, role, channel, more));
        return headers;
    }

    /** Staff at a branch (TELLER, SUPERVISOR). */
    public static Metadata staff(String principal, String role, String branch) {
        return headers(principal, role, "BRANCH", claims -> claims.claim("branch", branch));
    }

    /** The principal the test node lists in strongroom.clearing.feed-principals (NodeTest). */
    public static final String CLEARING_FEED = "clearing-feed";

    /** The clearing integration: a SYSTEM principal that posts clearing entries at once. */
    public static Metadata clearingFeed() {
        return headers(CLEARING_FEED, "SYSTEM", "SYSTEM", claims -> { });
    }

    public static Metadata customer(String customerId, String channel) {
        return headers(customerId, "CUSTOMER", channel, claims -> { });
    }

    public static Metadata agent(String agentId, String actingFor) {
        return headers(agentId, "AGENT", "CONTACT_CENTER", claims -> claims.claim("acting_for", actingFor));
    }

    public static Metadata partner(String partnerId, String scope, List<String> accounts) {
        return headers(partnerId, "PARTNER", "PARTNER",
                claims -> claims.claim("scope", scope).claim("accounts", accounts));
    }

    /** Any claims at all, for tests of malformed identities. */
    public static Metadata claims(String principal, String role, String channel, Map<String, Object> claims) {
        return headers(principal, role, channel, builder -> claims.forEach(builder::claim));
    }

    public static <S extends AbstractStub<S>> S with(S stub, Metadata headers) {
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
}
