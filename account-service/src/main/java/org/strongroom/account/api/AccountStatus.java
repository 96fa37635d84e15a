package org.strongroom.account.api;

public enum AccountStatus {
    OPEN,
    CLOSED
}
