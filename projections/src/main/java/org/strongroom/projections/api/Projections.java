package org.strongroom.projections.api;

import java.util.List;

/** Names of the read models (Axon processing groups), as operators and the gateway refer to them. */
public final class Projections {

    public static final String CUSTOMER_VIEW = "customer-view";
    public static final String ACCOUNT_VIEW = "account-view";
    public static final String ACCOUNT_TRANSACTIONS = "account-transactions";
    public static final String APPROVAL_VIEW = "approval-view";
    public static final String TRANSFER_VIEW = "transfer-view";
    public static final String GENERAL_LEDGER = "general-ledger";
    public static final String LOAN_VIEW = "loan-view";

    /** Every projection an operator may rebuild. */
    public static final List<String> ALL = List.of(CUSTOMER_VIEW, ACCOUNT_VIEW, ACCOUNT_TRANSACTIONS, APPROVAL_VIEW,
            TRANSFER_VIEW, GENERAL_LEDGER, LOAN_VIEW);

    private Projections() {
    }
}
