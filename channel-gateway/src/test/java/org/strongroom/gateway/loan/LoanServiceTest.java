package org.strongroom.gateway.loan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.strongroom.gateway.GrpcErrors.assertError;
import static org.strongroom.gateway.GrpcErrors.assertInvalidFields;

import com.google.rpc.ErrorInfo;
import com.google.type.Date;
import com.google.type.Money;
import io.grpc.Metadata;
import io.grpc.Status;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.gateway.AccountFixtures;
import org.strongroom.gateway.grpc.ProtoTime;
import org.strongroom.node.NodeTest;
import org.strongroom.node.TestTokens;
import org.strongroom.node.time.BusinessDateService;
import org.strongroom.projections.api.LedgerAccounts;
import org.strongroom.proto.account.v1.AccountProduct;
import org.strongroom.proto.account.v1.CloseAccountRequest;
import org.strongroom.proto.account.v1.CounterpartyType;
import org.strongroom.proto.account.v1.ListTransactionsRequest;
import org.strongroom.proto.account.v1.OpenAccountRequest;
import org.strongroom.proto.account.v1.Transaction;
import org.strongroom.proto.account.v1.TransactionDirection;
import org.strongroom.proto.account.v1.WithdrawFundsRequest;
import org.strongroom.proto.admin.v1.BusinessDayServiceGrpc;
import org.strongroom.proto.admin.v1.CloseOfBusinessState;
import org.strongroom.proto.admin.v1.GetBusinessDayRequest;
import org.strongroom.proto.admin.v1.RunCloseOfBusinessRequest;
import org.strongroom.proto.loan.v1.ApplyForLoanRequest;
import org.strongroom.proto.loan.v1.ApplyForLoanResponse;
import org.strongroom.proto.loan.v1.CreditOutcome;
import org.strongroom.proto.loan.v1.DelinquencyBucket;
import org.strongroom.proto.loan.v1.GetLoanRequest;
import org.strongroom.proto.loan.v1.GetPayoffQuoteRequest;
import org.strongroom.proto.loan.v1.GetPayoffQuoteResponse;
import org.strongroom.proto.loan.v1.GetPortfolioSummaryRequest;
import org.strongroom.proto.loan.v1.GetPortfolioSummaryResponse;
import org.strongroom.proto.loan.v1.GetRepaymentScheduleRequest;
import org.strongroom.proto.loan.v1.ListLoansRequest;
import org.strongroom.proto.loan.v1.ListLoansResponse;
import org.strongroom.proto.loan.v1.Loan;
import org.strongroom.proto.loan.v1.LoanServiceGrpc;
import org.strongroom.proto.loan.v1.LoanStatus;
import org.strongroom.proto.loan.v1.PortfolioLine;
import org.strongroom.proto.loan.v1.PrepaymentMode;
import org.strongroom.proto.loan.v1.RecordRecoveryRequest;
import org.strongroom.proto.loan.v1.RecordRecoveryResponse;
import org.strongroom.proto.loan.v1.RepayLoanRequest;
import org.strongroom.proto.loan.v1.WriteOffLoanRequest;
import org.strongroom.proto.loan.v1.WriteOffLoanResponse;
import org.strongroom.proto.teller.v1.Approval;
import org.strongroom.proto.teller.v1.ApprovalKind;
import org.strongroom.proto.teller.v1.ApprovalStatus;
import org.strongroom.proto.teller.v1.GetApprovalRequest;
import org.strongroom.proto.teller.v1.GrantApprovalRequest;
import org.strongroom.proto.teller.v1.GrantApprovalResponse;
import org.strongroom.proto.teller.v1.RejectApprovalRequest;
import org.strongroom.proto.teller.v1.TellerServiceGrpc;

/**
 * LoanService and BusinessDayService at their edges, over gRPC: every refusal has its precise status and
 * reason and changes nothing (no loan, no money moved); idempotent applications; maker-checker on loans
 * above the auto-approval limit; repayments, quotes, write-off and recovery with their ledger postings;
 * who may run the business day and read the portfolio.
 */
class LoanServiceTest extends NodeTest {

    private static final String PERSONAL = "PERSONAL-EUR";
    private static final String BRANCH = "branch-1";

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    BusinessDateService businessDate;
    @Autowired
    org.strongroom.node.loan.LoanProperties loanProperties;

    private LoanFixtures fixtures;
    private AccountFixtures accounts;

    @BeforeEach
    void setUp() {
        fixtures = new LoanFixtures(channel(), jdbc, businessDate);
        accounts = new AccountFixtures(channel());
        fixtures.resetBusinessDate();
    }

    @AfterEach
    void tearDown() {
        fixtures.resetBusinessDate();
    }

    // ---------------------------------------------------------------------------------------------------
    // helpers

    private static String id() {
        return UUID.randomUUID().toString();
    }

    private static Money eur(long units, int cents) {
        return AccountFixtures.eur(units, cents);
    }

    private static Money money(String currency, long units, int nanos) {
        return Money.newBuilder().setCurrencyCode(currency).setUnits(units).setNanos(nanos).build();
    }

    private static BigDecimal amount(Money money) {
        return BigDecimal.valueOf(money.getUnits()).add(BigDecimal.valueOf(money.getNanos(), 9))
                .setScale(2, RoundingMode.UNNECESSARY);
    }

    private static Money toMoney(BigDecimal value) {
        BigDecimal units = value.setScale(0, RoundingMode.DOWN);
        return Money.newBuilder().setCurrencyCode("EUR").setUnits(units.longValueExact())
                .setNanos(value.subtract(units).movePointRight(9).intValueExact()).build();
    }

    private static Date date(LocalDate day) {
        return ProtoTime.toProto(day);
    }

    private static Metadata teller(String who) {
        return TestTokens.staff(who, "TELLER", BRANCH);
    }

    private static Metadata supervisor(String who, String branch) {
        return TestTokens.staff(who, "SUPERVISOR", branch);
    }

    private LoanServiceGrpc.LoanServiceBlockingStub loans(Metadata as) {
        return fixtures.loans(as);
    }

    private TellerServiceGrpc.TellerServiceBlockingStub approvals(Metadata as) {
        return as(TellerServiceGrpc.newBlockingStub(channel()), as).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private BusinessDayServiceGrpc.BusinessDayServiceBlockingStub days(Metadata as) {
        return as(BusinessDayServiceGrpc.newBlockingStub(channel()), as).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** A customer with a brand-new EUR account holding {@code units} euros: no history at all. */
    private LoanFixtures.Seasoned newcomer(long units) {
        String customerId = accounts.customer();
        String accountId = openAccount(customerId, "EUR");
        if (units > 0) {
            accounts.clearingFeed().depositFunds(AccountFixtures.deposit(accountId, eur(units, 0)));
        }
        return new LoanFixtures.Seasoned(customerId, accountId);
    }

    private String openAccount(String customerId, String currency) {
        return accounts.accounts().openAccount(OpenAccountRequest.newBuilder().setRequestId(id())
                .setCustomerId(customerId).setProduct(AccountProduct.ACCOUNT_PRODUCT_CURRENT)
                .setCurrencyCode(currency).build()).getAccount().getAccountId();
    }

    /** A seasoned customer with a disbursed PERSONAL-EUR loan of {@code units} euros over 12 months. */
    private Loan activeLoan(LoanFixtures.Seasoned borrower, long units) {
        Loan loan = loans(borrower.customer()).applyForLoan(LoanFixtures.application(borrower, PERSONAL, units, 12)
                .build()).getLoan();
        assertThat(loan.getStatus()).isEqualTo(LoanStatus.LOAN_STATUS_ACTIVE);
        return loan;
    }

    private Loan getLoan(String loanId) {
        return loans(teller("teller-reads")).getLoan(GetLoanRequest.newBuilder().setLoanId(loanId).build()).getLoan();
    }

    private long loansOf(String customerId) {
        return jdbc.queryForObject("SELECT count(*) FROM loan_view WHERE customer_id = ?", Long.class, customerId);
    }

    /** Loan applications ever recorded (the event store, not a view): a refused one must add none. */
    private long applicationsRecorded() {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE payload_type LIKE '%LoanAppliedEvent'",
                Long.class);
    }

    private long eventsOf(String aggregateId) {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ?",
                Long.class, aggregateId);
    }

