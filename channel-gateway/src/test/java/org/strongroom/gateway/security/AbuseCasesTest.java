package org.strongroom.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.strongroom.gateway.GrpcErrors.assertError;
import static org.strongroom.gateway.GrpcErrors.assertInvalidFields;

import com.google.rpc.ErrorInfo;
import com.google.type.Date;
import com.google.type.Money;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.strongroom.gateway.AccountFixtures;
import org.strongroom.node.NodeTest;
import org.strongroom.node.TestTokens;
import org.strongroom.proto.account.v1.Account;
import org.strongroom.proto.account.v1.AccountProduct;
import org.strongroom.proto.account.v1.AccountServiceGrpc;
import org.strongroom.proto.account.v1.CounterpartyType;
import org.strongroom.proto.account.v1.DepositFundsRequest;
import org.strongroom.proto.account.v1.DepositFundsResponse;
import org.strongroom.proto.account.v1.GetAccountRequest;
import org.strongroom.proto.account.v1.ListAccountsRequest;
import org.strongroom.proto.account.v1.ListTransactionsRequest;
import org.strongroom.proto.account.v1.OpenAccountRequest;
import org.strongroom.proto.account.v1.ReleaseHoldRequest;
import org.strongroom.proto.account.v1.Transaction;
import org.strongroom.proto.account.v1.WithdrawFundsRequest;
import org.strongroom.proto.account.v1.WithdrawFundsResponse;
import org.strongroom.proto.admin.v1.BusinessDayServiceGrpc;
import org.strongroom.proto.admin.v1.GetCloseOfBusinessRequest;
import org.strongroom.proto.admin.v1.ProjectionAdminServiceGrpc;
import org.strongroom.proto.admin.v1.RebuildProjectionRequest;
import org.strongroom.proto.payment.v1.PaymentServiceGrpc;
import org.strongroom.proto.payment.v1.TransferFundsRequest;
import org.strongroom.proto.payment.v1.TransferStatus;
import org.strongroom.proto.teller.v1.Approval;
import org.strongroom.proto.teller.v1.ApprovalKind;
import org.strongroom.proto.teller.v1.GetApprovalRequest;
import org.strongroom.proto.teller.v1.GrantApprovalRequest;
import org.strongroom.proto.teller.v1.GrantApprovalResponse;
import org.strongroom.proto.teller.v1.TellerServiceGrpc;

/**
 * The ways one person could create money or credit alone, and two hostile inputs, replayed over real
 * gRPC: each test is named for the attack and shows it fails, that nothing was written, and that the
 * honest path (a second person) still works.
 */
class AbuseCasesTest extends NodeTest {

    private static final String BRANCH = "branch-abuse";


    private AccountFixtures fixtures() {
        return new AccountFixtures(channel());
    }

