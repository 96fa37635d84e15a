package org.strongroom.account.api;

import java.math.BigDecimal;

/**
 * Debit limits that apply to one withdrawal, in units of the account's currency: per transaction and
 * per business day. A null limit means none. The gateway resolves them from the caller's channel and
 * role; the account enforces them, atomically with the debit.
 *
 * @param channel what the daily total is counted per: a channel name ({@code MOBILE}), or
 *                {@code role:} and a role name ({@code role:PARTNER}) for a role's limits
 */
public record DebitLimits(String channel, BigDecimal perTransaction, BigDecimal daily) {

    public static final DebitLimits NONE = new DebitLimits(null, null, null);
    public static final String ROLE_PREFIX = "role:";

    /** A role's limits, counted per role across channels. */
    public static DebitLimits ofRole(String role, BigDecimal perTransaction, BigDecimal daily) {
        return new DebitLimits(ROLE_PREFIX + role, perTransaction, daily);
    }

    /** How a refusal names these limits: "the MOBILE channel" or "role PARTNER". */
    public String describe() {
        return channel != null && channel.startsWith(ROLE_PREFIX) ? "role " + channel.substring(ROLE_PREFIX.length())
                : "the " + channel + " channel";
    }
}
