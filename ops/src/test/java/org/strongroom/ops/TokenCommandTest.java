package org.strongroom.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Development tokens carry what the node's verifier requires, signed with the node's key. */
class TokenCommandTest {

    @Test
    void issuesAVerifiableTokenWithTheCallersClaims() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        Instant now = Instant.parse("2026-11-23T10:00:00Z");
        SignedJWT jwt = SignedJWT.parse(TokenCommand.issue(key, now, Duration.ofMinutes(30), "teller-7", "TELLER",
                "BRANCH", Map.of("branch", "branch-12"), "strongroom", "strongroom"));

        assertThat(jwt.verify(new RSASSAVerifier(key.toRSAPublicKey()))).isTrue();
        assertThat(jwt.getHeader().getKeyID()).isEqualTo("k1");
        var claims = jwt.getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo("teller-7");
        assertThat(claims.getStringClaim("role")).isEqualTo("TELLER");
        assertThat(claims.getStringClaim("channel")).isEqualTo("BRANCH");
        assertThat(claims.getStringClaim("branch")).isEqualTo("branch-12");
        assertThat(claims.getAudience()).containsExactly("strongroom");
        assertThat(claims.getIssuer()).isEqualTo("strongroom");
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(now.plus(Duration.ofMinutes(30)));
    }

    @Test
    void anotherKeyDoesNotVerifyIt() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).generate();
        RSAKey other = new RSAKeyGenerator(2048).generate();
        SignedJWT jwt = SignedJWT.parse(TokenCommand.issue(key, Instant.now(), Duration.ofMinutes(5), "c-1",
                "CUSTOMER", "MOBILE", Map.of(), "strongroom", "strongroom"));
        assertThat(jwt.verify(new RSASSAVerifier(other.toRSAPublicKey()))).isFalse();
        assertThat(jwt.getJWTClaimsSet().getClaim("branch")).isNull();
    }

    @Test
    void aPartnersConsentTravelsAsScopeAndAccounts() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).generate();
        SignedJWT jwt = SignedJWT.parse(TokenCommand.issue(key, Instant.now(), Duration.ofMinutes(5), "fintech-1",
                "PARTNER", "PARTNER", Map.of("scope", "balances:read", "accounts", List.of("a-1", "a-2")),
                "strongroom", "strongroom"));
        assertThat(jwt.getJWTClaimsSet().getStringClaim("scope")).isEqualTo("balances:read");
        assertThat(jwt.getJWTClaimsSet().getStringListClaim("accounts")).containsExactly("a-1", "a-2");
    }
}