    private List<Transaction> statement(String accountId) {
        return accounts.accounts().listTransactions(ListTransactionsRequest.newBuilder().setAccountId(accountId)
                .setPageSize(200).build()).getTransactionsList();
    }

    /** What the general ledger posted to {@code ledgerAccount} on one side for one subject, once it caught up. */
    private BigDecimal posted(String subjectId, String ledgerAccount, String direction, BigDecimal expected)
            throws InterruptedException {
        Instant giveUp = Instant.now().plusSeconds(30);
        BigDecimal sum;
        do {
            sum = jdbc.queryForObject("""
                    SELECT COALESCE(SUM(l.amount), 0) FROM journal_line l
                    JOIN journal_entry e ON e.entry_position = l.entry_position
                    WHERE e.subject_id = ? AND l.ledger_account = ? AND l.direction = ?""",
                    BigDecimal.class, subjectId, ledgerAccount, direction);
            if (sum.compareTo(expected) == 0) {
                return sum;
            }
            Thread.sleep(50);
        } while (Instant.now().isBefore(giveUp));
        return sum;
    }

    private void emptyAccountDownTo(String accountId, long keepUnits) {
        BigDecimal out = fixtures.balance(accountId).subtract(BigDecimal.valueOf(keepUnits));
        accounts.clearingFeed().withdrawFunds(WithdrawFundsRequest.newBuilder().setRequestId(id())
                .setAccountId(accountId).setAmount(toMoney(out))
                .setCounterparty(AccountFixtures.clearing("OUT-" + id())).build());
    }

    // ---------------------------------------------------------------------------------------------------
    // ApplyForLoan

