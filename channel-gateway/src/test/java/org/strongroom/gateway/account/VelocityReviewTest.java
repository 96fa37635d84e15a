package org.strongroom.gateway.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.strongroom.gateway.GrpcErrors.assertError;

import io.grpc.Status;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.strongroom.gateway.AccountFixtures;
import org.strongroom.node.NodeTest;
import org.strongroom.node.TestTokens;
import org.strongroom.proto.account.v1.AccountServiceGrpc;
import org.strongroom.proto.account.v1.GetAccountRequest;
import org.strongroom.proto.account.v1.ListTransactionsRequest;
import org.strongroom.proto.account.v1.ReleaseHoldRequest;
import org.strongroom.proto.account.v1.Transaction;
import org.strongroom.proto.account.v1.WithdrawFundsRequest;
import org.strongroom.proto.account.v1.WithdrawFundsResponse;
import org.strongroom.proto.teller.v1.Approval;
import org.strongroom.proto.teller.v1.ApprovalKind;
import org.strongroom.proto.teller.v1.GetApprovalRequest;
import org.strongroom.proto.teller.v1.GrantApprovalRequest;
import org.strongroom.proto.teller.v1.RejectApprovalRequest;
import org.strongroom.proto.teller.v1.TellerServiceGrpc;

/**
 * The velocity rule over gRPC (MOBILE: more than 10,000 within 10 minutes, application.yml): the debit
 * that crosses it is held for review, and a supervisor of the review desk executes or releases it.
 */
class VelocityReviewTest extends NodeTest {

    private String accountId;
    private String owner;

    private AccountServiceGrpc.AccountServiceBlockingStub phone() {
        return as(AccountServiceGrpc.newBlockingStub(channel()), TestTokens.customer(owner, "MOBILE"))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private TellerServiceGrpc.TellerServiceBlockingStub reviewer(String who) {
        return as(TellerServiceGrpc.newBlockingStub(channel()), TestTokens.staff(who, "SUPERVISOR", "fraud-review"))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static WithdrawFundsRequest payment(String accountId, long euros) {
        return WithdrawFundsRequest.newBuilder().setRequestId(UUID.randomUUID().toString()).setAccountId(accountId)
                .setAmount(AccountFixtures.eur(euros, 0)).setCounterparty(AccountFixtures.clearing("SEPA-OUT"))
                .build();
    }

    private WithdrawFundsResponse heldPayment() {
        AccountFixtures fixtures = new AccountFixtures(channel());
        accountId = fixtures.fundedAccount(30_000);
        owner = fixtures.accounts().getAccount(GetAccountRequest.newBuilder().setAccountId(accountId).build())
                .getAccount().getCustomerId();
        assertThat(phone().withdrawFunds(payment(accountId, 6_000)).hasPendingApproval()).isFalse();
        WithdrawFundsResponse held = phone().withdrawFunds(payment(accountId, 4_001));
        assertThat(held.hasPendingApproval()).isTrue();
        assertThat(held.getTransactionId()).isEmpty();
        // Not executed, but reserved: the balance stands, the available funds do not.
        assertThat(held.getAccount().getBalance()).isEqualTo(AccountFixtures.eur(24_000, 0));
        assertThat(held.getAccount().getAvailable()).isEqualTo(AccountFixtures.eur(19_999, 0));
        return held;
    }

    @Test
    void aGrantedReviewExecutesTheHeldDebitOnce() {
        WithdrawFundsResponse held = heldPayment();
        String approvalId = held.getPendingApproval().getApprovalId();
        Approval approval = reviewer("fraud-sup-1").getApproval(GetApprovalRequest.newBuilder()
                .setApprovalId(approvalId).build()).getApproval();
        assertThat(approval.getKind()).isEqualTo(ApprovalKind.APPROVAL_KIND_DEBIT_REVIEW);
        assertThat(approval.getMakerId()).isEqualTo(owner);
        assertThat(approval.getReason()).contains("more than 10000 debited on MOBILE");
        // A branch supervisor is not the review desk.
        assertError(() -> as(TellerServiceGrpc.newBlockingStub(channel()),
                        TestTokens.staff("sup-b", "SUPERVISOR", "branch-1")).getApproval(GetApprovalRequest
                        .newBuilder().setApprovalId(approvalId).build()), Status.Code.NOT_FOUND, "APPROVAL_NOT_FOUND");

        var granted = reviewer("fraud-sup-1").grantApproval(GrantApprovalRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setApprovalId(approvalId).build());
        assertThat(granted.getTransactionId()).isEqualTo(approval.getTransactionId());
        var account = phone().getAccount(GetAccountRequest.newBuilder().setAccountId(accountId).build()).getAccount();
        assertThat(account.getBalance()).isEqualTo(AccountFixtures.eur(19_999, 0));
        assertThat(account.getAvailable()).isEqualTo(AccountFixtures.eur(19_999, 0));
        assertThat(phone().listTransactions(ListTransactionsRequest.newBuilder().setAccountId(accountId).build())
                .getTransactionsList()).extracting(Transaction::getTransactionId)
                .containsOnlyOnce(approval.getTransactionId());
    }

    @Test
    void aTellerReleasingTheHoldOfADebitUnderReviewIsRefused() {
        WithdrawFundsResponse held = heldPayment();
        String holdId = held.getAccount().getHoldsList().get(0).getHoldId();
        var info = assertError(() -> new AccountFixtures(channel()).accounts().releaseHold(ReleaseHoldRequest
                        .newBuilder().setRequestId(UUID.randomUUID().toString()).setAccountId(accountId)
                        .setHoldId(holdId).build()), Status.Code.FAILED_PRECONDITION, "HOLD_HELD_BY_PROCESS");
        assertThat(info.getMetadataMap()).containsEntry("held_by", "debit-review");
        var account = phone().getAccount(GetAccountRequest.newBuilder().setAccountId(accountId).build()).getAccount();
        assertThat(account.getAvailable()).isEqualTo(AccountFixtures.eur(19_999, 0));
    }

    @Test
    void aRejectedReviewReleasesTheFunds() {
        WithdrawFundsResponse held = heldPayment();
        reviewer("fraud-sup-2").rejectApproval(RejectApprovalRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setApprovalId(held.getPendingApproval().getApprovalId())
                .setReason("customer denies the payment").build());
        var account = phone().getAccount(GetAccountRequest.newBuilder().setAccountId(accountId).build()).getAccount();
        assertThat(account.getBalance()).isEqualTo(AccountFixtures.eur(24_000, 0));
        assertThat(account.getAvailable()).isEqualTo(AccountFixtures.eur(24_000, 0));
        assertThat(account.getHoldsList()).isEmpty();
    }
}
