package org.strongroom.account.api;

/** Where money enters or leaves the bank (DESIGN.md invariant 1). Tills and the vault come with tellers. */
public enum CounterpartyType {
    EXTERNAL_CLEARING
}
