package org.strongroom.kernel;

/** How the outside world should read a {@link DomainException}: which kind of refusal it is. */
public enum Refusal {
    /** The request itself is malformed (bad field values). */
    INVALID_INPUT,
    /** A business rule refuses the operation in the current state. */
    BUSINESS_RULE,
    /** The addressed resource does not exist. */
    NOT_FOUND,
    /** The resource to be created already exists. */
    ALREADY_EXISTS,
    /** The caller may not do this to this resource (consent scope, cash, segregation of duties). */
    FORBIDDEN
}
