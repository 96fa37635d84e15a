package org.strongroom.gateway.account;

import java.math.BigDecimal;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.strongroom.gateway.grpc.CallerContext;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.Money;
import org.strongroom.kernel.Role;
import org.strongroom.node.NodeProperties;

/**
 * Who may post an entry with an EXTERNAL_CLEARING counterparty, and whether it waits for a second
 * person (docs/architecture.md, invariant 7). The clearing feed's SYSTEM principals post at once; branch staff posting
 * one by hand make a manual adjustment that above the currency's threshold waits for a supervisor of
 * the branch who is not the maker; a customer's own payments (debits by customers, their agents and
 * partners) are unchanged; any other SYSTEM principal, and anyone else crediting, is refused.
 */
@Component
public class ClearingDesk {

    private final NodeProperties.Clearing settings;

    public ClearingDesk(NodeProperties properties) {
        this.settings = properties.getClearing();
    }

    /**
     * Decides for the current caller whether a clearing entry posts at once (false) or waits for a
     * supervisor (true); refuses callers who may post none.
     */
    public boolean needsApproval(Money amount, boolean credit) {
        CallerContext caller = CallerContext.current();
        Role role = caller.role();
        if (role == Role.SYSTEM) {
            if (settings.getFeedPrincipals().contains(caller.principalId())) {
                return false;
            }
            throw refused(role, "only the clearing feed's principals (strongroom.clearing.feed-principals) "
                    + "post clearing entries");
        }
        if (role == Role.TELLER || role == Role.SUPERVISOR) {
            BigDecimal threshold = settings.getAdjustmentThreshold().get(amount.currency().getCurrencyCode());
            return threshold == null || amount.amount().compareTo(threshold) > 0;
        }
        if (!credit && (role == Role.CUSTOMER || role == Role.AGENT || role == Role.PARTNER)) {
            return false; // a customer's own outgoing payment
        }
        throw refused(role, "clearing credits come from the clearing feed or branch staff");
    }

    private static DomainException refused(Role role, String message) {
        return DomainException.forbidden(ErrorReason.CLEARING_NOT_PERMITTED, message, Map.of("role", role.name()));
    }
}
