package org.strongroom.node.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.converter.RsaKeyConverters;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.strongroom.node.NodeProperties;

/**
 * Verifies identity tokens: signature (RS256), issuer, audience, expiry and not-before, on our clock. A
 * token verified once is remembered for a minute ({@link VerifiedTokens}); its claims are checked on
 * every use.
 */
@Configuration(proxyBeanMethods = false)
public class JwtConfiguration {

    private static final Logger log = LoggerFactory.getLogger(JwtConfiguration.class);

    @Bean
    JwtDecoder jwtDecoder(NodeProperties properties, Clock clock) {
        NodeProperties.Jwt settings = properties.getJwt();
        NimbusJwtDecoder decoder;
        if (settings.getJwkSetUri() != null) {
            decoder = NimbusJwtDecoder.withJwkSetUri(settings.getJwkSetUri()).build();
        } else if (settings.getPublicKeyLocation() != null) {
            decoder = NimbusJwtDecoder.withPublicKey(readPublicKey(settings)).build();
        } else {
            log.warn("tokens are verified with the development signing key in {}; configure "
                    + "strongroom.jwt.jwk-set-uri or strongroom.jwt.public-key-location for production",
                    properties.getDataDir().resolve("keys").toAbsolutePath().normalize());
            decoder = NimbusJwtDecoder.withPublicKey(DevelopmentSigningKey.publicKey(
                    DevelopmentSigningKey.loadOrCreate(properties.getDataDir()))).build();
        }
        JwtTimestampValidator timestamps = new JwtTimestampValidator(settings.getClockSkew());
        timestamps.setClock(clock);
        OAuth2TokenValidator<Jwt> audience = new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
                values -> values != null && values.contains(settings.getAudience()));
        OAuth2TokenValidator<Jwt> expiry = new JwtClaimValidator<Object>(JwtClaimNames.EXP, value -> value != null);
        OAuth2TokenValidator<Jwt> validator = new DelegatingOAuth2TokenValidator<>(
                timestamps, expiry, new JwtIssuerValidator(settings.getIssuer()), audience);
        decoder.setJwtValidator(validator);
        return new VerifiedTokens(decoder, validator, clock);
    }

    private static RSAPublicKey readPublicKey(NodeProperties.Jwt settings) {
        try (InputStream pem = Files.newInputStream(settings.getPublicKeyLocation())) {
            return RsaKeyConverters.x509().convert(pem);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + settings.getPublicKeyLocation(), e);
        }
    }
}