    private AccountServiceGrpc.AccountServiceBlockingStub accounts(Metadata caller) {
        return as(AccountServiceGrpc.newBlockingStub(channel()), caller).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private TellerServiceGrpc.TellerServiceBlockingStub approvals(Metadata caller) {
        return as(TellerServiceGrpc.newBlockingStub(channel()), caller).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static Metadata teller() {
        return TestTokens.staff("teller-abuse", "TELLER", BRANCH);
    }

    private static Metadata supervisor(String who, String branch) {
        return TestTokens.staff(who, "SUPERVISOR", branch);
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }

    private static Money eur(long units, int cents) {
        return AccountFixtures.eur(units, cents);
    }

    private Account account(String accountId) {
        return fixtures().accounts().getAccount(GetAccountRequest.newBuilder().setAccountId(accountId).build())
                .getAccount();
    }

    private DepositFundsRequest clearingCredit(String accountId, Money amount, String reference) {
        return DepositFundsRequest.newBuilder().setRequestId(id()).setAccountId(accountId).setAmount(amount)
                .setCounterparty(AccountFixtures.clearing(reference)).build();
    }

    private WithdrawFundsRequest clearingDebit(String accountId, Money amount, String reference) {
        return WithdrawFundsRequest.newBuilder().setRequestId(id()).setAccountId(accountId).setAmount(amount)
                .setCounterparty(AccountFixtures.clearing(reference)).build();
    }

    private GrantApprovalResponse grant(Metadata checker, String approvalId) {
        return approvals(checker).grantApproval(GrantApprovalRequest.newBuilder().setRequestId(id())
                .setApprovalId(approvalId).build());
    }

    // ------------------------------------------------------------------------- 1. self-granted credit

    @Test
    void aCustomerOpeningAnAccountWithATrillionEuroOverdraftIsRefusedAndNothingOpens() {
        String customerId = fixtures().customer();
        OpenAccountRequest greedy = OpenAccountRequest.newBuilder().setRequestId(id()).setCustomerId(customerId)
                .setProduct(AccountProduct.ACCOUNT_PRODUCT_CURRENT).setCurrencyCode("EUR")
                .setOverdraftLimit(eur(1_000_000_000_000L, 0)).build();
        Metadata online = TestTokens.customer(customerId, "ONLINE");
        List<Metadata> selfServing = List.of(online, TestTokens.agent("agent-abuse", customerId),
                TestTokens.headers("onboarding-system", "SYSTEM", "SYSTEM", claims -> { }));
        for (Metadata caller : selfServing) {
            ErrorInfo info = assertError(() -> accounts(caller).openAccount(greedy.toBuilder().setRequestId(id())
                    .build()), Status.Code.PERMISSION_DENIED, "CREDIT_NOT_PERMITTED");
            assertThat(info.getMetadataMap()).containsKey("role");
        }
        // Partners open no accounts at all.
        assertError(() -> accounts(TestTokens.partner("fintech-abuse", "payments:initiate", List.of(id())))
                .openAccount(greedy), Status.Code.PERMISSION_DENIED, "ROLE_NOT_PERMITTED");
        assertThat(accounts(online).listAccounts(ListAccountsRequest.newBuilder().setCustomerId(customerId).build())
                .getAccountsList()).isEmpty();

        // Without credit the customer opens its account, and the 20,000 EUR payment finds nothing to spend.
        Account own = accounts(online).openAccount(greedy.toBuilder().setRequestId(id())
                .setOverdraftLimit(eur(0, 0)).build()).getAccount();
        assertThat(own.getOverdraftLimit()).isEqualTo(eur(0, 0));
        assertError(() -> accounts(online).withdrawFunds(clearingDebit(own.getAccountId(), eur(20_000, 0),
                "SEPA-OUT")), Status.Code.FAILED_PRECONDITION, "INSUFFICIENT_FUNDS");
        assertThat(account(own.getAccountId()).getBalance()).isEqualTo(eur(0, 0));
    }

    // --------------------------------------------------------------------- 2. single-person clearing credits

    @Test
    void aTellerCreditingFiveMillionEurosFromClearingAloneWaitsForAnotherSupervisorOfTheBranch() {
        String accountId = fixtures().fundedAccount(0);
        DepositFundsResponse asked = accounts(teller()).depositFunds(clearingCredit(accountId,
                eur(5_000_000, 0), "SEPA-MANUAL-1"));
        assertThat(asked.hasPendingApproval()).isTrue();
        assertThat(asked.getTransactionId()).isEmpty();
        assertThat(asked.getAccount().getBalance()).isEqualTo(eur(0, 0));
        assertThat(account(accountId).getBalance()).isEqualTo(eur(0, 0));
        String approvalId = asked.getPendingApproval().getApprovalId();

        Approval approval = approvals(supervisor("sup-abuse", BRANCH)).getApproval(GetApprovalRequest.newBuilder()
                .setApprovalId(approvalId).build()).getApproval();
        assertThat(approval.getKind()).isEqualTo(ApprovalKind.APPROVAL_KIND_CLEARING_CREDIT);
        assertThat(approval.getAmount()).isEqualTo(eur(5_000_000, 0));
        assertThat(approval.getCounterpartyReference()).isEqualTo("SEPA-MANUAL-1");
        assertThat(approval.getMakerId()).isEqualTo("teller-abuse");
        // The maker cannot decide it (not even with a supervisor's token), nor a supervisor elsewhere.
        assertError(() -> grant(supervisor("teller-abuse", BRANCH), approvalId), Status.Code.PERMISSION_DENIED,
                "SELF_APPROVAL_FORBIDDEN");
        assertError(() -> grant(supervisor("sup-elsewhere", "branch-elsewhere"), approvalId),
                Status.Code.NOT_FOUND, "APPROVAL_NOT_FOUND");
        assertThat(account(accountId).getBalance()).isEqualTo(eur(0, 0));

        GrantApprovalResponse granted = grant(supervisor("sup-abuse", BRANCH), approvalId);
        assertThat(granted.getTransactionId()).isNotEmpty();
        assertThat(account(accountId).getBalance()).isEqualTo(eur(5_000_000, 0));
        assertThat(fixtures().accounts().listTransactions(ListTransactionsRequest.newBuilder().setAccountId(accountId)
                .build()).getTransactionsList()).singleElement().satisfies(posted -> {
                    assertThat(posted.getTransactionId()).isEqualTo(granted.getTransactionId());
                    assertThat(posted.getCounterparty().getType())
                            .isEqualTo(CounterpartyType.COUNTERPARTY_TYPE_EXTERNAL_CLEARING);
                    assertThat(posted.getCounterparty().getReference()).isEqualTo("SEPA-MANUAL-1");
                });
    }

    @Test
    void aTellersManualClearingCreditUpToTheThresholdPostsAtOnceAndOneCentMoreWaits() {
        String accountId = fixtures().fundedAccount(0);
        // Up to the threshold (1,000 EUR) a manual adjustment posts at once; one cent more waits.
        DepositFundsResponse small = accounts(teller()).depositFunds(clearingCredit(accountId, eur(1_000, 0),
                "SEPA-SMALL"));
        assertThat(small.hasPendingApproval()).isFalse();
        assertThat(small.getAccount().getBalance()).isEqualTo(eur(1_000, 0));
        DepositFundsResponse above = accounts(teller()).depositFunds(clearingCredit(accountId, eur(1_000, 1),
                "SEPA-ABOVE"));
        assertThat(above.hasPendingApproval()).isTrue();
        assertThat(account(accountId).getBalance()).isEqualTo(eur(1_000, 0));
    }

    @Test
    void aTellersLargeClearingDebitWaitsForASupervisorToo() {
        String accountId = fixtures().fundedAccount(5_000);
        WithdrawFundsResponse asked = accounts(teller()).withdrawFunds(clearingDebit(accountId, eur(2_000, 0),
                "SEPA-RETURN"));
        assertThat(asked.hasPendingApproval()).isTrue();
        assertThat(account(accountId).getBalance()).isEqualTo(eur(5_000, 0));
        Approval approval = approvals(supervisor("sup-abuse", BRANCH)).getApproval(GetApprovalRequest.newBuilder()
                .setApprovalId(asked.getPendingApproval().getApprovalId()).build()).getApproval();
        assertThat(approval.getKind()).isEqualTo(ApprovalKind.APPROVAL_KIND_CLEARING_DEBIT);
        grant(supervisor("sup-abuse", BRANCH), approval.getApprovalId());
        assertThat(account(accountId).getBalance()).isEqualTo(eur(3_000, 0));
    }

    @Test
    void aSystemPrincipalOutsideTheClearingFeedPostsNoClearingEntry() {
        String accountId = fixtures().fundedAccount(100);
        Metadata scheduler = TestTokens.headers("batch-scheduler", "SYSTEM", "SYSTEM", claims -> { });
        assertError(() -> accounts(scheduler).depositFunds(clearingCredit(accountId, eur(1, 0), "SEPA-SYS")),
                Status.Code.PERMISSION_DENIED, "CLEARING_NOT_PERMITTED");
        assertError(() -> accounts(scheduler).withdrawFunds(clearingDebit(accountId, eur(1, 0), "SEPA-SYS")),
                Status.Code.PERMISSION_DENIED, "CLEARING_NOT_PERMITTED");
        assertThat(account(accountId).getBalance()).isEqualTo(eur(100, 0));
        // The clearing feed itself posts at once, at any amount.
        assertThat(fixtures().clearingFeed().depositFunds(clearingCredit(accountId, eur(5_000_000, 0), "SEPA-FEED"))
                .getAccount().getBalance()).isEqualTo(eur(5_000_100, 0));
    }

    // -------------------------------------------------------------------------- 3. process holds

    @Test
    void aTellerReleasingATransfersReservationFindsNoneToReleaseAndTheTransferMovesOnce() {
        // A transfer is one transaction: it answers COMPLETED with nothing reserved, so there is no
        // moment at which a teller could free its money (holds of earlier releases' in-flight transfers are
        // refused by the account: AccountTransferTest).
        String source = fixtures().fundedAccount(100);
        String target = fixtures().fundedAccount(0);
        var transfer = as(PaymentServiceGrpc.newBlockingStub(channel()), AccountFixtures.teller())
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .transferFunds(TransferFundsRequest.newBuilder().setRequestId(id()).setSourceAccountId(source)
                        .setTargetAccountId(target).setAmount(eur(60, 0)).setReference("rent").build())
                .getTransfer();
        assertThat(transfer.getStatus()).isEqualTo(TransferStatus.TRANSFER_STATUS_COMPLETED);
        assertThat(account(source).getHoldsList()).isEmpty();
        assertError(() -> accounts(teller()).releaseHold(ReleaseHoldRequest.newBuilder().setRequestId(id())
                        .setAccountId(source).setHoldId(transfer.getTransferId()).build()),
                Status.Code.NOT_FOUND, "HOLD_NOT_FOUND");
        assertThat(account(source).getBalance()).isEqualTo(eur(40, 0));
        assertThat(account(target).getBalance()).isEqualTo(eur(60, 0));
    }

    // ------------------------------------------------------------------------- 5. hostile inputs

    @Test
    void aCloseOfBusinessDateInTheYear999999999IsInvalidForOperatorsAndAuditorsAlike() {
        for (String role : List.of("OPERATOR", "AUDITOR")) {
            var days = as(BusinessDayServiceGrpc.newBlockingStub(channel()),
                    TestTokens.headers(role.toLowerCase() + "-abuse", role, "SYSTEM", claims -> { }))
                    .withDeadlineAfter(10, TimeUnit.SECONDS);
            assertInvalidFields(() -> days.getCloseOfBusiness(GetCloseOfBusinessRequest.newBuilder()
                    .setBusinessDate(Date.newBuilder().setYear(999_999_999).setMonth(1).setDay(1)).build()),
                    "business_date");
            assertInvalidFields(() -> days.getCloseOfBusiness(GetCloseOfBusinessRequest.newBuilder()
                    .setBusinessDate(Date.newBuilder().setYear(10_000).setMonth(1).setDay(1)).build()),
                    "business_date");
        }
    }

    @Test
    void hostileProjectionNamesOnOneRequestIdAnswerAtOnceWithoutEchoingThem() {
        var admin = as(ProjectionAdminServiceGrpc.newBlockingStub(channel()),
                TestTokens.headers("operator-abuse", "OPERATOR", "SYSTEM", claims -> { }));
        String requestId = id();
        String huge = "x".repeat(70_000);
        for (String name : List.of(huge, "account\u0000view", "account-view\uD83D\uDE00", " account-view", "",
                "a".repeat(65))) {
            // A hang would be DEADLINE_EXCEEDED at the client's deadline, not this answer.
            ErrorInfo info = assertError(() -> admin.withDeadlineAfter(5, TimeUnit.SECONDS).rebuildProjection(
                    RebuildProjectionRequest.newBuilder().setRequestId(requestId).setName(name).build()),
                    Status.Code.INVALID_ARGUMENT, "INVALID_FIELD");
            assertThat(info.toString()).doesNotContain("x".repeat(65)).doesNotContain("\u0000");
        }
        // Well-formed but unknown: NOT_FOUND, naming it (it is at most 64 characters).
        ErrorInfo unknown = assertError(() -> admin.withDeadlineAfter(5, TimeUnit.SECONDS).rebuildProjection(
                RebuildProjectionRequest.newBuilder().setRequestId(requestId).setName("b".repeat(64)).build()),
                Status.Code.NOT_FOUND, "PROJECTION_NOT_FOUND");
        assertThat(unknown.getMetadataMap()).containsEntry("name", "b".repeat(64));
        // The name is checked before the request id: a bad name with a bad id reports the name.
        assertInvalidFields(() -> admin.withDeadlineAfter(5, TimeUnit.SECONDS).rebuildProjection(
                RebuildProjectionRequest.newBuilder().setRequestId("").setName(huge).build()), "name");
    }
}
