package org.strongroom.projections.api;

import java.util.List;
import java.util.Map;

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

    /**
     * The read-your-writes views, written in the transaction of the write that changes them (Axon
     * subscribing processors), and the tables each owns, parents before children. A rebuild replays the
     * events into copies of exactly these tables and swaps them in.
     */
    public static final Map<String, List<String>> SAME_TRANSACTION_VIEWS = Map.of(
            CUSTOMER_VIEW, List.of("customer_view"),
            ACCOUNT_VIEW, List.of("account_view", "account_hold"),
            ACCOUNT_TRANSACTIONS, List.of("account_transaction"),
            APPROVAL_VIEW, List.of("approval_view"),
            TRANSFER_VIEW, List.of("transfer_view"),
            LOAN_VIEW, List.of("loan_view", "loan_instalment_view"));

    private Projections() {
    }
}
