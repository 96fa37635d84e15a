package org.strongroom.account.domain;

import java.util.Currency;
import java.util.Set;
import org.strongroom.account.api.Counterparty;
import org.strongroom.kernel.Violations;

/** Field rules for account commands, each naming the public API field it guards. */
final class AccountRules {

    /** Currencies the bank keeps accounts in. */
    static final Set<String> CURRENCIES = Set.of("EUR", "USD", "GBP", "CNY", "JPY", "CHF");

    private AccountRules() {
    }

    static Currency checkCurrency(String code, Violations violations) {
        if (code == null || !CURRENCIES.contains(code)) {
            violations.add("currency_code", "must be one of " + String.join(", ", CURRENCIES.stream().sorted().toList()));
            return null;
        }
        return Currency.getInstance(code);
    }

    static Counterparty checkCounterparty(Counterparty counterparty) {
        Violations violations = new Violations();
        if (counterparty == null || counterparty.type() == null) {
            violations.add("counterparty.type", "is required, e.g. EXTERNAL_CLEARING");
        }
        String reference = checkText("counterparty.reference", counterparty == null ? null : counterparty.reference(),
                violations);
        violations.throwIfAny();
        return new Counterparty(counterparty.type(), reference);
    }

    static String checkText(String field, String text) {
        Violations violations = new Violations();
        String checked = checkText(field, text, violations);
        violations.throwIfAny();
        return checked;
    }

    /** Required free text: 1-140 characters, no control characters, no outer white space. */
    static String checkText(String field, String text, Violations violations) {
        if (text == null || text.isBlank()) {
            violations.add(field, "is required");
        } else if (!text.equals(text.strip())) {
            violations.add(field, "must not start or end with white space");
        } else if (text.codePointCount(0, text.length()) > Account.MAX_TEXT_LENGTH) {
            violations.add(field, "must be at most " + Account.MAX_TEXT_LENGTH + " characters");
        } else if (text.codePoints().anyMatch(cp -> Character.isISOControl(cp) || cp == 0xFFFD)) {
            violations.add(field, "must not contain control characters");
        } else {
            return text;
        }
        return null;
    }

}
