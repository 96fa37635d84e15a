package org.strongroom.account.api;

import java.util.Currency;
import java.util.Set;
import org.strongroom.kernel.Money;
import org.strongroom.kernel.Violations;

/**
 * Field rules for account commands, each naming the public API field it guards. Public so a gateway can
 * report every bad field of a request at once; the Account aggregate applies the same rules itself.
 */
public final class AccountFieldRules {

    /** Currencies the bank keeps accounts in. */
    public static final Set<String> CURRENCIES = Set.of("EUR", "USD", "GBP", "CNY", "JPY", "CHF");
    /** Free-text fields (references, reasons) are at most this many characters. */
    public static final int MAX_TEXT_LENGTH = 140;

    private AccountFieldRules() {
    }

    public static Currency checkCurrency(String code, Violations violations) {
        if (code == null || !CURRENCIES.contains(code)) {
            violations.add("currency_code", "must be one of " + String.join(", ", CURRENCIES.stream().sorted().toList()));
            return null;
        }
        return Currency.getInstance(code);
    }

    /**
     * An overdraft limit for an account of this product and currency (null or zero: none): only CURRENT
     * accounts have one, never negative, in the account's currency. Violations go under overdraft_limit.
     */
    public static void checkOverdraft(Money overdraft, AccountProduct product, Currency currency,
                                      Violations violations) {
        if (overdraft == null) {
            return;
        }
        if (product == AccountProduct.SAVINGS && overdraft.isPositive()) {
            violations.add("overdraft_limit", "only CURRENT accounts may have an overdraft");
        } else if (overdraft.isNegative()) {
            violations.add("overdraft_limit", "must not be negative");
        } else if (currency != null && !overdraft.currency().equals(currency)) {
            violations.add("overdraft_limit", "must be in the account's currency " + currency);
        }
    }

    public static Counterparty checkCounterparty(Counterparty counterparty) {
        Violations violations = new Violations();
        checkCounterparty(counterparty, violations);
        violations.throwIfAny();
        return counterparty;
    }

    public static void checkCounterparty(Counterparty counterparty, Violations violations) {
        if (counterparty == null || counterparty.type() == null) {
            violations.add("counterparty.type", "is required: EXTERNAL_CLEARING or TILL");
        }
        checkText("counterparty.reference", counterparty == null ? null : counterparty.reference(), violations);
    }

    public static String checkText(String field, String text) {
        Violations violations = new Violations();
        String checked = checkText(field, text, violations);
        violations.throwIfAny();
        return checked;
    }

    /** Required free text: 1-140 characters, no control characters, no outer white space. */
    public static String checkText(String field, String text, Violations violations) {
        if (text == null || text.isBlank()) {
            violations.add(field, "is required");
        } else if (!text.equals(text.strip())) {
            violations.add(field, "must not start or end with white space");
        } else if (text.codePointCount(0, text.length()) > MAX_TEXT_LENGTH) {
            violations.add(field, "must be at most " + MAX_TEXT_LENGTH + " characters");
        } else if (text.codePoints().anyMatch(cp -> Character.isISOControl(cp) || cp == 0xFFFD)) {
            violations.add(field, "must not contain control characters");
        } else {
            return text;
        }
        return null;
    }

}
