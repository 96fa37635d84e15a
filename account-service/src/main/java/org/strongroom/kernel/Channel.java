package org.strongroom.kernel;

/** Canonical channels a call can arrive through (DESIGN.md "Channel model and security"). */
public enum Channel {
    ONLINE,
    MOBILE,
    PARTNER,
    BRANCH,
    SELF_SERVICE,
    CONTACT_CENTER,
    SYSTEM
}
