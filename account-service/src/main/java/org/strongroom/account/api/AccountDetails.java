package org.strongroom.account.api;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.strongroom.kernel.Money;

/** An account as its aggregate or its view knows it; available = balance + overdraft - holds. */
public record AccountDetails(
        String accountId,
        String customerId,
        AccountProduct product,
        Money balance,
        Money available,
        Money overdraftLimit,
        List<Hold> holds,
        FreezeScope freezeScope,
        String freezeReason,
        AccountStatus status,
        LocalDate openingBusinessDate,
        Instant createTime,
        Instant updateTime) {
}
