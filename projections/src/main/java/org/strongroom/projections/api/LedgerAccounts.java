package org.strongroom.projections.api;

import java.util.List;
import org.strongroom.account.api.AccountProduct;

/**
 * The chart of accounts. Codes are stable: auditors and reports refer to them. Balances are kept per
 * currency; a debit-normal account (assets, expenses, transit) grows with debits, a credit-normal one
 * (liabilities, income) with credits.
 */
public final class LedgerAccounts {

    /** Customer deposits (liability), one control account per product: the sum of its accounts' balances. */
    public static final String DEPOSITS_CURRENT = "2100-DEPOSITS-CURRENT";
    public static final String DEPOSITS_SAVINGS = "2110-DEPOSITS-SAVINGS";
    /** Cash held at the clearing system (asset): incoming and outgoing payments. */
    public static final String EXTERNAL_CLEARING = "1100-EXTERNAL-CLEARING";
    /** Cash in tellers' tills (asset). */
    public static final String TILL_CASH = "1010-TILL-CASH";
    /** Cash in branch vaults (asset). */
    public static final String VAULT_CASH = "1000-VAULT-CASH";
    /** Loans to customers (asset). */
    public static final String LOANS_RECEIVABLE = "1300-LOANS-RECEIVABLE";
    /** Money between two customer accounts while a transfer is in flight (suspense). */
    public static final String TRANSIT = "1900-TRANSIT";
    /** Till counts above (credit) or below (debit) what the till should hold. */
    public static final String CASH_OVER_SHORT = "5900-CASH-OVER-SHORT";
    public static final String INTEREST_INCOME = "4000-INTEREST-INCOME";
    public static final String FEE_INCOME = "4100-FEE-INCOME";
    public static final String INTEREST_EXPENSE = "5000-INTEREST-EXPENSE";
    /** Written-off loans (expense). */
    public static final String LOAN_LOSSES = "5100-LOAN-LOSSES";
    /** Money recovered on written-off loans (income). */
    public static final String LOAN_RECOVERIES = "4200-LOAN-RECOVERIES";

    /** Every account of the chart, with its name and normal side. */
    public static final List<LedgerAccount> CHART = List.of(
            new LedgerAccount(VAULT_CASH, "Vault cash", Side.DEBIT),
            new LedgerAccount(TILL_CASH, "Teller till cash", Side.DEBIT),
            new LedgerAccount(EXTERNAL_CLEARING, "External clearing", Side.DEBIT),
            new LedgerAccount(LOANS_RECEIVABLE, "Loans receivable", Side.DEBIT),
            new LedgerAccount(TRANSIT, "Transit (transfers in flight)", Side.DEBIT),
            new LedgerAccount(DEPOSITS_CURRENT, "Customer deposits: current accounts", Side.CREDIT),
            new LedgerAccount(DEPOSITS_SAVINGS, "Customer deposits: savings accounts", Side.CREDIT),
            new LedgerAccount(INTEREST_INCOME, "Interest income", Side.CREDIT),
            new LedgerAccount(FEE_INCOME, "Fee income", Side.CREDIT),
            new LedgerAccount(LOAN_RECOVERIES, "Recoveries on written-off loans", Side.CREDIT),
            new LedgerAccount(INTEREST_EXPENSE, "Interest expense", Side.DEBIT),
            new LedgerAccount(LOAN_LOSSES, "Loan losses (write-offs)", Side.DEBIT),
            new LedgerAccount(CASH_OVER_SHORT, "Cash over and short", Side.DEBIT));

    public enum Side {
        DEBIT,
        CREDIT
    }

    public record LedgerAccount(String code, String name, Side normalSide) {
    }

    private LedgerAccounts() {
    }

    /** The control account of a customer deposit product. */
    public static String deposits(AccountProduct product) {
        return switch (product) {
            case CURRENT -> DEPOSITS_CURRENT;
            case SAVINGS -> DEPOSITS_SAVINGS;
        };
    }
}
