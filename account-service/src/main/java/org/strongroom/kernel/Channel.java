package org.strongroom.kernel;

/** Canonical channels a call can arrive through (docs/architecture.md, "Callers"). */
public enum Channel {
    ONLINE,
    MOBILE,
    PARTNER,
    BRANCH,
    SELF_SERVICE,
    CONTACT_CENTER,
    SYSTEM
}
