package org.strongroom.customer.api;

/**
 * An identification document. In events the number is normalised (upper case, single spaces), so two
 * spellings of the same document compare equal.
 */
public record IdentityDocument(IdentityDocumentType type, String issuingCountryCode, String number) {
}
