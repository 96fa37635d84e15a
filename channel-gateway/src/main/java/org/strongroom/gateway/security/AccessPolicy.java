package org.strongroom.gateway.security;

import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.strongroom.kernel.Role;
import org.strongroom.proto.account.v1.AccountServiceGrpc;
import org.strongroom.proto.admin.v1.BusinessDayServiceGrpc;
import org.strongroom.proto.admin.v1.ProjectionAdminServiceGrpc;
import org.strongroom.proto.loan.v1.LoanServiceGrpc;
import org.strongroom.proto.audit.v1.AuditServiceGrpc;
import org.strongroom.proto.customer.v1.CustomerServiceGrpc;
import org.strongroom.proto.ledger.v1.LedgerServiceGrpc;
import org.strongroom.proto.payment.v1.PaymentServiceGrpc;
import org.strongroom.proto.teller.v1.TellerServiceGrpc;

/**
 * Which roles may call which RPC: one table for every Strongroom method (a method missing here is
 * refused, and a test fails the build when a new RPC has no rule). Operators run projections but never
 * move money or read personal data; auditors only read. Object-level checks (whose account, which
 * consent) are {@link ObjectAccess}'s, in the services.
 */
public final class AccessPolicy {

    /** Everyone who serves or is a customer, bounded per object by {@link ObjectAccess}. */
    private static final Set<Role> ACCOUNT_READERS = EnumSet.of(Role.CUSTOMER, Role.TELLER, Role.SUPERVISOR,
            Role.AGENT, Role.PARTNER, Role.AUDITOR, Role.SYSTEM);
    /** Personal data: not partners (their consent covers accounts) and not operators. */
    private static final Set<Role> CUSTOMER_READERS = EnumSet.of(Role.CUSTOMER, Role.TELLER, Role.SUPERVISOR,
            Role.AGENT, Role.AUDITOR, Role.SYSTEM);
    /** A customer's own servicing: itself, branch staff, the agent it verified with, internal processes. */
    private static final Set<Role> SERVICING = EnumSet.of(Role.CUSTOMER, Role.TELLER, Role.SUPERVISOR,
            Role.AGENT, Role.SYSTEM);
    /** Payments out of an account: servicing plus partners with a payments consent. */
    private static final Set<Role> PAYERS = EnumSet.of(Role.CUSTOMER, Role.TELLER, Role.SUPERVISOR, Role.AGENT,
            Role.PARTNER, Role.SYSTEM);
    /** Money in (cash at a counter, clearing inbound) and holds: the bank's side only. */
    private static final Set<Role> BANK_SIDE = EnumSet.of(Role.TELLER, Role.SUPERVISOR, Role.SYSTEM);
    /** Customer onboarding happens at a branch or through the onboarding system (KYC). */
    private static final Set<Role> ONBOARDING = EnumSet.of(Role.TELLER, Role.SUPERVISOR, Role.SYSTEM);
    /** Branch staff requesting changes that a supervisor must approve (maker-checker). */
    private static final Set<Role> BRANCH_STAFF = EnumSet.of(Role.TELLER, Role.SUPERVISOR);
    /** The bank's own books: aggregated, no personal data beyond ids. */
    private static final Set<Role> LEDGER_READERS = EnumSet.of(Role.OPERATOR, Role.AUDITOR, Role.SYSTEM);
    private static final Set<Role> BRANCH_STAFF_AND_AUDITORS = EnumSet.of(Role.TELLER, Role.SUPERVISOR, Role.AUDITOR);
    /** A customer applies in its own channel, or a teller for it at a branch (not partners, not agents). */
    private static final Set<Role> LOAN_APPLICANTS = EnumSet.of(Role.CUSTOMER, Role.TELLER, Role.SUPERVISOR);
    /** A loan's own customer (and its agent), branch staff, auditors and internal processes. */
    private static final Set<Role> LOAN_READERS = EnumSet.of(Role.CUSTOMER, Role.TELLER, Role.SUPERVISOR,
            Role.AGENT, Role.AUDITOR, Role.SYSTEM);
    /** The bank's business day: operators run it, internal schedulers may too. */
    private static final Set<Role> DAY_RUNNERS = EnumSet.of(Role.OPERATOR, Role.SYSTEM);