    @Test
    void hostileApplicationsAreRefusedPreciselyAndRecordNothing() {
        LoanFixtures.Seasoned applicant = newcomer(100);
        LoanFixtures.Seasoned other = newcomer(100);
        var customer = loans(applicant.customer());
        long recorded = applicationsRecorded();
        Supplier<ApplyForLoanRequest.Builder> valid = () -> LoanFixtures.application(applicant, PERSONAL, 1000, 12);

        // The term: absurd values at the edge, and the product's range (3-60) in the loan.
        for (int instalments : new int[] {0, -1, Integer.MIN_VALUE, 10_000, 601, 2, 61}) {
            assertInvalidFields(() -> customer.applyForLoan(valid.get().setInstalments(instalments).build()),
                    "instalments");
        }
        // The principal: not positive, absurd, beyond the largest amount the bank accepts, more decimals than
        // the currency has, outside the product's range (500-25000), in another currency than the product's.
        for (Money principal : List.of(eur(-1000, 0), eur(0, 0), eur(0, -1), eur(1_000_000_000_000L, 0),
                eur(Long.MAX_VALUE, 0), money("EUR", 1000, 1_000_000), eur(499, 99), eur(25_000, 1),
                money("USD", 1000, 0), money("XXX", 1000, 0))) {
            var expected = principal.getCurrencyCode().equals("XXX") ? "principal.currency_code" : "principal";
            assertInvalidFields(() -> customer.applyForLoan(valid.get().setPrincipal(principal).build()), expected);
        }
        assertInvalidFields(() -> customer.applyForLoan(valid.get().clearPrincipal().build()), "principal");
        // Declared income: required, positive, in the product's currency.
        assertInvalidFields(() -> customer.applyForLoan(valid.get().clearDeclaredMonthlyIncome().build()),
                "declared_monthly_income");
        assertInvalidFields(() -> customer.applyForLoan(valid.get().setDeclaredMonthlyIncome(eur(0, 0)).build()),
                "declared_monthly_income");
        assertInvalidFields(() -> customer.applyForLoan(valid.get().setDeclaredMonthlyIncome(eur(-4000, 0)).build()),
                "declared_monthly_income");
        // A product lending USD into a EUR account, with EUR amounts: every mismatch at once.
        assertInvalidFields(() -> customer.applyForLoan(valid.get().setProductCode("CONSUMER-USD").build()),
                "account_id", "principal", "declared_monthly_income.currency_code");
        // The product's range of amount and term, both at once.
        assertInvalidFields(() -> customer.applyForLoan(valid.get().setPrincipal(eur(100, 0)).setInstalments(2)
                .build()), "principal", "instalments");
        // Several bad fields of the first pass are reported together.
        assertInvalidFields(() -> customer.applyForLoan(valid.get().setAccountId("").setPrincipal(eur(-1, 0))
                .clearDeclaredMonthlyIncome().setInstalments(0).setProductCode("").build()),
                "account_id", "principal", "declared_monthly_income", "instalments", "product_code");
        assertInvalidFields(() -> customer.applyForLoan(valid.get().setRequestId("").build()), "request_id");
        assertInvalidFields(() -> customer.applyForLoan(valid.get().setRequestId("../../etc").build()), "request_id");

        // Unknown product.
        ErrorInfo product = assertError(() -> customer.applyForLoan(valid.get().setProductCode("PAYDAY-EUR").build()),
                Status.Code.NOT_FOUND, "LOAN_PRODUCT_NOT_FOUND");
        assertThat(product.getMetadataMap()).containsEntry("product_code", "PAYDAY-EUR");
        assertError(() -> customer.applyForLoan(valid.get().setProductCode("personal-eur").build()),
                Status.Code.NOT_FOUND, "LOAN_PRODUCT_NOT_FOUND");

        // Malformed ids.
        for (String bad : List.of("", "not-an-id", applicant.customerId().toUpperCase(), applicant.customerId() + " ",
                "' OR 1=1 --")) {
            assertInvalidFields(() -> customer.applyForLoan(valid.get().setCustomerId(bad).build()), "customer_id");
        }
        for (String bad : List.of("", "acc-1", applicant.accountId().toUpperCase(), "../" + applicant.accountId())) {
            assertInvalidFields(() -> customer.applyForLoan(valid.get().setAccountId(bad).build()), "account_id");
        }

        // Someone else's account reads as unknown, for the customer and for a teller alike.
        for (String account : List.of(other.accountId(), id())) {
            ErrorInfo notFound = assertError(() -> customer.applyForLoan(valid.get().setAccountId(account).build()),
                    Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND");
            assertThat(notFound.getMetadataMap()).containsEntry("account_id", account);
            assertError(() -> loans(teller("teller-x")).applyForLoan(valid.get().setAccountId(account).build()),
                    Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND");
        }
        // The applicant's own account, but closed.
        String closedAccount = openAccount(applicant.customerId(), "EUR");
        accounts.accounts().closeAccount(CloseAccountRequest.newBuilder().setRequestId(id())
                .setAccountId(closedAccount).build());
        assertError(() -> customer.applyForLoan(valid.get().setAccountId(closedAccount).build()),
                Status.Code.FAILED_PRECONDITION, "ACCOUNT_CLOSED");
        // A customer applying for another customer: unknown customer, whatever else is wrong.
        assertError(() -> customer.applyForLoan(LoanFixtures.application(other, PERSONAL, 1000, 12).build()),
                Status.Code.NOT_FOUND, "CUSTOMER_NOT_FOUND");
        assertError(() -> customer.applyForLoan(LoanFixtures.application(other, "NO-SUCH", -5, 0).build()),
                Status.Code.NOT_FOUND, "CUSTOMER_NOT_FOUND");

        // Roles that never apply for loans.
        for (Metadata refused : List.of(
                TestTokens.partner("fintech-1", "payments:initiate", List.of(applicant.accountId())),
                LoanFixtures.operator(), TestTokens.agent("agent-1", applicant.customerId()),
                TestTokens.headers("auditor-1", "AUDITOR", "SYSTEM", claims -> { }))) {
            ErrorInfo denied = assertError(() -> loans(refused).applyForLoan(valid.get().build()),
                    Status.Code.PERMISSION_DENIED, "ROLE_NOT_PERMITTED");
            assertThat(denied.getMetadataMap()).containsKey("role");
        }

        assertThat(applicationsRecorded()).isEqualTo(recorded);
        assertThat(loansOf(applicant.customerId())).isZero();
        assertThat(loansOf(other.customerId())).isZero();
        assertThat(fixtures.balance(applicant.accountId())).isEqualByComparingTo("100");
        assertThat(loans(applicant.customer()).listLoans(ListLoansRequest.newBuilder()
                .setCustomerId(applicant.customerId()).build()).getLoansList()).isEmpty();
    }

    @Test
    void theSameRequestIdGivesTheSameLoanOnce() throws InterruptedException {
        LoanFixtures.Seasoned borrower = fixtures.seasonedCustomer(2000);
        var customer = loans(borrower.customer());
        BigDecimal before = fixtures.balance(borrower.accountId());
        ApplyForLoanRequest request = LoanFixtures.application(borrower, PERSONAL, 1000, 12).build();

        ApplyForLoanResponse first = customer.applyForLoan(request);
        ApplyForLoanResponse again = customer.applyForLoan(request);
        assertThat(first.getLoan().getStatus()).isEqualTo(LoanStatus.LOAN_STATUS_ACTIVE);
        assertThat(first.getDisbursementTransactionId()).isNotEmpty();
        assertThat(again).isEqualTo(first);
        assertThat(fixtures.balance(borrower.accountId())).isEqualByComparingTo(before.add(new BigDecimal("1000")));
        assertThat(loansOf(borrower.customerId())).isEqualTo(1);
        assertThat(statement(borrower.accountId())).filteredOn(t -> t.getCounterparty().getType()
                == CounterpartyType.COUNTERPARTY_TYPE_LOAN).singleElement()
                .satisfies(t -> assertThat(t.getTransactionId()).isEqualTo(first.getDisbursementTransactionId()));

        // The same key for another loan is refused, and changes nothing.
        assertError(() -> customer.applyForLoan(request.toBuilder().setPrincipal(eur(1100, 0)).build()),
                Status.Code.ALREADY_EXISTS, "REQUEST_ID_REUSED");
        assertError(() -> customer.applyForLoan(request.toBuilder().setInstalments(24).build()),
                Status.Code.ALREADY_EXISTS, "REQUEST_ID_REUSED");
        assertThat(fixtures.balance(borrower.accountId())).isEqualByComparingTo(before.add(new BigDecimal("1000")));
        assertThat(loansOf(borrower.customerId())).isEqualTo(1);
        fixtures.assertLedgerBalanced();
    }

    @Test
    void anAccountWithoutHistoryIsReferredOrRejectedAndNothingIsDisbursed() {
        LoanFixtures.Seasoned newcomer = newcomer(100);
        var customer = loans(newcomer.customer());

        // Score 40 of 100 (no age, no balance, no inflows): the review band, referred to the loan desk.
        Loan referred = customer.applyForLoan(LoanFixtures.application(newcomer, PERSONAL, 1000, 12).build())
                .getLoan();
        assertThat(referred.getStatus()).isEqualTo(LoanStatus.LOAN_STATUS_PENDING_REVIEW);
        assertThat(referred.getDecision().getOutcome()).isEqualTo(CreditOutcome.CREDIT_OUTCOME_MANUAL_REVIEW);
        assertThat(referred.getDecision().getScore()).isEqualTo(40);
        assertThat(referred.getDecision().getScorecardVersion()).isEqualTo("SC-2026.1");
        assertThat(referred.getDecision().getReasonsList()).contains("ACCOUNT_YOUNGER_THAN_90_DAYS",
                "AVERAGE_BALANCE_BELOW_1_INSTALMENT", "NO_REGULAR_INFLOWS");
        assertThat(referred.getReferralReasonsList()).containsExactly("SCORE_IN_REVIEW_BAND");
        assertThat(referred.getApprovalId()).isNotEmpty();
        assertThat(referred.hasDisbursementDate()).isFalse();
        assertThat(amount(referred.getPrincipalOutstanding())).isZero();
        // An application in the customer's own channel waits at the loan desk, not at any branch.
        Approval approval = approvals(supervisor("officer-1", "loan-desk")).getApproval(GetApprovalRequest
                .newBuilder().setApprovalId(referred.getApprovalId()).build()).getApproval();
        assertThat(approval.getKind()).isEqualTo(ApprovalKind.APPROVAL_KIND_LOAN_DECISION);
        assertThat(approval.getStatus()).isEqualTo(ApprovalStatus.APPROVAL_STATUS_PENDING);
        assertThat(approval.getBranchId()).isEqualTo("loan-desk");
        assertThat(approval.getTransactionId()).isEqualTo(referred.getLoanId());
        assertThat(approval.getMakerId()).isEqualTo(newcomer.customerId());
        assertError(() -> approvals(supervisor("sup-1", BRANCH)).getApproval(GetApprovalRequest.newBuilder()
                .setApprovalId(referred.getApprovalId()).build()), Status.Code.NOT_FOUND, "APPROVAL_NOT_FOUND");

        // Instalments above 40 % of a small income as well: rejected outright, with every reason.
        Loan rejected = customer.applyForLoan(LoanFixtures.application(newcomer, PERSONAL, 3000, 12)
                .setDeclaredMonthlyIncome(eur(600, 0)).build()).getLoan();
        assertThat(rejected.getStatus()).isEqualTo(LoanStatus.LOAN_STATUS_REJECTED);
        assertThat(rejected.getDecision().getOutcome()).isEqualTo(CreditOutcome.CREDIT_OUTCOME_REJECTED);
        assertThat(rejected.getDecision().getScore()).isLessThan(40);
        assertThat(rejected.getDecision().getScorecardVersion()).isEqualTo("SC-2026.1");
        assertThat(rejected.getDecision().getReasonsList()).contains("ACCOUNT_YOUNGER_THAN_90_DAYS",
                "INSTALMENTS_ABOVE_40_PERCENT_OF_INCOME");
        assertThat(rejected.getReferralReasonsList()).isEmpty();
        assertThat(rejected.getApprovalId()).isEmpty();

        // Instalments above half the income: a knock-out.
        Loan knockedOut = customer.applyForLoan(LoanFixtures.application(newcomer, PERSONAL, 3000, 12)
                .setDeclaredMonthlyIncome(eur(400, 0)).build()).getLoan();
        assertThat(knockedOut.getStatus()).isEqualTo(LoanStatus.LOAN_STATUS_REJECTED);
        assertThat(knockedOut.getDecision().getReasonsList()).containsExactly("INSTALMENTS_ABOVE_HALF_OF_INCOME");

        // Nothing was paid out: the balance, the statement and the loans say so.
        assertThat(fixtures.balance(newcomer.accountId())).isEqualByComparingTo("100");
        assertThat(statement(newcomer.accountId())).hasSize(1);
        assertThat(customer.listLoans(ListLoansRequest.newBuilder().setCustomerId(newcomer.customerId()).build())
                .getLoansList()).extracting(Loan::getStatus).containsExactlyInAnyOrder(
                LoanStatus.LOAN_STATUS_PENDING_REVIEW, LoanStatus.LOAN_STATUS_REJECTED, LoanStatus.LOAN_STATUS_REJECTED);
        // A rejected application cannot be repaid or quoted: it is no loan.
        assertError(() -> customer.repayLoan(RepayLoanRequest.newBuilder().setRequestId(id())
                        .setLoanId(rejected.getLoanId()).setAmount(eur(10, 0)).build()),
                Status.Code.FAILED_PRECONDITION, "LOAN_NOT_ACTIVE");
    }

    // ---------------------------------------------------------------------------------------------------
    // maker-checker

    @Test
    void aLoanAboveTheAutoApprovalLimitWaitsForASupervisorOfTheTellersBranch() throws InterruptedException {
        LoanFixtures.Seasoned borrower = fixtures.seasonedCustomer(2000);
        BigDecimal before = fixtures.balance(borrower.accountId());
        ApplyForLoanResponse applied = loans(teller("teller-x")).applyForLoan(
                LoanFixtures.application(borrower, PERSONAL, 8000, 24).build());
        Loan pending = applied.getLoan();
        assertThat(pending.getStatus()).isEqualTo(LoanStatus.LOAN_STATUS_PENDING_REVIEW);
        assertThat(pending.getDecision().getOutcome()).isEqualTo(CreditOutcome.CREDIT_OUTCOME_APPROVED);
        assertThat(pending.getReferralReasonsList()).containsExactly("ABOVE_AUTO_APPROVAL_LIMIT");
        assertThat(pending.getApprovalId()).isNotEmpty();
        assertThat(applied.getDisbursementTransactionId()).isEmpty();
        assertThat(fixtures.balance(borrower.accountId())).isEqualByComparingTo(before);
        String approvalId = pending.getApprovalId();

        Approval queued = approvals(supervisor("sup-loans", BRANCH)).getApproval(GetApprovalRequest.newBuilder()
                .setApprovalId(approvalId).build()).getApproval();
        assertThat(queued.getKind()).isEqualTo(ApprovalKind.APPROVAL_KIND_LOAN_DECISION);
        assertThat(queued.getBranchId()).isEqualTo(BRANCH);
        assertThat(queued.getMakerId()).isEqualTo("teller-x");
        assertThat(queued.getAmount()).isEqualTo(eur(8000, 0));

        // The teller who applied cannot decide: GrantApproval is for supervisors, refused by role first.
        assertError(() -> approvals(teller("teller-x")).grantApproval(GrantApprovalRequest.newBuilder()
                .setRequestId(id()).setApprovalId(approvalId).build()), Status.Code.PERMISSION_DENIED,
                "ROLE_NOT_PERMITTED");
        // A supervisor of another branch does not even see it.
        assertError(() -> approvals(supervisor("sup-9", "branch-9")).grantApproval(GrantApprovalRequest.newBuilder()
                .setRequestId(id()).setApprovalId(approvalId).build()), Status.Code.NOT_FOUND, "APPROVAL_NOT_FOUND");
        assertError(() -> approvals(supervisor("sup-9", "branch-9")).rejectApproval(RejectApprovalRequest
                .newBuilder().setRequestId(id()).setApprovalId(approvalId).setReason("no").build()),
                Status.Code.NOT_FOUND, "APPROVAL_NOT_FOUND");
        // The customer cannot disburse it by any other route either.
        assertError(() -> approvals(borrower.customer()).grantApproval(GrantApprovalRequest.newBuilder()
                .setRequestId(id()).setApprovalId(approvalId).build()), Status.Code.PERMISSION_DENIED,
                "ROLE_NOT_PERMITTED");
        assertThat(getLoan(pending.getLoanId()).getStatus()).isEqualTo(LoanStatus.LOAN_STATUS_PENDING_REVIEW);
        assertThat(fixtures.balance(borrower.accountId())).isEqualByComparingTo(before);

        GrantApprovalResponse granted = approvals(supervisor("sup-loans", BRANCH)).grantApproval(
                GrantApprovalRequest.newBuilder().setRequestId(id()).setApprovalId(approvalId).build());
        assertThat(granted.getApproval().getStatus()).isEqualTo(ApprovalStatus.APPROVAL_STATUS_APPROVED);
        assertThat(granted.getApproval().getCheckerId()).isEqualTo("sup-loans");
        assertThat(granted.getTransactionId()).isNotEmpty();
        Loan active = getLoan(pending.getLoanId());
        assertThat(active.getStatus()).isEqualTo(LoanStatus.LOAN_STATUS_ACTIVE);
        assertThat(amount(active.getPrincipalOutstanding())).isEqualByComparingTo("8000.00");
        assertThat(active.getReferralReasonsList()).containsExactly("ABOVE_AUTO_APPROVAL_LIMIT");
        assertThat(fixtures.balance(borrower.accountId())).isEqualByComparingTo(before.add(new BigDecimal("8000")));
        assertThat(statement(borrower.accountId())).filteredOn(t -> t.getTransactionId()
                .equals(granted.getTransactionId())).singleElement().satisfies(t -> {
                    assertThat(t.getCounterparty().getType()).isEqualTo(CounterpartyType.COUNTERPARTY_TYPE_LOAN);
                    assertThat(t.getAmount()).isEqualTo(eur(8000, 0));
                });
        fixtures.assertLedgerBalanced();

        // Decided once: a second grant disburses nothing more.
        assertError(() -> approvals(supervisor("sup-other", BRANCH)).grantApproval(GrantApprovalRequest.newBuilder()
                .setRequestId(id()).setApprovalId(approvalId).build()), Status.Code.FAILED_PRECONDITION,
                "APPROVAL_NOT_PENDING");
        assertThat(fixtures.balance(borrower.accountId())).isEqualByComparingTo(before.add(new BigDecimal("8000")));
    }

    @Test
    void aSupervisorCannotDecideItsOwnApplicationAndARejectionPaysNothing() throws InterruptedException {
        LoanFixtures.Seasoned borrower = fixtures.seasonedCustomer(2000);
        BigDecimal before = fixtures.balance(borrower.accountId());
        Loan pending = loans(supervisor("sup-maker", BRANCH)).applyForLoan(
                LoanFixtures.application(borrower, PERSONAL, 8000, 24).build()).getLoan();
        assertThat(pending.getStatus()).isEqualTo(LoanStatus.LOAN_STATUS_PENDING_REVIEW);
        String approvalId = pending.getApprovalId();

        assertError(() -> approvals(supervisor("sup-maker", BRANCH)).grantApproval(GrantApprovalRequest.newBuilder()
                .setRequestId(id()).setApprovalId(approvalId).build()), Status.Code.PERMISSION_DENIED,
                "SELF_APPROVAL_FORBIDDEN");
        assertThat(getLoan(pending.getLoanId()).getStatus()).isEqualTo(LoanStatus.LOAN_STATUS_PENDING_REVIEW);
        assertThat(fixtures.balance(borrower.accountId())).isEqualByComparingTo(before);

        Approval rejected = approvals(supervisor("sup-checker", BRANCH)).rejectApproval(RejectApprovalRequest
                .newBuilder().setRequestId(id()).setApprovalId(approvalId).setReason("income not evidenced").build())
                .getApproval();
        assertThat(rejected.getStatus()).isEqualTo(ApprovalStatus.APPROVAL_STATUS_REJECTED);
        Loan loan = getLoan(pending.getLoanId());
        assertThat(loan.getStatus()).isEqualTo(LoanStatus.LOAN_STATUS_REJECTED);
        assertThat(amount(loan.getPrincipalOutstanding())).isZero();
        assertThat(fixtures.balance(borrower.accountId())).isEqualByComparingTo(before);
        assertThat(statement(borrower.accountId())).noneMatch(t -> t.getCounterparty().getType()
                == CounterpartyType.COUNTERPARTY_TYPE_LOAN);

        // A late grant cannot revive it.
        assertError(() -> approvals(supervisor("sup-checker", BRANCH)).grantApproval(GrantApprovalRequest.newBuilder()
                .setRequestId(id()).setApprovalId(approvalId).build()), Status.Code.FAILED_PRECONDITION,
                "APPROVAL_NOT_PENDING");
        assertThat(getLoan(pending.getLoanId()).getStatus()).isEqualTo(LoanStatus.LOAN_STATUS_REJECTED);
        assertThat(fixtures.balance(borrower.accountId())).isEqualByComparingTo(before);
        fixtures.assertLedgerBalanced();
    }

    // ---------------------------------------------------------------------------------------------------
    // repayments and quotes

    @Test
    void repaymentsThatCannotBeMadeChangeNothing() throws InterruptedException {
        LoanFixtures.Seasoned borrower = fixtures.seasonedCustomer(2000);
        Loan loan = activeLoan(borrower, 1000);
        String loanId = loan.getLoanId();
        var customer = loans(borrower.customer());
        BigDecimal balance = fixtures.balance(borrower.accountId());
        GetPayoffQuoteResponse quote = customer.getPayoffQuote(GetPayoffQuoteRequest.newBuilder().setLoanId(loanId)
                .build());
        assertThat(amount(quote.getTotal())).isEqualByComparingTo("1010.00"); // principal and the 1 % fee
        long loanEvents = eventsOf(loanId);

        // More than the payoff: refused, with the payoff amount.
        ErrorInfo overpaid = assertError(() -> customer.repayLoan(RepayLoanRequest.newBuilder().setRequestId(id())
                        .setLoanId(loanId).setAmount(toMoney(amount(quote.getTotal()).add(new BigDecimal("0.01"))))
                        .setPrepaymentMode(PrepaymentMode.PREPAYMENT_MODE_REDUCE_TERM).build()),
                Status.Code.FAILED_PRECONDITION, "LOAN_OVERPAYMENT");
        assertThat(new BigDecimal(overpaid.getMetadataOrThrow("payoff_amount")))
                .isEqualByComparingTo(amount(quote.getTotal()));
        // More than is due (nothing is due yet) without saying how to prepay.
        assertInvalidFields(() -> customer.repayLoan(RepayLoanRequest.newBuilder().setRequestId(id())
                .setLoanId(loanId).setAmount(eur(100, 0)).build()), "prepayment_mode");
        // Bad amounts and ids.
        assertInvalidFields(() -> customer.repayLoan(RepayLoanRequest.newBuilder().setRequestId(id())
                .setLoanId(loanId).setAmount(eur(-100, 0)).build()), "amount");
        assertInvalidFields(() -> customer.repayLoan(RepayLoanRequest.newBuilder().setRequestId(id())
                .setLoanId(loanId).build()), "amount");
        assertInvalidFields(() -> customer.repayLoan(RepayLoanRequest.newBuilder().setRequestId(id())
                .setLoanId(loanId).setAmount(money("USD", 100, 0))
                .setPrepaymentMode(PrepaymentMode.PREPAYMENT_MODE_REDUCE_TERM).build()), "amount");
        assertInvalidFields(() -> customer.repayLoan(RepayLoanRequest.newBuilder().setRequestId(id())
                .setLoanId(loanId).setAmount(eur(100, 0)).setPrepaymentModeValue(99).build()), "prepayment_mode");
        assertInvalidFields(() -> customer.repayLoan(RepayLoanRequest.newBuilder().setRequestId(id())
                .setLoanId(loanId.toUpperCase()).setAmount(eur(100, 0)).build()), "loan_id");
        assertError(() -> customer.repayLoan(RepayLoanRequest.newBuilder().setRequestId(id()).setLoanId(id())
                .setAmount(eur(10, 0)).build()), Status.Code.NOT_FOUND, "LOAN_NOT_FOUND");

        // Another customer's loan reads as unknown, whatever the call.
        var stranger = loans(TestTokens.customer(accounts.customer(), "MOBILE"));
        assertError(() -> stranger.repayLoan(RepayLoanRequest.newBuilder().setRequestId(id()).setLoanId(loanId)
                .setAmount(eur(10, 0)).build()), Status.Code.NOT_FOUND, "LOAN_NOT_FOUND");
        assertError(() -> stranger.getLoan(GetLoanRequest.newBuilder().setLoanId(loanId).build()),
                Status.Code.NOT_FOUND, "LOAN_NOT_FOUND");
        assertError(() -> stranger.getRepaymentSchedule(GetRepaymentScheduleRequest.newBuilder().setLoanId(loanId)
                .build()), Status.Code.NOT_FOUND, "LOAN_NOT_FOUND");
        assertError(() -> stranger.getPayoffQuote(GetPayoffQuoteRequest.newBuilder().setLoanId(loanId).build()),
                Status.Code.NOT_FOUND, "LOAN_NOT_FOUND");
        assertThat(fixtures.balance(borrower.accountId())).isEqualByComparingTo(balance);
        assertThat(eventsOf(loanId)).isEqualTo(loanEvents);

        // Not enough money in the account: neither the account nor the loan changes.
        emptyAccountDownTo(borrower.accountId(), 50);
        ErrorInfo poor = assertError(() -> customer.repayLoan(RepayLoanRequest.newBuilder().setRequestId(id())
                        .setLoanId(loanId).setAmount(eur(500, 0))
                        .setPrepaymentMode(PrepaymentMode.PREPAYMENT_MODE_REDUCE_TERM).build()),
                Status.Code.FAILED_PRECONDITION, "INSUFFICIENT_FUNDS");
        assertThat(poor.getMetadataMap()).containsKeys("available", "requested");
        assertThat(fixtures.balance(borrower.accountId())).isEqualByComparingTo("50");
        assertThat(eventsOf(loanId)).isEqualTo(loanEvents);
        Loan unchanged = getLoan(loanId);
        assertThat(amount(unchanged.getPrincipalOutstanding())).isEqualByComparingTo("1000.00");
        assertThat(amount(unchanged.getFeesOutstanding())).isEqualByComparingTo("10.00");
        assertThat(customer.getRepaymentSchedule(GetRepaymentScheduleRequest.newBuilder().setLoanId(loanId).build())
                .getInstalmentsCount()).isEqualTo(12);

        // Paid off, the loan is closed: no more repayments, no more quotes.
        accounts.clearingFeed().depositFunds(AccountFixtures.deposit(borrower.accountId(), eur(2000, 0)));
        Loan closed = customer.repayLoan(RepayLoanRequest.newBuilder().setRequestId(id()).setLoanId(loanId)
                .setAmount(quote.getTotal()).build()).getLoan();
        assertThat(closed.getStatus()).isEqualTo(LoanStatus.LOAN_STATUS_CLOSED);
        assertThat(fixtures.balance(borrower.accountId())).isEqualByComparingTo("1040.00");
        ErrorInfo notActive = assertError(() -> customer.repayLoan(RepayLoanRequest.newBuilder().setRequestId(id())
                .setLoanId(loanId).setAmount(eur(10, 0)).build()), Status.Code.FAILED_PRECONDITION, "LOAN_NOT_ACTIVE");
        assertThat(notActive.getMetadataMap()).containsEntry("status", "CLOSED");
        assertError(() -> customer.getPayoffQuote(GetPayoffQuoteRequest.newBuilder().setLoanId(loanId).build()),
                Status.Code.FAILED_PRECONDITION, "LOAN_NOT_ACTIVE");
        assertThat(fixtures.balance(borrower.accountId())).isEqualByComparingTo("1040.00");
        fixtures.assertLedgerBalanced();
    }

    @Test
    void payoffQuotesAreForDatesFromTodayToAYearAhead() throws InterruptedException {
        LoanFixtures.Seasoned borrower = fixtures.seasonedCustomer(2000);
        String loanId = activeLoan(borrower, 1000).getLoanId();
        var customer = loans(borrower.customer());
        LocalDate today = businessDate.current();
        java.util.function.Function<Date, GetPayoffQuoteRequest> on = day -> GetPayoffQuoteRequest.newBuilder()
                .setLoanId(loanId).setPayoffDate(day).build();

        assertInvalidFields(() -> customer.getPayoffQuote(on.apply(date(today.minusDays(1)))), "payoff_date");
        assertInvalidFields(() -> customer.getPayoffQuote(on.apply(Date.newBuilder().setYear(2027).setMonth(13)
                .setDay(1).build())), "payoff_date");
        assertInvalidFields(() -> customer.getPayoffQuote(on.apply(Date.newBuilder().setYear(2027).setMonth(2)
                .setDay(30).build())), "payoff_date");
        assertInvalidFields(() -> customer.getPayoffQuote(on.apply(Date.newBuilder().setYear(2027).setMonth(1)
                .setDay(0).build())), "payoff_date");
        assertInvalidFields(() -> customer.getPayoffQuote(on.apply(Date.getDefaultInstance())), "payoff_date");
        assertInvalidFields(() -> customer.getPayoffQuote(on.apply(date(today.plusDays(367)))), "payoff_date");
        assertInvalidFields(() -> customer.getPayoffQuote(GetPayoffQuoteRequest.newBuilder().setLoanId("x").build()),
                "loan_id");

        // Today costs the principal and the fee; a later date adds the interest close of business will accrue.
        GetPayoffQuoteResponse now = customer.getPayoffQuote(on.apply(date(today)));
        assertThat(now.getPayoffDate()).isEqualTo(date(today));
        assertThat(amount(now.getTotal())).isEqualByComparingTo("1010.00");
        GetPayoffQuoteResponse later = customer.getPayoffQuote(on.apply(date(today.plusDays(10))));
        assertThat(amount(later.getInterest())).isPositive();
        assertThat(amount(later.getTotal())).isEqualByComparingTo(amount(later.getPrincipal())
                .add(amount(later.getInterest())).add(amount(later.getPenalties())).add(amount(later.getFees())));
        assertThat(customer.getPayoffQuote(on.apply(date(today.plusDays(366)))).getPayoffDate())
                .isEqualTo(date(today.plusDays(366)));

        // After a close of business, yesterday's date is in the past.
        fixtures.closeBusinessDay();
        assertInvalidFields(() -> customer.getPayoffQuote(on.apply(date(today))), "payoff_date");
        assertThat(customer.getPayoffQuote(GetPayoffQuoteRequest.newBuilder().setLoanId(loanId).build())
                .getPayoffDate()).isEqualTo(date(today.plusDays(1)));
    }

    // ---------------------------------------------------------------------------------------------------
    // write-off and recovery

    @AfterEach
    void restoreWriteOffMinimum() {
        loanProperties.setWriteOffMinDaysPastDue(90);
    }

    @Test
    void aSupervisorWritesALoanOffAndRecoveriesComeFromItsAccount() throws InterruptedException {
        LoanFixtures.Seasoned borrower = fixtures.seasonedCustomer(2000);
        String loanId = activeLoan(borrower, 1000).getLoanId();
        Supplier<WriteOffLoanRequest.Builder> writeOff = () -> WriteOffLoanRequest.newBuilder().setRequestId(id())
                .setLoanId(loanId).setReason("customer emigrated, unreachable");

        for (Metadata refused : List.of(teller("teller-x"), borrower.customer(), LoanFixtures.operator())) {
            assertError(() -> loans(refused).writeOffLoan(writeOff.get().build()), Status.Code.PERMISSION_DENIED,
                    "ROLE_NOT_PERMITTED");
        }
        var supervisor = loans(supervisor("sup-risk", BRANCH));
        assertInvalidFields(() -> supervisor.writeOffLoan(writeOff.get().setReason("").build()), "reason");
        assertInvalidFields(() -> supervisor.writeOffLoan(writeOff.get().setReason("x".repeat(141)).build()),
                "reason");
        assertInvalidFields(() -> supervisor.writeOffLoan(writeOff.get().setLoanId("").build()), "loan_id");
        assertError(() -> supervisor.writeOffLoan(writeOff.get().setLoanId(id()).build()), Status.Code.NOT_FOUND,
                "LOAN_NOT_FOUND");
        // Recoveries are for written-off loans only.
        assertError(() -> loans(teller("teller-x")).recordRecovery(RecordRecoveryRequest.newBuilder()
                .setRequestId(id()).setLoanId(loanId).setAmount(eur(10, 0)).build()), Status.Code.FAILED_PRECONDITION,
                "LOAN_NOT_WRITTEN_OFF");
        assertThat(getLoan(loanId).getStatus()).isEqualTo(LoanStatus.LOAN_STATUS_ACTIVE);

        // A fresh loan is not far enough past due (90 days by default), whoever asks.
        ErrorInfo early = assertError(() -> supervisor.writeOffLoan(writeOff.get().build()),
                Status.Code.FAILED_PRECONDITION, "WRITE_OFF_TOO_EARLY");
        assertThat(early.getMetadataMap()).containsEntry("days_past_due", "0")
                .containsEntry("minimum_days_past_due", "90");

        // Past the minimum (lowered here, so that no 90 business days need closing), one supervisor asks ...
        loanProperties.setWriteOffMinDaysPastDue(0);
        WriteOffLoanRequest request = writeOff.get().build();
        WriteOffLoanResponse asked = supervisor.writeOffLoan(request);
        // A retry of the same request answers the same, and files nothing more.
        assertThat(supervisor.writeOffLoan(request)).isEqualTo(asked);
        assertThat(asked.getLoan().getStatus()).isEqualTo(LoanStatus.LOAN_STATUS_ACTIVE);
        assertThat(asked.hasPendingApproval()).isTrue();
        String approvalId = asked.getPendingApproval().getApprovalId();
        assertThat(getLoan(loanId).getStatus()).isEqualTo(LoanStatus.LOAN_STATUS_ACTIVE);
        // ... and another supervisor of the branch or of the loan desk decides; the maker cannot.
        assertError(() -> approvals(supervisor("sup-risk", BRANCH)).grantApproval(GrantApprovalRequest.newBuilder()
                        .setRequestId(id()).setApprovalId(approvalId).build()),
                Status.Code.PERMISSION_DENIED, "SELF_APPROVAL_FORBIDDEN");
        assertError(() -> approvals(supervisor("sup-elsewhere", "branch-77")).grantApproval(GrantApprovalRequest
                        .newBuilder().setRequestId(id()).setApprovalId(approvalId).build()),
                Status.Code.NOT_FOUND, "APPROVAL_NOT_FOUND");
        Approval filed = approvals(supervisor("sup-desk", "loan-desk")).getApproval(GetApprovalRequest.newBuilder()
                .setApprovalId(approvalId).build()).getApproval();
        assertThat(filed.getKind()).isEqualTo(ApprovalKind.APPROVAL_KIND_LOAN_WRITE_OFF);
        assertThat(filed.getTransactionId()).isEqualTo(loanId);
        assertThat(filed.getBranchId()).isEqualTo(BRANCH);
        assertThat(filed.getCheckerDeskId()).isEqualTo("loan-desk");
        assertThat(amount(filed.getAmount())).isEqualByComparingTo("1010.00");
        approvals(supervisor("sup-desk", "loan-desk")).grantApproval(GrantApprovalRequest.newBuilder()
                .setRequestId(id()).setApprovalId(approvalId).build());
        Loan written = getLoan(loanId);
        assertThat(written.getStatus()).isEqualTo(LoanStatus.LOAN_STATUS_WRITTEN_OFF);
        // The write-off names both people.
        assertThat(jdbc.queryForObject("SELECT convert_from(meta_data, 'UTF8') FROM domain_event_entry "
                + "WHERE aggregate_identifier = ? AND payload_type LIKE '%LoanWrittenOffEvent'", String.class, loanId))
                .contains("sup-risk").contains("sup-desk").contains(approvalId);
        assertThat(amount(written.getWrittenOff())).isEqualByComparingTo("1010.00");
        // The ledger moves what the loan owed from receivables to losses.
        assertThat(posted(loanId, LedgerAccounts.LOAN_LOSSES, "DEBIT", new BigDecimal("1010")))
                .isEqualByComparingTo("1010");
        assertThat(posted(loanId, LedgerAccounts.LOANS_RECEIVABLE, "CREDIT", new BigDecimal("1010")))
                .isEqualByComparingTo("1010");
        fixtures.assertLedgerBalanced();
        assertError(() -> supervisor.writeOffLoan(writeOff.get().build()), Status.Code.FAILED_PRECONDITION,
                "LOAN_NOT_ACTIVE");
        assertError(() -> loans(borrower.customer()).repayLoan(RepayLoanRequest.newBuilder().setRequestId(id())
                .setLoanId(loanId).setAmount(eur(10, 0)).build()), Status.Code.FAILED_PRECONDITION, "LOAN_NOT_ACTIVE");

        BigDecimal balance = fixtures.balance(borrower.accountId());
        var collections = loans(teller("teller-collections"));
        ErrorInfo tooMuch = assertError(() -> collections.recordRecovery(RecordRecoveryRequest.newBuilder()
                        .setRequestId(id()).setLoanId(loanId).setAmount(eur(1010, 1)).build()),
                Status.Code.FAILED_PRECONDITION, "LOAN_OVERPAYMENT");
        assertThat(new BigDecimal(tooMuch.getMetadataOrThrow("recoverable_amount"))).isEqualByComparingTo("1010");
        assertInvalidFields(() -> collections.recordRecovery(RecordRecoveryRequest.newBuilder().setRequestId(id())
                .setLoanId(loanId).setAmount(eur(0, 0)).build()), "amount");
        assertError(() -> loans(borrower.customer()).recordRecovery(RecordRecoveryRequest.newBuilder()
                .setRequestId(id()).setLoanId(loanId).setAmount(eur(100, 0)).build()),
                Status.Code.PERMISSION_DENIED, "ROLE_NOT_PERMITTED");
        assertThat(fixtures.balance(borrower.accountId())).isEqualByComparingTo(balance);

        RecordRecoveryRequest recover = RecordRecoveryRequest.newBuilder().setRequestId(id()).setLoanId(loanId)
                .setAmount(eur(100, 0)).build();
        RecordRecoveryResponse recovery = collections.recordRecovery(recover);
        assertThat(collections.recordRecovery(recover)).isEqualTo(recovery); // taken once
        assertThat(amount(recovery.getLoan().getRecovered())).isEqualByComparingTo("100.00");
        assertThat(recovery.getLoan().getStatus()).isEqualTo(LoanStatus.LOAN_STATUS_WRITTEN_OFF);
        assertThat(fixtures.balance(borrower.accountId())).isEqualByComparingTo(balance.subtract(new BigDecimal("100")));
        assertThat(statement(borrower.accountId())).filteredOn(t -> t.getTransactionId()
                .equals(recovery.getTransactionId())).singleElement().satisfies(t -> {
                    assertThat(t.getDirection()).isEqualTo(TransactionDirection.TRANSACTION_DIRECTION_DEBIT);
                    assertThat(t.getAmount()).isEqualTo(eur(100, 0));
                    assertThat(t.getCounterparty().getType())
                            .isEqualTo(CounterpartyType.COUNTERPARTY_TYPE_LOAN_RECOVERY);
                    assertThat(t.getCounterparty().getReference()).isEqualTo(loanId);
                });
        assertThat(posted(borrower.accountId(), LedgerAccounts.LOAN_RECOVERIES, "CREDIT", new BigDecimal("100")))
                .isEqualByComparingTo("100");
        // A recovery the account cannot pay: neither the account nor the loan changes.
        emptyAccountDownTo(borrower.accountId(), 50);
        long loanEvents = eventsOf(loanId);
        assertError(() -> collections.recordRecovery(RecordRecoveryRequest.newBuilder().setRequestId(id())
                .setLoanId(loanId).setAmount(eur(100, 0)).build()), Status.Code.FAILED_PRECONDITION,
                "INSUFFICIENT_FUNDS");
        assertThat(fixtures.balance(borrower.accountId())).isEqualByComparingTo("50");
        assertThat(eventsOf(loanId)).isEqualTo(loanEvents);
        assertThat(amount(getLoan(loanId).getRecovered())).isEqualByComparingTo("100.00");
        // What is left to recover shrinks by what was recovered.
        ErrorInfo rest = assertError(() -> collections.recordRecovery(RecordRecoveryRequest.newBuilder()
                        .setRequestId(id()).setLoanId(loanId).setAmount(eur(910, 1)).build()),
                Status.Code.FAILED_PRECONDITION, "LOAN_OVERPAYMENT");
        assertThat(new BigDecimal(rest.getMetadataOrThrow("recoverable_amount"))).isEqualByComparingTo("910");
        fixtures.assertLedgerBalanced();
    }

    // ---------------------------------------------------------------------------------------------------
    // business day

    @Test
    void closeOfBusinessRunsOnlyForTheBusinessDateAndOnlyForOperators() throws InterruptedException {
        LocalDate today = LoanFixtures.START_DATE;
        var operator = days(LoanFixtures.operator());
        // Everyone may ask for the business date.
        assertThat(days(TestTokens.customer(id(), "MOBILE")).getBusinessDay(GetBusinessDayRequest.getDefaultInstance())
                .getBusinessDate()).isEqualTo(date(today));
        assertThat(operator.getBusinessDay(GetBusinessDayRequest.getDefaultInstance()).hasLastRun()).isFalse();

        for (LocalDate wrong : List.of(today.plusDays(1), today.plusYears(1), today.minusDays(1))) {
            ErrorInfo mismatch = assertError(() -> operator.runCloseOfBusiness(RunCloseOfBusinessRequest.newBuilder()
                    .setBusinessDate(date(wrong)).build()), Status.Code.FAILED_PRECONDITION, "BUSINESS_DATE_MISMATCH");
            assertThat(mismatch.getMetadataMap()).containsEntry("business_date", today.toString());
        }
        assertInvalidFields(() -> operator.runCloseOfBusiness(RunCloseOfBusinessRequest.getDefaultInstance()),
                "business_date");
        assertInvalidFields(() -> operator.runCloseOfBusiness(RunCloseOfBusinessRequest.newBuilder()
                .setBusinessDate(Date.newBuilder().setYear(2026).setMonth(13).setDay(1)).build()), "business_date");
        assertInvalidFields(() -> operator.runCloseOfBusiness(RunCloseOfBusinessRequest.newBuilder()
                .setBusinessDate(Date.newBuilder().setYear(2026).setMonth(11).setDay(31)).build()), "business_date");
        for (Metadata refused : List.of(TestTokens.customer(id(), "MOBILE"), teller("teller-x"),
                supervisor("sup-1", BRANCH), TestTokens.headers("auditor-1", "AUDITOR", "SYSTEM", claims -> { }))) {
            assertError(() -> days(refused).runCloseOfBusiness(RunCloseOfBusinessRequest.newBuilder()
                    .setBusinessDate(date(today)).build()), Status.Code.PERMISSION_DENIED, "ROLE_NOT_PERMITTED");
        }
        // Nothing ran, the date did not move.
        assertThat(operator.getBusinessDay(GetBusinessDayRequest.getDefaultInstance()).getBusinessDate())
                .isEqualTo(date(today));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM cob_run", Long.class)).isZero();

        // Closing today moves the date by one; asking for the closed date again answers with its run.
        fixtures.closeBusinessDay();
        var day = operator.getBusinessDay(GetBusinessDayRequest.getDefaultInstance());
        assertThat(day.getBusinessDate()).isEqualTo(date(today.plusDays(1)));
        assertThat(day.getLastRun().getBusinessDate()).isEqualTo(date(today));
        assertThat(day.getLastRun().getState()).isEqualTo(CloseOfBusinessState.CLOSE_OF_BUSINESS_STATE_COMPLETED);
        var again = operator.runCloseOfBusiness(RunCloseOfBusinessRequest.newBuilder().setBusinessDate(date(today))
                .build()).getRun();
        assertThat(again.getState()).isEqualTo(CloseOfBusinessState.CLOSE_OF_BUSINESS_STATE_COMPLETED);
        assertThat(again.getBusinessDate()).isEqualTo(date(today));
        assertThat(operator.getBusinessDay(GetBusinessDayRequest.getDefaultInstance()).getBusinessDate())
                .isEqualTo(date(today.plusDays(1)));
    }

    // ---------------------------------------------------------------------------------------------------
    // portfolio and lists

    private static PortfolioLine line(GetPortfolioSummaryResponse summary, String product, DelinquencyBucket bucket) {
        return summary.getLinesList().stream().filter(l -> l.getProductCode().equals(product)
                && l.getDelinquencyBucket() == bucket).findFirst().orElse(PortfolioLine.newBuilder()
                .setPrincipalOutstanding(eur(0, 0)).setTotalOutstanding(eur(0, 0)).build());
    }

    @Test
    void operatorsSeeThePortfolioAndCustomersPageOnlyTheirOwnLoans() throws InterruptedException {
        var operator = loans(LoanFixtures.operator());
        GetPortfolioSummaryResponse before = operator.getPortfolioSummary(GetPortfolioSummaryRequest
                .getDefaultInstance());
        assertThat(before.getBusinessDate()).isEqualTo(date(LoanFixtures.START_DATE));
        LoanFixtures.Seasoned borrower = fixtures.seasonedCustomer(2000);
        Loan older = activeLoan(borrower, 1000);
        support.clock().advance(Duration.ofMinutes(1));
        // A referred application is on the customer's list, but is no loan of the portfolio yet.
        Loan newer = loans(borrower.customer()).applyForLoan(LoanFixtures.application(borrower, PERSONAL, 8000, 24)
                .build()).getLoan();
        assertThat(newer.getStatus()).isEqualTo(LoanStatus.LOAN_STATUS_PENDING_REVIEW);

        GetPortfolioSummaryResponse after = operator.getPortfolioSummary(GetPortfolioSummaryRequest
                .getDefaultInstance());
        PortfolioLine was = line(before, PERSONAL, DelinquencyBucket.DELINQUENCY_BUCKET_CURRENT);
        PortfolioLine is = line(after, PERSONAL, DelinquencyBucket.DELINQUENCY_BUCKET_CURRENT);
        assertThat(is.getLoanCount()).isEqualTo(was.getLoanCount() + 1);
        assertThat(amount(is.getPrincipalOutstanding()).subtract(amount(was.getPrincipalOutstanding())))
                .isEqualByComparingTo("1000");
        assertThat(amount(is.getTotalOutstanding()).subtract(amount(was.getTotalOutstanding())))
                .isEqualByComparingTo("1010");
        assertThat(is.getPrincipalOutstanding().getCurrencyCode()).isEqualTo("EUR");
        assertThat(after.getLinesList()).allSatisfy(l -> assertThat(l.getLoanCount()).isPositive());
        for (Metadata refused : List.of(borrower.customer(), teller("teller-x"),
                TestTokens.partner("fintech-1", "balances:read", List.of(borrower.accountId())))) {
            assertError(() -> loans(refused).getPortfolioSummary(GetPortfolioSummaryRequest.getDefaultInstance()),
                    Status.Code.PERMISSION_DENIED, "ROLE_NOT_PERMITTED");
        }

        // Newest first, one a page.
        var customer = loans(borrower.customer());
        ListLoansResponse first = customer.listLoans(ListLoansRequest.newBuilder()
                .setCustomerId(borrower.customerId()).setPageSize(1).build());
        assertThat(first.getLoansList()).extracting(Loan::getLoanId).containsExactly(newer.getLoanId());
        assertThat(first.getNextPageToken()).isNotEmpty();
        ListLoansResponse second = customer.listLoans(ListLoansRequest.newBuilder()
                .setCustomerId(borrower.customerId()).setPageSize(1).setPageToken(first.getNextPageToken()).build());
        assertThat(second.getLoansList()).extracting(Loan::getLoanId).containsExactly(older.getLoanId());
        assertThat(second.getNextPageToken()).isEmpty();
        assertThat(customer.listLoans(ListLoansRequest.newBuilder().setCustomerId(borrower.customerId()).build())
                .getLoansList()).extracting(Loan::getLoanId).containsExactly(newer.getLoanId(), older.getLoanId());
        assertInvalidFields(() -> customer.listLoans(ListLoansRequest.newBuilder().setCustomerId(borrower.customerId())
                .setPageSize(-1).build()), "page_size");
        assertInvalidFields(() -> customer.listLoans(ListLoansRequest.newBuilder().setCustomerId(borrower.customerId())
                .setPageToken("forged").build()), "page_token");
        // A token forged for this very list, but with a position no page has.
        String negative = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("loans:" + borrower.customerId() + "\n-1").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertInvalidFields(() -> customer.listLoans(ListLoansRequest.newBuilder().setCustomerId(borrower.customerId())
                .setPageToken(negative).build()), "page_token");
        // Well-formed, but at an instant no loan can have (it would overflow the database's timestamps).
        String farFuture = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("loans:" + borrower.customerId() + "\n999999999999999.0/" + older.getLoanId())
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertInvalidFields(() -> customer.listLoans(ListLoansRequest.newBuilder().setCustomerId(borrower.customerId())
                .setPageToken(farFuture).build()), "page_token");

        // Another customer's loans are not there for this customer, nor its page tokens for another list.
        String stranger = accounts.customer();
        ErrorInfo hidden = assertError(() -> loans(TestTokens.customer(stranger, "MOBILE")).listLoans(ListLoansRequest
                .newBuilder().setCustomerId(borrower.customerId()).build()), Status.Code.NOT_FOUND,
                "CUSTOMER_NOT_FOUND");
        assertThat(hidden.getMetadataMap()).containsEntry("customer_id", borrower.customerId());
        assertInvalidFields(() -> loans(teller("teller-x")).listLoans(ListLoansRequest.newBuilder()
                .setCustomerId(stranger).setPageToken(first.getNextPageToken()).build()), "page_token");
        assertThat(loans(teller("teller-x")).listLoans(ListLoansRequest.newBuilder().setCustomerId(stranger).build())
                .getLoansList()).isEmpty();
        assertInvalidFields(() -> customer.listLoans(ListLoansRequest.newBuilder().setCustomerId("me").build()),
                "customer_id");
    }
}
