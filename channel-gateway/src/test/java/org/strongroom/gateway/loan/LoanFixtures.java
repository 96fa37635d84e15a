package org.strongroom.gateway.loan;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.gateway.AccountFixtures;
import org.strongroom.gateway.grpc.ProtoTime;
import org.strongroom.node.TestTokens;
import org.strongroom.node.time.BusinessDateService;
import org.strongroom.proto.account.v1.AccountServiceGrpc;
import org.strongroom.proto.account.v1.GetAccountRequest;
import org.strongroom.proto.admin.v1.BusinessDayServiceGrpc;
import org.strongroom.proto.admin.v1.CloseOfBusinessRun;
import org.strongroom.proto.admin.v1.CloseOfBusinessState;
import org.strongroom.proto.admin.v1.GetCloseOfBusinessRequest;
import org.strongroom.proto.admin.v1.RunCloseOfBusinessRequest;
import org.strongroom.proto.ledger.v1.GetTrialBalanceRequest;
import org.strongroom.proto.ledger.v1.LedgerServiceGrpc;
import org.strongroom.proto.loan.v1.ApplyForLoanRequest;
import org.strongroom.proto.loan.v1.LoanServiceGrpc;
import org.strongroom.projections.api.LedgerAccounts;

/**
 * Loans for tests, through the public API: customers with a year of salary history (so the scorecard
 * approves them), close of business day by day, and the ledger's loan invariants.
 */
final class LoanFixtures {

    static final LocalDate START_DATE = LocalDate.of(2026, 11, 23);

    private final ManagedChannel channel;
    private final JdbcTemplate jdbc;
    private final BusinessDateService businessDate;
    private final AccountFixtures accounts;

    LoanFixtures(ManagedChannel channel, JdbcTemplate jdbc, BusinessDateService businessDate) {
        this.channel = channel;
        this.jdbc = jdbc;
        this.businessDate = businessDate;
        this.accounts = new AccountFixtures(channel);
    }

    /** Puts the bank back on the tests' first business date, with no close-of-business history. */
    void resetBusinessDate() {
        setBusinessDate(START_DATE);
        jdbc.update("DELETE FROM cob_segment");
        jdbc.update("DELETE FROM cob_run");
    }

    void setBusinessDate(LocalDate date) {
        jdbc.update("UPDATE business_date SET business_date = ? WHERE id = 1", date);
        businessDate.refresh();
    }

    /** A customer and account opened a year ago that received {@code salary} EUR every 30 days since. */
    Seasoned seasonedCustomer(long salary) {
        LocalDate today = businessDate.current();
        setBusinessDate(today.minusDays(400));
        String customerId = accounts.customer();
        String accountId = accounts.accounts().openAccount(org.strongroom.proto.account.v1.OpenAccountRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setCustomerId(customerId)
                .setProduct(org.strongroom.proto.account.v1.AccountProduct.ACCOUNT_PRODUCT_CURRENT)
                .setCurrencyCode("EUR").build()).getAccount().getAccountId();
        for (LocalDate day = today.minusDays(390); !day.isAfter(today); day = day.plusDays(30)) {
            setBusinessDate(day);
            accounts.clearingFeed().depositFunds(AccountFixtures.deposit(accountId, AccountFixtures.eur(salary, 0)));
        }
        setBusinessDate(today);
        return new Seasoned(customerId, accountId);
    }

    record Seasoned(String customerId, String accountId) {
        Metadata customer() {
            return TestTokens.customer(customerId, "MOBILE");
        }
    }

    LoanServiceGrpc.LoanServiceBlockingStub loans(Metadata as) {
        return LoanServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(as))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    static ApplyForLoanRequest.Builder application(Seasoned who, String product, long units, int instalments) {
        return ApplyForLoanRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setCustomerId(who.customerId())
                .setAccountId(who.accountId())
                .setProductCode(product)
                .setPrincipal(AccountFixtures.eur(units, 0))
                .setInstalments(instalments)
                .setDeclaredMonthlyIncome(AccountFixtures.eur(4000, 0));
    }

    BigDecimal balance(String accountId) {
        var money = AccountServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(AccountFixtures.teller()))
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .getAccount(GetAccountRequest.newBuilder().setAccountId(accountId).build()).getAccount().getBalance();
        return BigDecimal.valueOf(money.getUnits()).add(BigDecimal.valueOf(money.getNanos(), 9)).stripTrailingZeros();
    }

    static Metadata operator() {
        return TestTokens.headers("ops-cob", "OPERATOR", "SYSTEM", claims -> { });
    }

    /** Closes the current business date through the public API and waits for the run to end. */
    CloseOfBusinessRun closeBusinessDay() throws InterruptedException {
        var days = BusinessDayServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(operator()));
        LocalDate date = businessDate.refresh();
        days.withDeadlineAfter(30, TimeUnit.SECONDS).runCloseOfBusiness(RunCloseOfBusinessRequest.newBuilder()
                .setBusinessDate(ProtoTime.toProto(date)).build());
        Instant giveUp = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(giveUp)) {
            CloseOfBusinessRun run = days.withDeadlineAfter(30, TimeUnit.SECONDS).getCloseOfBusiness(
                    GetCloseOfBusinessRequest.newBuilder().setBusinessDate(ProtoTime.toProto(date)).build()).getRun();
            if (run.getState() != CloseOfBusinessState.CLOSE_OF_BUSINESS_STATE_RUNNING) {
                if (run.getState() != CloseOfBusinessState.CLOSE_OF_BUSINESS_STATE_COMPLETED) {
                    throw new AssertionError("close of business for " + date + " ended " + run);
                }
                businessDate.refresh();
                return run;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("close of business for " + date + " did not end");
    }

    /** Closes business days until (and including) {@code last}. */
    void closeThrough(LocalDate last) throws InterruptedException {
        while (!businessDate.refresh().isAfter(last)) {
            closeBusinessDay();
        }
    }

    /**
     * The ledger's loan invariants: the trial balance is zero and loans receivable equals what the active
     * loans owe (principal, accrued interest, penalties and fees) by the loan view.
     */
    void assertLedgerBalanced() throws InterruptedException {
        var ledger = LedgerServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(
                        TestTokens.headers("auditor-loans", "AUDITOR", "SYSTEM", claims -> { })));
        Instant giveUp = Instant.now().plusSeconds(30);
        String last = "";
        while (Instant.now().isBefore(giveUp)) {
            var trial = ledger.withDeadlineAfter(30, TimeUnit.SECONDS)
                    .getTrialBalance(GetTrialBalanceRequest.getDefaultInstance());
            BigDecimal receivable = jdbc.queryForObject("""
                    SELECT COALESCE(SUM(CASE WHEN direction = 'DEBIT' THEN amount ELSE -amount END), 0)
                    FROM journal_line WHERE ledger_account = ? AND currency_code = 'EUR'""", BigDecimal.class,
                    LedgerAccounts.LOANS_RECEIVABLE);
            BigDecimal owed = jdbc.queryForObject("""
                    SELECT COALESCE(SUM(principal_outstanding + interest_accrued + penalties_outstanding
                           + fees_outstanding), 0) FROM loan_view WHERE status = 'ACTIVE' AND currency_code = 'EUR'""",
                    BigDecimal.class);
            boolean balanced = trial.getCurrenciesList().stream().allMatch(totals -> totals.getBalanced());
            if (receivable.compareTo(owed) == 0 && balanced) {
                return;
            }
            last = "receivable " + receivable + ", owed " + owed + ", trial " + trial;
            Thread.sleep(50);
        }
        throw new AssertionError("ledger not balanced: " + last);
    }
}