    private static final Map<String, Set<Role>> RULES = Map.ofEntries(
            rule(CustomerServiceGrpc.getRegisterCustomerMethod().getFullMethodName(), ONBOARDING),
            rule(CustomerServiceGrpc.getGetCustomerMethod().getFullMethodName(), CUSTOMER_READERS),
            rule(CustomerServiceGrpc.getUpdateCustomerContactMethod().getFullMethodName(), SERVICING),
            rule(AccountServiceGrpc.getOpenAccountMethod().getFullMethodName(), SERVICING),
            rule(AccountServiceGrpc.getGetAccountMethod().getFullMethodName(), ACCOUNT_READERS),
            rule(AccountServiceGrpc.getListAccountsMethod().getFullMethodName(), ACCOUNT_READERS),
            rule(AccountServiceGrpc.getListTransactionsMethod().getFullMethodName(), ACCOUNT_READERS),
            rule(AccountServiceGrpc.getDepositFundsMethod().getFullMethodName(), BANK_SIDE),
            rule(AccountServiceGrpc.getWithdrawFundsMethod().getFullMethodName(), PAYERS),
            rule(AccountServiceGrpc.getPlaceHoldMethod().getFullMethodName(), BANK_SIDE),
            rule(AccountServiceGrpc.getReleaseHoldMethod().getFullMethodName(), BANK_SIDE),
            rule(AccountServiceGrpc.getFreezeAccountMethod().getFullMethodName(), SERVICING),
            rule(AccountServiceGrpc.getUnfreezeAccountMethod().getFullMethodName(), BRANCH_STAFF),
            rule(AccountServiceGrpc.getChangeOverdraftLimitMethod().getFullMethodName(), BRANCH_STAFF),
            rule(AccountServiceGrpc.getCloseAccountMethod().getFullMethodName(), SERVICING),
            rule(PaymentServiceGrpc.getTransferFundsMethod().getFullMethodName(), PAYERS),
            rule(LedgerServiceGrpc.getListJournalEntriesMethod().getFullMethodName(), LEDGER_READERS),
            rule(LedgerServiceGrpc.getListLedgerBalancesMethod().getFullMethodName(), LEDGER_READERS),
            rule(LedgerServiceGrpc.getGetTrialBalanceMethod().getFullMethodName(), LEDGER_READERS),
            rule(PaymentServiceGrpc.getGetTransferMethod().getFullMethodName(), ACCOUNT_READERS),
            rule(PaymentServiceGrpc.getListTransfersMethod().getFullMethodName(), ACCOUNT_READERS),
            rule(TellerServiceGrpc.getOpenTillMethod().getFullMethodName(), BRANCH_STAFF),
            rule(TellerServiceGrpc.getGetTillMethod().getFullMethodName(), BRANCH_STAFF_AND_AUDITORS),
            rule(TellerServiceGrpc.getTransferCashMethod().getFullMethodName(), BRANCH_STAFF),
            rule(TellerServiceGrpc.getCloseTillMethod().getFullMethodName(), BRANCH_STAFF),
            rule(TellerServiceGrpc.getListApprovalsMethod().getFullMethodName(), BRANCH_STAFF_AND_AUDITORS),
            rule(TellerServiceGrpc.getGetApprovalMethod().getFullMethodName(), BRANCH_STAFF_AND_AUDITORS),
            rule(TellerServiceGrpc.getGrantApprovalMethod().getFullMethodName(), EnumSet.of(Role.SUPERVISOR)),
            rule(TellerServiceGrpc.getRejectApprovalMethod().getFullMethodName(), EnumSet.of(Role.SUPERVISOR)),
            rule(ProjectionAdminServiceGrpc.getListProjectionsMethod().getFullMethodName(),
                    EnumSet.of(Role.OPERATOR, Role.AUDITOR, Role.SYSTEM)),
            rule(ProjectionAdminServiceGrpc.getRebuildProjectionMethod().getFullMethodName(),
                    EnumSet.of(Role.OPERATOR, Role.SYSTEM)),
            rule(LoanServiceGrpc.getListLoanProductsMethod().getFullMethodName(), EnumSet.allOf(Role.class)),
            rule(LoanServiceGrpc.getApplyForLoanMethod().getFullMethodName(), LOAN_APPLICANTS),
            rule(LoanServiceGrpc.getGetLoanMethod().getFullMethodName(), LOAN_READERS),
            rule(LoanServiceGrpc.getListLoansMethod().getFullMethodName(), LOAN_READERS),
            rule(LoanServiceGrpc.getGetRepaymentScheduleMethod().getFullMethodName(), LOAN_READERS),
            rule(LoanServiceGrpc.getGetPayoffQuoteMethod().getFullMethodName(), LOAN_READERS),
            rule(LoanServiceGrpc.getRepayLoanMethod().getFullMethodName(), SERVICING),
            rule(LoanServiceGrpc.getWriteOffLoanMethod().getFullMethodName(), EnumSet.of(Role.SUPERVISOR)),
            rule(LoanServiceGrpc.getRecordRecoveryMethod().getFullMethodName(), BANK_SIDE),
            rule(LoanServiceGrpc.getGetPortfolioSummaryMethod().getFullMethodName(),
                    EnumSet.of(Role.OPERATOR, Role.AUDITOR, Role.SUPERVISOR, Role.SYSTEM)),
            rule(BusinessDayServiceGrpc.getGetBusinessDayMethod().getFullMethodName(), EnumSet.allOf(Role.class)),
            rule(BusinessDayServiceGrpc.getRunCloseOfBusinessMethod().getFullMethodName(), DAY_RUNNERS),
            rule(BusinessDayServiceGrpc.getGetCloseOfBusinessMethod().getFullMethodName(),
                    EnumSet.of(Role.OPERATOR, Role.AUDITOR, Role.SYSTEM)),
            rule(AuditServiceGrpc.getListActivitiesMethod().getFullMethodName(), EnumSet.of(Role.AUDITOR, Role.SYSTEM)),
            rule(AuditServiceGrpc.getListAccessLogEntriesMethod().getFullMethodName(),
                    EnumSet.of(Role.AUDITOR, Role.SYSTEM)));

    private AccessPolicy() {
    }

    private static Map.Entry<String, Set<Role>> rule(String method, Set<Role> roles) {
        return Map.entry(method, Set.copyOf(roles));
    }

    /** The roles allowed to call the method, or empty if the method has no rule. */
    public static Optional<Set<Role>> rolesFor(String fullMethodName) {
        return Optional.ofNullable(RULES.get(fullMethodName));
    }

    public static boolean permits(String fullMethodName, Role role) {
        return rolesFor(fullMethodName).map(roles -> roles.contains(role)).orElse(false);
    }
}
