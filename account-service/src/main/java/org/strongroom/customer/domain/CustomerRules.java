package org.strongroom.customer.domain;

import java.time.LocalDate;
import java.util.Locale;
import java.util.regex.Pattern;
import org.strongroom.customer.api.IdentityDocument;
import org.strongroom.kernel.CountryCodes;
import org.strongroom.kernel.Violations;

/**
 * Field rules for customer data. Each check names the public API field it guards, and normalises where
 * a value has one canonical spelling (document numbers).
 */
final class CustomerRules {

    static final int MAX_NAME_LENGTH = 200;
    static final int MAX_AGE_YEARS = 130;
    static final int MAX_EMAIL_LENGTH = 254;

    // Local part and dotted domain of at least two labels; deliberately stricter than RFC 5322 (no quoted
    // local parts, no IP literals) because contact data must be deliverable, not merely parseable.
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    + "@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");
    // E.164: "+", country code without leading zero, at most 15 digits in all; 8 is the shortest in use.
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{7,14}");
    private static final Pattern DOCUMENT_NUMBER = Pattern.compile("[A-Z0-9]([A-Z0-9 -]{1,30})[A-Z0-9]");

    private CustomerRules() {
    }

    static void checkFullName(String fullName, Violations violations) {
        if (fullName == null || fullName.isBlank()) {
            violations.add("full_name", "is required");
        } else if (!fullName.equals(fullName.strip())) {
            violations.add("full_name", "must not start or end with white space");
        } else if (fullName.codePointCount(0, fullName.length()) > MAX_NAME_LENGTH) {
            violations.add("full_name", "must be at most " + MAX_NAME_LENGTH + " characters");
        } else if (fullName.codePoints().anyMatch(cp -> Character.isISOControl(cp) || cp == 0xFFFD)) {
            violations.add("full_name", "must not contain control characters");
        } else if (fullName.codePoints().noneMatch(Character::isLetter)) {
            violations.add("full_name", "must contain at least one letter");
        }
    }

    static void checkDateOfBirth(LocalDate dateOfBirth, LocalDate businessDate, Violations violations) {
        if (dateOfBirth == null) {
            violations.add("date_of_birth", "is required");
        } else if (dateOfBirth.isAfter(businessDate)) {
            violations.add("date_of_birth", "must not be after the business date " + businessDate);
        } else if (dateOfBirth.isBefore(businessDate.minusYears(MAX_AGE_YEARS))) {
            violations.add("date_of_birth", "must be within the last " + MAX_AGE_YEARS + " years");
        }
    }

    /** Returns the document with its number normalised, or null if invalid (violations recorded). */
    static IdentityDocument checkIdentityDocument(IdentityDocument document, Violations violations) {
        if (document == null) {
            violations.add("identity_document", "is required");
            return null;
        }
        boolean valid = true;
        if (document.type() == null) {
            violations.add("identity_document.type", "is required");
            valid = false;
        }
        if (!CountryCodes.isValid(document.issuingCountryCode())) {
            violations.add("identity_document.issuing_country_code",
                    "must be an ISO 3166-1 alpha-2 code in upper case, e.g. DE");
            valid = false;
        }
        String number = normaliseDocumentNumber(document.number());
        if (number == null || !DOCUMENT_NUMBER.matcher(number).matches()) {
            violations.add("identity_document.number",
                    "must be 3-32 letters, digits, spaces or hyphens, starting and ending with a letter or digit");
            valid = false;
        }
        return valid ? new IdentityDocument(document.type(), document.issuingCountryCode(), number) : null;
    }

    static void checkEmail(String field, String email, Violations violations) {
        if (email == null || email.isEmpty()) {
            violations.add(field, "is required");
        } else if (email.length() > MAX_EMAIL_LENGTH) {
            violations.add(field, "must be at most " + MAX_EMAIL_LENGTH + " characters");
        } else if (!EMAIL.matcher(email).matches() || email.indexOf('@') > 64) {
            violations.add(field, "must be an email address such as name@example.com");
        }
    }

    static void checkPhone(String field, String phone, Violations violations) {
        if (phone == null || phone.isEmpty()) {
            violations.add(field, "is required");
        } else if (!E164.matcher(phone).matches()) {
            violations.add(field, "must be in E.164 format, e.g. +447700900123");
        }
    }

    static void checkCountry(String field, String country, Violations violations) {
        if (!CountryCodes.isValid(country)) {
            violations.add(field, "must be an ISO 3166-1 alpha-2 code in upper case, e.g. DE");
        }
    }

    private static String normaliseDocumentNumber(String number) {
        if (number == null) {
            return null;
        }
        return number.strip().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
    }
}
