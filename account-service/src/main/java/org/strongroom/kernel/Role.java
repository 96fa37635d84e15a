package org.strongroom.kernel;

/** Canonical caller roles (docs/architecture.md, "Callers"). */
public enum Role {
    CUSTOMER,
    TELLER,
    SUPERVISOR,
    AGENT,
    PARTNER,
    OPERATOR,
    AUDITOR,
    SYSTEM;

    /** Staff work at a branch counter and must say which branch. */
    public boolean requiresBranch() {
        return this == TELLER || this == SUPERVISOR;
    }
}
