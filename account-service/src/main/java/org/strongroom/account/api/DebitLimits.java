package org.strongroom.account.api;

import java.math.BigDecimal;

/**
 * Debit limits that apply to one withdrawal, in units of the account's currency: per transaction and
 * per business day, counted per channel. A null limit means none. The gateway resolves them from the
 * caller's channel; the account enforces them, atomically with the debit.
 */
public record DebitLimits(String channel, BigDecimal perTransaction, BigDecimal daily) {

    public static final DebitLimits NONE = new DebitLimits(null, null, null);
}
