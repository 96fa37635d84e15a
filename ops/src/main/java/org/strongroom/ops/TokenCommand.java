package org.strongroom.ops;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Issues a development token signed with the node's development key (data-dir/keys), for local use
 * and demos. Production identities come from the bank's identity provider, never from this command.
 */
final class TokenCommand {

    static final String KEY_FILE = "development-signing-key.jwk";
    private static final Set<String> ROLES = Set.of("CUSTOMER", "TELLER", "SUPERVISOR", "AGENT", "PARTNER",
            "OPERATOR", "AUDITOR", "SYSTEM");
    private static final Set<String> CHANNELS = Set.of("ONLINE", "MOBILE", "PARTNER", "BRANCH", "SELF_SERVICE",
            "CONTACT_CENTER", "SYSTEM");

    private TokenCommand() {
    }

    static int run(Options options) throws IOException {
        String role = options.text("role", "");
        String subject = options.text("subject", "");
        String channel = options.text("channel", "");
        if (!ROLES.contains(role) || subject.isEmpty() || !CHANNELS.contains(channel)) {
            System.err.println("token needs --role " + ROLES + " --subject <id> --channel " + CHANNELS
                    + " (and --branch <id> for TELLER and SUPERVISOR, --acting-for <customerId> for AGENT,"
                    + " --scope '<scopes>' --accounts <id,id> for PARTNER)");
            return 2;
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        String branch = options.text("branch", null);
        if ((role.equals("TELLER") || role.equals("SUPERVISOR")) && branch == null) {
            System.err.println("role " + role + " works at a branch: add --branch <id>");
            return 2;
        }
        if (branch != null) {
            claims.put("branch", branch);
        }
        String actingFor = options.text("acting-for", null);
        if (role.equals("AGENT") != (actingFor != null)) {
            System.err.println("--acting-for <customerId> (the caller the agent verified) is for AGENT, and required");
            return 2;
        }
        if (actingFor != null) {
            claims.put("acting_for", actingFor);
        }
        String scope = options.text("scope", null);
        String accounts = options.text("accounts", null);
        if (!role.equals("PARTNER") && (scope != null || accounts != null)) {
            System.err.println("--scope and --accounts (a customer's consent) are for PARTNER only");
            return 2;
        }
        if (scope != null) {
            claims.put("scope", scope);
        }
        if (accounts != null) {
            claims.put("accounts", List.of(accounts.split(",")));
        }
        RSAKey key;
        try {
            key = developmentKey(Path.of(options.text("data-dir", "var")));
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        Duration ttl = Duration.ofSeconds(options.number("ttl-seconds", 3600));
        System.out.println(issue(key, Clock.systemUTC().instant(), ttl, subject, role, channel, claims,
                options.text("issuer", "strongroom"), options.text("audience", "strongroom")));
        return 0;
    }

    /** The node's development signing key, created by the node in its data dir on first start. */
    static RSAKey developmentKey(Path dataDir) throws IOException {
        Path keyFile = dataDir.resolve("keys").resolve(KEY_FILE);
        try {
            return RSAKey.parse(Files.readString(keyFile, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("no development signing key at " + keyFile + ": start the node once "
                    + "with this data dir (--data-dir) so it creates one");
        } catch (ParseException e) {
            throw new IllegalStateException("unreadable development signing key " + keyFile + ": " + e.getMessage());
        }
    }

    static String issue(RSAKey key, Instant now, Duration ttl, String subject, String role, String channel,
                        Map<String, Object> more, String issuer, String audience) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .jwtID(UUID.randomUUID().toString())
                .subject(subject)
                .issuer(issuer)
                .audience(List.of(audience))
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .claim("role", role)
                .claim("channel", channel);
        more.forEach(claims::claim);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                .keyID(key.getKeyID()).build(), claims.build());
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign with the development key", e);
        }
        return jwt.serialize();
    }
}
