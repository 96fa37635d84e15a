package org.strongroom.account.api;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * A fraud and abuse rule for one channel: more than {@code maxDebits} debits, or more than
 * {@code maxAmount} (account-currency units) debited, within {@code window} puts the next debit on hold
 * for review instead of executing it. A null bound is not checked.
 *
 * @param now        the bank clock's instant of this debit (the window ends here)
 * @param reviewUntil how long the review hold lasts if nobody decides
 */
public record VelocityRule(String channel, Integer maxDebits, BigDecimal maxAmount, Duration window, Instant now,
                           Instant reviewUntil) {

    /** The longest window the account remembers debits for. */
    public static final Duration MAX_WINDOW = Duration.ofDays(1);
}
