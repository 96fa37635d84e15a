package org.strongroom.account.api;

/** What a freeze blocks: debits only (credits still arrive), or every movement. */
public enum FreezeScope {
    DEBITS,
    ALL
}
