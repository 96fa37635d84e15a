package org.strongroom.node.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Collectors;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.strongroom.node.axon.BoundedCache;

/**
 * Remembers tokens whose signature was verified, so a channel that sends the same token on every call
 * pays for one RSA verification, not one per call (it was about a tenth of a transfer's CPU on the node).
 *
 * <p>The key is the whole token as sent, signature included: a token that differs in any character is
 * verified afresh. A remembered token is validated again on every use (expiry, not-before, issuer,
 * audience, on the node's clock), so it stops working at its expiry exactly as before. An entry is
 * forgotten after {@link #MAX_AGE}, so a signing key withdrawn from a JWK set stops a token it signed
 * within that time; at most {@link #MAX_ENTRIES} tokens are held, the least recently used leaving first.
 */
public final class VerifiedTokens implements JwtDecoder {

    static final Duration MAX_AGE = Duration.ofMinutes(1);
    static final int MAX_ENTRIES = 10_000;

    private final JwtDecoder verifier;
    private final OAuth2TokenValidator<Jwt> validator;
    private final Clock clock;
    private final BoundedCache verified = new BoundedCache(MAX_ENTRIES);

    /**
     * @param verifier  checks signature and claims (the validator is set on it as well)
     * @param validator the claim checks, run again on every use of a remembered token
     */
    public VerifiedTokens(JwtDecoder verifier, OAuth2TokenValidator<Jwt> validator, Clock clock) {
        this.verifier = verifier;
        this.validator = validator;
        this.clock = clock;
    }

    private record Verified(Jwt jwt, Instant at) {
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Instant now = clock.instant();
        Verified known = verified.get(token);
        if (known != null && !now.isAfter(known.at().plus(MAX_AGE)) && !now.isBefore(known.at())) {
            OAuth2TokenValidatorResult result = validator.validate(known.jwt());
            if (result.hasErrors()) {
                verified.remove(token);
                throw new JwtValidationException(result.getErrors().stream()
                        .map(error -> error.getDescription() == null ? error.getErrorCode() : error.getDescription())
                        .collect(Collectors.joining("; ")), result.getErrors());
            }
            return known.jwt();
        }
        Jwt jwt = verifier.decode(token);
        verified.put(token, new Verified(jwt, now));
        return jwt;
    }
}
