package org.strongroom.account.api;

import java.time.Instant;
import org.strongroom.kernel.Money;

/** An amount reserved against available funds until released or, if it has an expiry, until it expires. */
public record Hold(String holdId, Money amount, String reason, Instant expireTime) {
}
