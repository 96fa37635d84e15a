package org.strongroom.node.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.strongroom.node.MutableClock;

/** A token's signature is verified once a minute at most; its claims on every use; a refusal is never kept. */
class VerifiedTokensTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));
    private final AtomicInteger verifications = new AtomicInteger();
    private final JwtTimestampValidator timestamps = new JwtTimestampValidator(Duration.ZERO);

    private VerifiedTokens tokens(JwtDecoder verifier) {
        timestamps.setClock(clock);
        return new VerifiedTokens(token -> {
            verifications.incrementAndGet();
            return verifier.decode(token);
        }, timestamps, clock);
    }

    private Jwt jwt(String token, Instant expiresAt) {
        return Jwt.withTokenValue(token).header("alg", "RS256").subject("teller-1")
                .issuedAt(clock.instant()).expiresAt(expiresAt).build();
    }

    @Test
    void theSignatureIsVerifiedOnceAMinuteNotOnEveryCall() {
        VerifiedTokens tokens = tokens(token -> jwt(token, clock.instant().plus(Duration.ofHours(1))));
        tokens.decode("a.b.c");
        tokens.decode("a.b.c");
        assertThat(verifications).hasValue(1);
        clock.advance(Duration.ofSeconds(61));
        tokens.decode("a.b.c");
        assertThat(verifications).hasValue(2);
        // another token (any character different, the signature included) is verified on its own
        tokens.decode("a.b.d");
        assertThat(verifications).hasValue(3);
    }

    @Test
    void aRememberedTokenStopsAtItsExpiry() {
        VerifiedTokens tokens = tokens(token -> jwt(token, clock.instant().plus(Duration.ofSeconds(30))));
        tokens.decode("a.b.c");
        clock.advance(Duration.ofSeconds(31));
        assertThatThrownBy(() -> tokens.decode("a.b.c")).isInstanceOf(JwtValidationException.class);
        assertThat(verifications).hasValue(1);
    }

    @Test
    void aRefusedTokenIsNeverRemembered() {
        VerifiedTokens tokens = tokens(token -> {
            throw new BadJwtException("bad signature");
        });
        assertThatThrownBy(() -> tokens.decode("a.b.c")).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> tokens.decode("a.b.c")).isInstanceOf(BadJwtException.class);
        assertThat(verifications).hasValue(2);
    }
}
