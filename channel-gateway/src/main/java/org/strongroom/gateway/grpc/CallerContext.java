package org.strongroom.gateway.grpc;

import io.grpc.Context;
import java.util.Optional;
import java.util.Set;
import org.strongroom.kernel.Channel;
import org.strongroom.kernel.Role;

/**
 * Who is calling, through which channel, and for which correlation: established once per call by
 * {@link CallerContextInterceptor} and stamped onto every command and event.
 *
 * @param actingFor       for an AGENT, the customer whose identity the agent verified (the only customer
 *                        the agent may act for); null otherwise
 * @param scopes          for a PARTNER, the consent scopes granted (see {@code PartnerScope})
 * @param grantedAccounts for a PARTNER, the account ids the customer's consent covers
 */
public record CallerContext(String principalId, Role role, Channel channel, String branchId, String correlationId,
                            String actingFor, Set<String> scopes, Set<String> grantedAccounts) {

    public CallerContext {
        scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
        grantedAccounts = grantedAccounts == null ? Set.of() : Set.copyOf(grantedAccounts);
    }

    static final Context.Key<CallerContext> KEY = Context.key("strongroom-caller");
    /** Lets an outer interceptor learn who the caller turned out to be (e.g. to log a refusal). */
    public static final Context.Key<Holder> HOLDER = Context.key("strongroom-caller-holder");

    /** Receives the caller once identified; read after the call closes. */
    public static final class Holder {
        private volatile CallerContext caller;

        public CallerContext caller() {
            return caller;
        }

        void set(CallerContext caller) {
            this.caller = caller;
        }
    }

    public Optional<String> branch() {
        return Optional.ofNullable(branchId);
    }

    /**
     * Runs work of the bank's own (close of business) as this caller, outside any gRPC call: the commands
     * it sends carry this identity in their metadata.
     */
    public <T> T run(java.util.concurrent.Callable<T> work) throws Exception {
        return Context.current().withValue(KEY, this).call(work);
    }

    /** The caller of the current gRPC call; fails loudly if a service runs outside the interceptor. */
    public static CallerContext current() {
        CallerContext caller = KEY.get();
        if (caller == null) {
            throw new IllegalStateException("no caller context: CallerContextInterceptor did not run");
        }
        return caller;
    }
}
