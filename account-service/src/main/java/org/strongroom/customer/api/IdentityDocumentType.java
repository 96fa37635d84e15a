package org.strongroom.customer.api;

/** Identification documents the bank accepts for know-your-customer checks. */
public enum IdentityDocumentType {
    PASSPORT,
    NATIONAL_ID,
    DRIVING_LICENCE,
    RESIDENCE_PERMIT
}
