package org.strongroom.gateway.security;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.stereotype.Component;
import org.strongroom.account.api.AccountDetails;
import org.strongroom.gateway.grpc.CallerContext;
import org.strongroom.gateway.projection.ProjectionReads;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.Role;
import org.strongroom.projections.api.AccountQueries.FindAccountQuery;
import org.strongroom.projections.api.Projections;

/**
 * Object-level authorization (no BOLA/IDOR): which customers and accounts the caller may touch. A
 * customer touches only itself, an agent only the customer it verified, a partner only the accounts and
 * scopes its consent grants; staff, auditors and the system are bounded by {@link AccessPolicy} alone.
 *
 * <p>Someone else's id is answered exactly like an unknown id (NOT_FOUND, same message), so ids cannot
 * be probed for existence. Ownership is read from the account view: an account's owner never changes,
 * so a view that lags can only refuse, never grant.
 */
@Component
public class ObjectAccess {

    private final QueryGateway queries;
    private final ProjectionReads reads;

    public ObjectAccess(QueryGateway queries, ProjectionReads reads) {
        this.queries = queries;
        this.reads = reads;
    }

    /** The customer id the caller is bound to, if its role binds it to one (customer, agent). */
    public static Optional<String> boundCustomer(CallerContext caller) {
        return switch (caller.role()) {
            case CUSTOMER -> Optional.of(caller.principalId());
            case AGENT -> Optional.of(caller.actingFor());
            default -> Optional.empty();
        };
    }

    /** Refuses, as an unknown customer, a customer the caller may not touch. */
    public void requireCustomer(String customerId) {
        CallerContext caller = CallerContext.current();
        boolean allowed = switch (caller.role()) {
            case CUSTOMER, AGENT -> boundCustomer(caller).orElseThrow().equals(customerId);
            case PARTNER -> false;
            default -> true;
        };
        if (!allowed) {
            throw customerNotFound(customerId);
        }
    }

    /**
     * Refuses an account the caller may not touch: unknown-account for someone else's account, and
     * CONSENT_SCOPE_MISSING for a partner's granted account outside the granted scopes.
     *
     * @param scope the consent scope the operation needs; null if no consent can allow it
     */
    public void requireAccount(String accountId, PartnerScope scope) {
        CallerContext caller = CallerContext.current();
        switch (caller.role()) {
            case CUSTOMER, AGENT -> {
                String owner = boundCustomer(caller).orElseThrow();
                if (!ownerOf(accountId).map(owner::equals).orElse(false)) {
                    throw accountNotFound(accountId);
                }
            }
            case PARTNER -> {
                if (scope == null || !caller.grantedAccounts().contains(accountId)) {
                    throw accountNotFound(accountId);
                }
                requireScope(caller, scope);
            }
            default -> {
            }
        }
    }

    /** For a partner, the accounts a list may show (its consent); null (no restriction) for others. */
    public Set<String> visibleAccounts(PartnerScope scope) {
        CallerContext caller = CallerContext.current();
        if (caller.role() != Role.PARTNER) {
            return null;
        }
        requireScope(caller, scope);
        return caller.grantedAccounts();
    }

    private static void requireScope(CallerContext caller, PartnerScope scope) {
        if (!caller.scopes().contains(scope.claim())) {
            throw DomainException.forbidden(ErrorReason.CONSENT_SCOPE_MISSING,
                    "the customer's consent does not grant " + scope.claim(), Map.of("scope", scope.claim()));
        }
    }

    private Optional<String> ownerOf(String accountId) {
        return findAccount(accountId).map(AccountDetails::customerId);
    }

    /** The account as the account view has it (no access check: callers check first). */
    public Optional<AccountDetails> findAccount(String accountId) {
        reads.requireServing(Projections.ACCOUNT_VIEW);
        return queries.query(new FindAccountQuery(accountId), ResponseTypes.optionalInstanceOf(AccountDetails.class))
                .join();
    }

    public static DomainException accountNotFound(String accountId) {
        return DomainException.notFound(ErrorReason.ACCOUNT_NOT_FOUND, "no such account",
                Map.of("account_id", accountId));
    }

    public static DomainException customerNotFound(String customerId) {
        return DomainException.notFound(ErrorReason.CUSTOMER_NOT_FOUND, "no such customer",
                Map.of("customer_id", customerId));
    }
}
