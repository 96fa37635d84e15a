package org.strongroom.gateway.security;

import java.time.Clock;
import java.time.Instant;
import org.springframework.stereotype.Component;
import org.strongroom.account.api.DebitLimits;
import org.strongroom.account.api.VelocityRule;
import org.strongroom.gateway.grpc.CallerContext;
import org.strongroom.kernel.Channel;
import org.strongroom.kernel.Role;
import org.strongroom.node.NodeProperties;

/** The configured debit limits and velocity rule for the current caller, as the account enforces them. */
@Component
public class DebitControls {

    private final NodeProperties properties;
    private final Clock clock;

    public DebitControls(NodeProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    /** The caller's channel limits (none if the channel has no entry). */
    public DebitLimits channelLimits() {
        Channel channel = CallerContext.current().channel();
        NodeProperties.DebitLimitSettings configured = properties.getLimits().get(channel);
        return configured == null ? new DebitLimits(channel.name(), null, null)
                : new DebitLimits(channel.name(), configured.getPerTransaction(), configured.getDaily());
    }

    /** The caller's role limits (none if the role has no entry). */
    public DebitLimits roleLimits() {
        Role role = CallerContext.current().role();
        NodeProperties.DebitLimitSettings configured = properties.getRoleLimits().get(role);
        return configured == null ? DebitLimits.NONE
                : DebitLimits.ofRole(role.name(), configured.getPerTransaction(), configured.getDaily());
    }

    /** The velocity rule of the caller's channel, or null if it has none. */
    public VelocityRule velocity(Instant reviewUntil) {
        Channel channel = CallerContext.current().channel();
        NodeProperties.Velocity rule = properties.getVelocity().get(channel);
        return rule == null ? null : new VelocityRule(channel.name(), rule.getMaxDebits(), rule.getMaxAmount(),
                rule.getWindow(), clock.instant(), reviewUntil);
    }
}
