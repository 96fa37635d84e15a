package org.strongroom.gateway.grpc;

import com.google.rpc.Code;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.protobuf.StatusProto;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.stereotype.Component;
import org.strongroom.kernel.Channel;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.Role;
import org.strongroom.node.NodeProperties;

/**
 * Establishes the caller of every Strongroom call. A signed token ({@code authorization: Bearer ...})
 * is verified and its claims name the caller: {@code sub}, {@code role}, {@code channel}; {@code branch}
 * for staff; {@code acting_for} (the verified caller's customer id) for agents; {@code scope} and
 * {@code accounts} (the consent) for partners. The development identity mode, off unless switched on for
 * a local demo, reads the same values from {@code x-strongroom-*} headers, trusted as sent. Health and
 * reflection stay open to probes.
 */
@Component
@GlobalServerInterceptor
@Order(20)
public class CallerContextInterceptor implements ServerInterceptor {

    public static final Metadata.Key<String> PRINCIPAL = header("x-strongroom-principal");
    public static final Metadata.Key<String> ROLE = header("x-strongroom-role");
    public static final Metadata.Key<String> CHANNEL = header("x-strongroom-channel");
    public static final Metadata.Key<String> BRANCH = header("x-strongroom-branch");
    public static final Metadata.Key<String> ACTING_FOR = header("x-strongroom-acting-for");
    public static final Metadata.Key<String> SCOPE = header("x-strongroom-scope");
    public static final Metadata.Key<String> ACCOUNTS = header("x-strongroom-accounts");
    public static final Metadata.Key<String> CORRELATION = header("x-correlation-id");
    public static final Metadata.Key<String> AUTHORIZATION = header("authorization");
    private static final String BEARER = "Bearer ";

