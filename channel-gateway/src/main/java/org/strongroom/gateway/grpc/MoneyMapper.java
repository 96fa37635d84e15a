package org.strongroom.gateway.grpc;

import com.google.type.Money;
import java.math.BigDecimal;
import java.util.Currency;
import java.util.Set;
import org.strongroom.account.api.AccountFieldRules;
import org.strongroom.kernel.Violations;

/**
 * google.type.Money on the wire, {@link org.strongroom.kernel.Money} inside. An amount with more decimals
 * than its currency has (0.001 EUR, 1.5 JPY) is refused, never rounded.
 */
public final class MoneyMapper {

    /** Currencies the bank keeps accounts in; anything else is refused at the edge. */
    public static final Set<String> CURRENCIES = AccountFieldRules.CURRENCIES;
    /** Largest single amount accepted, in currency units (10 trillion): beyond it is a client bug. */
    public static final BigDecimal MAX_AMOUNT_UNITS = new BigDecimal("10000000000000");
    private static final BigDecimal NANOS_PER_UNIT = BigDecimal.valueOf(1_000_000_000L);

    private MoneyMapper() {
    }

    /** The amount, or null with the violation recorded under {@code field}. */
    public static org.strongroom.kernel.Money fromProto(String field, boolean present, Money money,
                                                        Violations violations) {
        if (!present) {
            violations.add(field, "is required");
            return null;
        }
        if (!CURRENCIES.contains(money.getCurrencyCode())) {
            violations.add(field + ".currency_code",
                    "must be one of " + String.join(", ", CURRENCIES.stream().sorted().toList()));
            return null;
        }
        long units = money.getUnits();
        int nanos = money.getNanos();
        if (nanos <= -1_000_000_000 || nanos >= 1_000_000_000) {
            violations.add(field + ".nanos", "must be between -999,999,999 and 999,999,999");
            return null;
        }
        if ((units > 0 && nanos < 0) || (units < 0 && nanos > 0)) {
            violations.add(field + ".nanos", "must have the same sign as units");
            return null;
        }
        Currency currency = Currency.getInstance(money.getCurrencyCode());
        BigDecimal amount = BigDecimal.valueOf(units).add(BigDecimal.valueOf(nanos).divide(NANOS_PER_UNIT))
                .stripTrailingZeros();
        if (amount.abs().compareTo(MAX_AMOUNT_UNITS) > 0) {
            violations.add(field, "must be at most " + MAX_AMOUNT_UNITS.toPlainString() + " " + currency.getCurrencyCode());
            return null;
        }
        int scale = org.strongroom.kernel.Money.scaleOf(currency);
        if (Math.max(amount.scale(), 0) > scale) {
            violations.add(field, currency.getCurrencyCode() + " amounts have at most " + scale + " decimal places");
            return null;
        }
        return new org.strongroom.kernel.Money(amount, currency);
    }

    /** A required positive amount. */
    public static org.strongroom.kernel.Money positive(String field, boolean present, Money money,
                                                       Violations violations) {
        org.strongroom.kernel.Money amount = fromProto(field, present, money, violations);
        if (amount != null && !amount.isPositive()) {
            violations.add(field, "must be greater than zero");
            return null;
        }
        return amount;
    }

    public static Money toProto(org.strongroom.kernel.Money money) {
        BigDecimal amount = money.amount();
        long units = amount.longValue();
        int nanos = amount.subtract(BigDecimal.valueOf(units)).multiply(NANOS_PER_UNIT).intValueExact();
        return Money.newBuilder().setCurrencyCode(money.currency().getCurrencyCode()).setUnits(units).setNanos(nanos)
                .build();
    }
}
