package org.strongroom.kernel;

import java.util.List;

/**
 * Keys of the metadata every command carries and every event inherits (docs/architecture.md, "How a
 * mutating call travels"). Values are strings so any consumer can read them without our types.
 */
public final class MetadataKeys {

    public static final String PRINCIPAL_ID = "principalId";
    public static final String ROLE = "role";
    public static final String CHANNEL = "channel";
    public static final String BRANCH_ID = "branchId";
    public static final String TILL_ID = "tillId";
    /** For an AGENT: the customer whose identity the agent verified and acts for. */
    public static final String ACTING_FOR = "actingFor";
    /** On changes made through maker-checker: the approval, its maker and its checker. */
    public static final String APPROVAL_ID = "approvalId";
    public static final String MAKER_ID = "makerId";
    public static final String CHECKER_ID = "checkerId";
    public static final String CORRELATION_ID = "correlationId";
    public static final String CAUSATION_ID = "causationId";
    public static final String REQUEST_ID = "requestId";
    /** ISO-8601 date (yyyy-MM-dd) of the bank business day the change belongs to. */
    public static final String BUSINESS_DATE = "businessDate";

    /** Keys copied from a command onto the events it causes (causation is derived, not copied). */
    public static final List<String> PROPAGATED = List.of(
            PRINCIPAL_ID, ROLE, CHANNEL, BRANCH_ID, TILL_ID, ACTING_FOR, APPROVAL_ID, MAKER_ID, CHECKER_ID,
            CORRELATION_ID, REQUEST_ID, BUSINESS_DATE);

    private MetadataKeys() {
    }
}