    private static final Logger log = LoggerFactory.getLogger(CallerContextInterceptor.class);
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}");

    private final boolean developmentIdentity;
    private final JwtDecoder tokens;

    public CallerContextInterceptor(NodeProperties properties, JwtDecoder tokens) {
        this.developmentIdentity = properties.getGrpc().isDevelopmentIdentity();
        this.tokens = tokens;
        if (developmentIdentity) {
            log.warn("!!! DEVELOPMENT IDENTITY MODE IS ON: any caller can claim any identity with x-strongroom-* "
                    + "headers. For local demos only; never on a node that holds real money !!!");
        }
    }

    private static Metadata.Key<String> header(String name) {
        return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        if (!call.getMethodDescriptor().getServiceName().startsWith("strongroom.")) {
            return next.startCall(call, headers);
        }
        CallerContext caller;
        try {
            caller = identify(headers);
        } catch (Unauthenticated e) {
            com.google.rpc.Status status = ErrorStatuses.status(Code.UNAUTHENTICATED, e.reason, e.getMessage(),
                    Map.of("header", e.header));
            io.grpc.StatusRuntimeException sre = StatusProto.toStatusRuntimeException(status);
            call.close(sre.getStatus(), sre.getTrailers());
            return new ServerCall.Listener<>() {
            };
        }
        CallerContext.Holder holder = CallerContext.HOLDER.get();
        if (holder != null) {
            holder.set(caller);
        }
        Context context = Context.current().withValue(CallerContext.KEY, caller);
        return Contexts.interceptCall(context, call, headers, next);
    }

    private CallerContext identify(Metadata headers) {
        String authorization = headers.get(AUTHORIZATION);
        if (authorization != null) {
            return fromToken(authorization, correlation(headers));
        }
        if (!developmentIdentity) {
            throw new Unauthenticated(ErrorReason.MISSING_CREDENTIALS, AUTHORIZATION.name(),
                    "authorization: Bearer <token> is required");
        }
        String principal = required(headers, PRINCIPAL);
        if (!IDENTIFIER.matcher(principal).matches()) {
            throw new Unauthenticated(ErrorReason.INVALID_CREDENTIALS, PRINCIPAL.name(),
                    "principal must be 1-128 characters of letters, digits and ._@:-");
        }
        Role role = parse(Role.class, required(headers, ROLE), ROLE);
        Channel channel = parse(Channel.class, required(headers, CHANNEL), CHANNEL);
        String branch = headers.get(BRANCH);
        if (role.requiresBranch()) {
            if (branch == null || branch.isEmpty()) {
                throw new Unauthenticated(ErrorReason.MISSING_CREDENTIALS, BRANCH.name(),
                        "role " + role + " works at a branch: " + BRANCH.name() + " is required");
            }
        }
        if (branch != null && !IDENTIFIER.matcher(branch).matches()) {
            throw new Unauthenticated(ErrorReason.INVALID_CREDENTIALS, BRANCH.name(),
                    "branch must be 1-128 characters of letters, digits and ._@:-");
        }
        String actingFor = headers.get(ACTING_FOR);
        String scope = headers.get(SCOPE);
        String accounts = headers.get(ACCOUNTS);
        return complete(new CallerContext(principal, role, channel, branch, correlation(headers), actingFor,
                words(scope), accounts == null ? Set.of() : words(accounts.replace(',', ' '))), ACTING_FOR.name());
    }

    private CallerContext fromToken(String authorization, String correlation) {
        if (!authorization.startsWith(BEARER) || tokens == null) {
            throw new Unauthenticated(ErrorReason.INVALID_CREDENTIALS, AUTHORIZATION.name(),
                    "authorization must be 'Bearer <token>'");
        }
        Jwt jwt;
        try {
            jwt = tokens.decode(authorization.substring(BEARER.length()).trim());
        } catch (JwtException e) {
            // The validator's words (expired, wrong audience, bad signature) help a client fix its token.
            throw new Unauthenticated(ErrorReason.INVALID_CREDENTIALS, AUTHORIZATION.name(),
                    "the token is not valid: " + e.getMessage());
        }
        String principal = jwt.getSubject();
        if (principal == null || !IDENTIFIER.matcher(principal).matches()) {
            throw new Unauthenticated(ErrorReason.INVALID_CREDENTIALS, AUTHORIZATION.name(),
                    "the token's sub must be 1-128 characters of letters, digits and ._@:-");
        }
        Role role = claim(Role.class, jwt.getClaimAsString("role"), "role");
        Channel channel = claim(Channel.class, jwt.getClaimAsString("channel"), "channel");
        String branch = jwt.getClaimAsString("branch");
        if (role.requiresBranch() && (branch == null || !IDENTIFIER.matcher(branch).matches())) {
            throw new Unauthenticated(ErrorReason.INVALID_CREDENTIALS, AUTHORIZATION.name(),
                    "role " + role + " works at a branch: the token needs a branch claim");
        }
        if (branch != null && !IDENTIFIER.matcher(branch).matches()) {
            throw new Unauthenticated(ErrorReason.INVALID_CREDENTIALS, AUTHORIZATION.name(),
                    "the token's branch claim is malformed");
        }
        List<String> accounts;
        try {
            accounts = jwt.getClaimAsStringList("accounts");
        } catch (RuntimeException e) {
            throw new Unauthenticated(ErrorReason.INVALID_CREDENTIALS, AUTHORIZATION.name(),
                    "the token's accounts claim must be a list of account ids");
        }
        return complete(new CallerContext(principal, role, channel, branch, correlation,
                jwt.getClaimAsString("acting_for"), words(jwt.getClaimAsString("scope")),
                accounts == null ? Set.of() : Set.copyOf(accounts)), AUTHORIZATION.name());
    }

    /** Role-specific claims: an agent names the verified caller; consent belongs to partners only. */
    private static CallerContext complete(CallerContext caller, String header) {
        if (caller.role() == Role.AGENT) {
            if (caller.actingFor() == null || !IDENTIFIER.matcher(caller.actingFor()).matches()) {
                throw new Unauthenticated(ErrorReason.INVALID_CREDENTIALS, header,
                        "an AGENT acts for the customer whose identity it verified: acting_for is required");
            }
        } else if (caller.actingFor() != null) {
            throw new Unauthenticated(ErrorReason.INVALID_CREDENTIALS, header,
                    "only an AGENT acts for another customer (acting_for)");
        }
        if (caller.role() != Role.PARTNER && (!caller.scopes().isEmpty() || !caller.grantedAccounts().isEmpty())) {
            throw new Unauthenticated(ErrorReason.INVALID_CREDENTIALS, header,
                    "consent (scope, accounts) belongs to PARTNER identities only");
        }
        return caller;
    }

    private static Set<String> words(String text) {
        if (text == null || text.isBlank()) {
            return Set.of();
        }
        return Set.copyOf(Arrays.asList(text.trim().split("\\s+")));
    }

    private static <E extends Enum<E>> E claim(Class<E> type, String value, String name) {
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new Unauthenticated(ErrorReason.INVALID_CREDENTIALS, AUTHORIZATION.name(),
                    "the token's " + name + " claim must be one of " + java.util.Arrays.toString(type.getEnumConstants()));
        }
    }

    private static String correlation(Metadata headers) {
        String correlation = headers.get(CORRELATION);
        return correlation == null || !IDENTIFIER.matcher(correlation).matches()
                ? UUID.randomUUID().toString() : correlation;
    }

    private static String required(Metadata headers, Metadata.Key<String> key) {
        String value = headers.get(key);
        if (value == null || value.isEmpty()) {
            throw new Unauthenticated(ErrorReason.MISSING_CREDENTIALS, key.name(), key.name() + " is required");
        }
        return value;
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, Metadata.Key<String> key) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Unauthenticated(ErrorReason.INVALID_CREDENTIALS, key.name(),
                    key.name() + " must be one of " + java.util.Arrays.toString(type.getEnumConstants()));
        }
    }

    private static final class Unauthenticated extends RuntimeException {
        private final ErrorReason reason;
        private final String header;

        Unauthenticated(ErrorReason reason, String header, String message) {
            super(message, null, false, false);
            this.reason = reason;
            this.header = header;
        }
    }
}
