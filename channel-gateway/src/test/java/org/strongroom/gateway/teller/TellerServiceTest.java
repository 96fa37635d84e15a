package org.strongroom.gateway.teller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.strongroom.gateway.GrpcErrors.assertError;

import com.google.type.Money;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.gateway.AccountFixtures;
import org.strongroom.node.NodeProperties;
import org.strongroom.node.NodeTest;
import org.strongroom.node.TestTokens;
import org.strongroom.proto.account.v1.AccountProduct;
import org.strongroom.proto.account.v1.AccountServiceGrpc;
import org.strongroom.proto.account.v1.ChangeOverdraftLimitRequest;
import org.strongroom.proto.account.v1.Counterparty;
import org.strongroom.proto.account.v1.CounterpartyType;
import org.strongroom.proto.account.v1.DepositFundsRequest;
import org.strongroom.proto.account.v1.DepositFundsResponse;
import org.strongroom.proto.account.v1.FreezeAccountRequest;
import org.strongroom.proto.account.v1.FreezeScope;
import org.strongroom.proto.account.v1.GetAccountRequest;
import org.strongroom.proto.account.v1.ListTransactionsRequest;
import org.strongroom.proto.account.v1.OpenAccountRequest;
import org.strongroom.proto.account.v1.UnfreezeAccountRequest;
import org.strongroom.proto.account.v1.WithdrawFundsRequest;
import org.strongroom.proto.teller.v1.Approval;
import org.strongroom.proto.teller.v1.ApprovalStatus;
import org.strongroom.proto.teller.v1.CashCounterpartyType;
import org.strongroom.proto.teller.v1.CashDirection;
import org.strongroom.proto.teller.v1.CashMovement;
import org.strongroom.proto.teller.v1.CloseTillRequest;
import org.strongroom.proto.teller.v1.GetApprovalRequest;
import org.strongroom.proto.teller.v1.GetTillRequest;
import org.strongroom.proto.teller.v1.GrantApprovalRequest;
import org.strongroom.proto.teller.v1.ListApprovalsRequest;
import org.strongroom.proto.teller.v1.OpenTillRequest;
import org.strongroom.proto.teller.v1.RejectApprovalRequest;
import org.strongroom.proto.teller.v1.TellerServiceGrpc;
import org.strongroom.proto.teller.v1.Till;
import org.strongroom.proto.teller.v1.TillStatus;
import org.strongroom.proto.teller.v1.TransferCashRequest;

/**
 * Branch tellers over the real channel: till balancing, cash in both histories, maker-checker with
 * segregation of duties, and expiry through the persistent deadline.
 */
class TellerServiceTest extends NodeTest {

    /** Each test works at its own branch, so tills (one per teller and day) never collide. */
    private static final AtomicInteger BRANCHES = new AtomicInteger();

    @Autowired
    org.strongroom.node.time.BusinessDateService businessDate;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    NodeProperties properties;

    private static String newBranch() {
        return "branch-t" + BRANCHES.incrementAndGet();
    }

    private TellerServiceGrpc.TellerServiceBlockingStub teller(String who, String branch) {
        return as(TellerServiceGrpc.newBlockingStub(channel()), TestTokens.staff(who, "TELLER", branch))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private TellerServiceGrpc.TellerServiceBlockingStub supervisor(String who, String branch) {
        return as(TellerServiceGrpc.newBlockingStub(channel()), TestTokens.staff(who, "SUPERVISOR", branch))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private AccountServiceGrpc.AccountServiceBlockingStub accounts(String who, String role, String branch) {
        return as(AccountServiceGrpc.newBlockingStub(channel()), TestTokens.staff(who, role, branch))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }

    private static Money eur(long units) {
        return AccountFixtures.eur(units, 0);
    }

    private static Counterparty till(String tillId) {
        return Counterparty.newBuilder().setType(CounterpartyType.COUNTERPARTY_TYPE_TILL).setReference(tillId).build();
    }

    private Till openTill(String who, String branch, long openingFloat) {
        return teller(who, branch).openTill(OpenTillRequest.newBuilder().setRequestId(id())
                .setOpeningFloat(eur(openingFloat)).build()).getTill();
    }

    private static DepositFundsRequest cashIn(String accountId, String tillId, long units) {
        return DepositFundsRequest.newBuilder().setRequestId(id()).setAccountId(accountId).setAmount(eur(units))
                .setCounterparty(till(tillId)).build();
    }

    private static WithdrawFundsRequest cashOut(String accountId, String tillId, long units) {
        return WithdrawFundsRequest.newBuilder().setRequestId(id()).setAccountId(accountId).setAmount(eur(units))
                .setCounterparty(till(tillId)).build();
    }

    private org.strongroom.proto.account.v1.Account account(String accountId) {
        return new AccountFixtures(channel()).accounts().getAccount(GetAccountRequest.newBuilder()
                .setAccountId(accountId).build()).getAccount();
    }

    @Test
    void aTillBalancesAndEveryCashMovementIsInBothHistories() {
        String branch = newBranch();
        String accountId = new AccountFixtures(channel()).fundedAccount(100);
        Till opened = openTill("teller-a", branch, 1000);
        assertThat(opened.getStatus()).isEqualTo(TillStatus.TILL_STATUS_OPEN);
        assertThat(opened.getCash()).isEqualTo(eur(1000));
        var counter = accounts("teller-a", "TELLER", branch);

        DepositFundsResponse deposited = counter.depositFunds(cashIn(accountId, opened.getTillId(), 300));
        assertThat(deposited.hasPendingApproval()).isFalse();
        assertThat(deposited.getAccount().getBalance()).isEqualTo(eur(400));
        var withdrawn = counter.withdrawFunds(cashOut(accountId, opened.getTillId(), 50));
        assertThat(withdrawn.getAccount().getBalance()).isEqualTo(eur(350));
        teller("teller-a", branch).transferCash(TransferCashRequest.newBuilder().setRequestId(id())
                .setTillId(opened.getTillId()).setDirection(CashDirection.CASH_DIRECTION_OUT).setAmount(eur(200))
                .setCounterpartyType(CashCounterpartyType.CASH_COUNTERPARTY_TYPE_VAULT).build());

        Till till = teller("teller-a", branch).getTill(GetTillRequest.newBuilder().setTillId(opened.getTillId())
                .build()).getTill();
        assertThat(till.getCash()).isEqualTo(eur(1000 + 300 - 50 - 200));
        // The same transaction id in the account's history and the till's.
        assertThat(till.getMovementsList()).extracting(CashMovement::getMovementId)
                .contains(deposited.getTransactionId(), withdrawn.getTransactionId());
        var statement = counter.listTransactions(ListTransactionsRequest.newBuilder().setAccountId(accountId).build())
                .getTransactionsList();
        assertThat(statement).filteredOn(t -> t.getTransactionId().equals(deposited.getTransactionId()))
                .singleElement().satisfies(t -> assertThat(t.getCounterparty()).isEqualTo(till(opened.getTillId())));

        Till closed = teller("teller-a", branch).closeTill(CloseTillRequest.newBuilder().setRequestId(id())
                .setTillId(opened.getTillId()).setCounted(eur(1040)).build()).getTill();
        assertThat(closed.getStatus()).isEqualTo(TillStatus.TILL_STATUS_CLOSED);
        assertThat(closed.getVariance()).isEqualTo(eur(-10));
        assertThat(closed.getCounted()).isEqualTo(eur(1040));
        assertError(() -> counter.depositFunds(cashIn(accountId, opened.getTillId(), 5)),
                Status.Code.FAILED_PRECONDITION, "TILL_CLOSED");
        assertThat(account(accountId).getBalance()).isEqualTo(eur(350));
    }

    @Test
    void cashMovesBetweenTillsOfABranch() {
        String branch = newBranch();
        Till mine = openTill("teller-h", branch, 1000);
        Till theirs = openTill("teller-i", branch, 100);
        teller("teller-h", branch).transferCash(TransferCashRequest.newBuilder().setRequestId(id())
                .setTillId(mine.getTillId()).setDirection(CashDirection.CASH_DIRECTION_OUT).setAmount(eur(400))
                .setCounterpartyType(CashCounterpartyType.CASH_COUNTERPARTY_TYPE_TILL)
                .setCounterpartyTillId(theirs.getTillId()).build());
        assertThat(teller("teller-i", branch).getTill(GetTillRequest.newBuilder().setTillId(theirs.getTillId())
                .build()).getTill().getCash()).isEqualTo(eur(500));
        assertThat(teller("teller-h", branch).getTill(GetTillRequest.newBuilder().setTillId(mine.getTillId())
                .build()).getTill().getCash()).isEqualTo(eur(600));
        // Not beyond what the till holds: neither till changes.
        assertError(() -> teller("teller-h", branch).transferCash(TransferCashRequest.newBuilder().setRequestId(id())
                        .setTillId(mine.getTillId()).setDirection(CashDirection.CASH_DIRECTION_OUT)
                        .setAmount(eur(601)).setCounterpartyType(CashCounterpartyType.CASH_COUNTERPARTY_TYPE_TILL)
                        .setCounterpartyTillId(theirs.getTillId()).build()),
                Status.Code.FAILED_PRECONDITION, "TILL_CASH_INSUFFICIENT");
        assertThat(teller("teller-i", branch).getTill(GetTillRequest.newBuilder().setTillId(theirs.getTillId())
                .build()).getTill().getCash()).isEqualTo(eur(500));
    }

    @Test
    void aTellerOpensOneTillADayAndOnlyItsTellerUsesIt() {
        String branch = newBranch();
        String accountId = new AccountFixtures(channel()).fundedAccount(100);
        Till till = openTill("teller-b", branch, 500);
        assertError(() -> openTill("teller-b", branch, 500), Status.Code.ALREADY_EXISTS, "TILL_ALREADY_OPEN");

        openTill("teller-c", branch, 100);
        assertError(() -> accounts("teller-c", "TELLER", branch).depositFunds(cashIn(accountId, till.getTillId(), 5)),
                Status.Code.PERMISSION_DENIED, "TILL_NOT_YOURS");
        // A teller at another branch does not even see it.
        assertError(() -> accounts("teller-b", "TELLER", newBranch())
                        .depositFunds(cashIn(accountId, till.getTillId(), 5)),
                Status.Code.NOT_FOUND, "TILL_NOT_FOUND");
        // Cash out beyond the till's cash: neither the account nor the till changes.
        new AccountFixtures(channel()).clearingFeed().depositFunds(AccountFixtures.deposit(accountId, eur(1000)));
        assertError(() -> accounts("teller-b", "TELLER", branch).withdrawFunds(cashOut(accountId, till.getTillId(),
                600)), Status.Code.FAILED_PRECONDITION, "TILL_CASH_INSUFFICIENT");
        assertThat(account(accountId).getBalance()).isEqualTo(eur(1100));
    }

    @Test
    void customersAgentsAndPartnersNeverMoveCash() {
        String branch = newBranch();
        String accountId = new AccountFixtures(channel()).fundedAccount(100);
        Till till = openTill("teller-d", branch, 500);
        String owner = account(accountId).getCustomerId();
        var customer = as(AccountServiceGrpc.newBlockingStub(channel()), TestTokens.customer(owner, "MOBILE"));
        assertError(() -> customer.withdrawFunds(cashOut(accountId, till.getTillId(), 5)),
                Status.Code.PERMISSION_DENIED, "CASH_NOT_PERMITTED");
        var agent = as(AccountServiceGrpc.newBlockingStub(channel()), TestTokens.agent("agent-1", owner));
        assertError(() -> agent.withdrawFunds(cashOut(accountId, till.getTillId(), 5)),
                Status.Code.PERMISSION_DENIED, "CASH_NOT_PERMITTED");
        var partner = as(AccountServiceGrpc.newBlockingStub(channel()),
                TestTokens.partner("fintech-1", "payments:initiate", List.of(accountId)));
        assertError(() -> partner.withdrawFunds(cashOut(accountId, till.getTillId(), 5)),
                Status.Code.PERMISSION_DENIED, "CASH_NOT_PERMITTED");
        assertThat(account(accountId).getBalance()).isEqualTo(eur(100));
    }

    @Test
    void cashAboveTheThresholdWaitsForAnotherSupervisorOfTheBranch() {
        String branch = newBranch();
        String accountId = new AccountFixtures(channel()).fundedAccount(100);
        Till till = openTill("teller-e", branch, 1000);

        DepositFundsResponse pending = accounts("teller-e", "TELLER", branch)
                .depositFunds(cashIn(accountId, till.getTillId(), 20_000));
        assertThat(pending.hasPendingApproval()).isTrue();
        assertThat(pending.getTransactionId()).isEmpty();
        assertThat(pending.getAccount().getBalance()).isEqualTo(eur(100));
        String approvalId = pending.getPendingApproval().getApprovalId();

        // The queue shows it at once; nothing moved yet.
        assertThat(supervisor("sup-1", branch).listApprovals(ListApprovalsRequest.newBuilder()
                .setStatus(ApprovalStatus.APPROVAL_STATUS_PENDING).build()).getApprovalsList())
                .extracting(Approval::getApprovalId).containsExactly(approvalId);
        assertThat(account(accountId).getBalance()).isEqualTo(eur(100));

        // A teller cannot approve; a supervisor of another branch does not see it.
        assertError(() -> teller("teller-x", branch).grantApproval(GrantApprovalRequest.newBuilder()
                .setRequestId(id()).setApprovalId(approvalId).build()), Status.Code.PERMISSION_DENIED,
                "ROLE_NOT_PERMITTED");
        assertError(() -> supervisor("sup-9", newBranch()).grantApproval(GrantApprovalRequest.newBuilder()
                .setRequestId(id()).setApprovalId(approvalId).build()), Status.Code.NOT_FOUND, "APPROVAL_NOT_FOUND");

        var granted = supervisor("sup-1", branch).grantApproval(GrantApprovalRequest.newBuilder()
                .setRequestId(id()).setApprovalId(approvalId).build());
        assertThat(granted.getApproval().getStatus()).isEqualTo(ApprovalStatus.APPROVAL_STATUS_APPROVED);
        assertThat(granted.getApproval().getMakerId()).isEqualTo("teller-e");
        assertThat(granted.getApproval().getCheckerId()).isEqualTo("sup-1");
        assertThat(account(accountId).getBalance()).isEqualTo(eur(20_100));
        assertThat(teller("teller-e", branch).getTill(GetTillRequest.newBuilder().setTillId(till.getTillId())
                .build()).getTill().getCash()).isEqualTo(eur(21_000));
        // Maker, checker and approval are in the posting's event.
        String metadata = new String(jdbc.queryForObject("SELECT meta_data FROM domain_event_entry "
                + "WHERE aggregate_identifier = ? ORDER BY sequence_number DESC LIMIT 1", byte[].class, accountId),
                StandardCharsets.UTF_8);
        assertThat(metadata).contains("\"makerId\":\"teller-e\"").contains("\"checkerId\":\"sup-1\"")
                .contains("\"approvalId\":\"" + approvalId + "\"");

        assertError(() -> supervisor("sup-2", branch).grantApproval(GrantApprovalRequest.newBuilder()
                .setRequestId(id()).setApprovalId(approvalId).build()), Status.Code.FAILED_PRECONDITION,
                "APPROVAL_NOT_PENDING");
        assertThat(account(accountId).getBalance()).isEqualTo(eur(20_100));
    }

    @Test
    void aSupervisorCannotApproveItsOwnRequest() {
        String branch = newBranch();
        String accountId = new AccountFixtures(channel()).fundedAccount(100);
        var supervisorDesk = accounts("sup-3", "SUPERVISOR", branch);
        supervisorDesk.freezeAccount(FreezeAccountRequest.newBuilder().setRequestId(id()).setAccountId(accountId)
                .setScope(FreezeScope.FREEZE_SCOPE_DEBITS).setReason("fraud review").build());
        var unfreeze = supervisorDesk.unfreezeAccount(UnfreezeAccountRequest.newBuilder().setRequestId(id())
                .setAccountId(accountId).setReason("cleared").build());
        assertThat(unfreeze.getAccount().hasFreeze()).isTrue();
        String approvalId = unfreeze.getPendingApproval().getApprovalId();

        assertError(() -> supervisor("sup-3", branch).grantApproval(GrantApprovalRequest.newBuilder()
                .setRequestId(id()).setApprovalId(approvalId).build()), Status.Code.PERMISSION_DENIED,
                "SELF_APPROVAL_FORBIDDEN");
        var rejected = supervisor("sup-4", branch).rejectApproval(RejectApprovalRequest.newBuilder()
                .setRequestId(id()).setApprovalId(approvalId).setReason("not yet cleared").build()).getApproval();
        assertThat(rejected.getStatus()).isEqualTo(ApprovalStatus.APPROVAL_STATUS_REJECTED);
        assertThat(rejected.getDecisionReason()).isEqualTo("not yet cleared");
        assertThat(account(accountId).hasFreeze()).isTrue();

        String second = supervisorDesk.unfreezeAccount(UnfreezeAccountRequest.newBuilder().setRequestId(id())
                .setAccountId(accountId).setReason("cleared now").build()).getPendingApproval().getApprovalId();
        supervisor("sup-4", branch).grantApproval(GrantApprovalRequest.newBuilder().setRequestId(id())
                .setApprovalId(second).build());
        assertThat(account(accountId).hasFreeze()).isFalse();
    }

    @Test
    void anOverdraftChangeTakesEffectOnlyWhenGranted() {
        String branch = newBranch();
        AccountFixtures fixtures = new AccountFixtures(channel());
        String customerId = fixtures.customer();
        String accountId = fixtures.accounts().openAccount(OpenAccountRequest.newBuilder().setRequestId(id())
                .setCustomerId(customerId).setCurrencyCode("EUR").setProduct(AccountProduct.ACCOUNT_PRODUCT_CURRENT)
                .build()).getAccount().getAccountId();
        var desk = accounts("teller-f", "TELLER", branch);
        var change = desk.changeOverdraftLimit(ChangeOverdraftLimitRequest.newBuilder().setRequestId(id())
                .setAccountId(accountId).setOverdraftLimit(eur(500)).setReason("salary account").build());
        assertThat(change.getAccount().getOverdraftLimit()).isEqualTo(eur(0));
        assertError(() -> desk.changeOverdraftLimit(ChangeOverdraftLimitRequest.newBuilder().setRequestId(id())
                        .setAccountId(accountId).setOverdraftLimit(AccountFixtures.eur(-1, 0)).setReason("x").build()),
                Status.Code.INVALID_ARGUMENT, "INVALID_FIELD");

        supervisor("sup-5", branch).grantApproval(GrantApprovalRequest.newBuilder().setRequestId(id())
                .setApprovalId(change.getPendingApproval().getApprovalId()).build());
        var account = account(accountId);
        assertThat(account.getOverdraftLimit()).isEqualTo(eur(500));
        assertThat(account.getAvailable()).isEqualTo(eur(500));
    }

    @Test
    void aRequestNobodyDecidesExpiresThroughThePersistentDeadline() throws InterruptedException {
        String branch = newBranch();
        String accountId = new AccountFixtures(channel()).fundedAccount(100);
        Till till = openTill("teller-g", branch, 1000);
        Duration configured = properties.getApprovals().getExpireAfter();
        String approvalId;
        try {
            // The bank clock here is behind the scheduler's wall clock, so a short expiry is due at once.
            properties.getApprovals().setExpireAfter(Duration.ofSeconds(1));
            approvalId = accounts("teller-g", "TELLER", branch).withdrawFunds(cashOut(accountId, till.getTillId(),
                    15_000)).getPendingApproval().getApprovalId();
        } finally {
            properties.getApprovals().setExpireAfter(configured);
        }
        Approval approval = null;
        Instant giveUp = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(giveUp)) {
            approval = supervisor("sup-6", branch).getApproval(GetApprovalRequest.newBuilder()
                    .setApprovalId(approvalId).build()).getApproval();
            if (approval.getStatus() == ApprovalStatus.APPROVAL_STATUS_EXPIRED) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(approval.getStatus()).isEqualTo(ApprovalStatus.APPROVAL_STATUS_EXPIRED);
        var info = assertError(() -> supervisor("sup-6", branch).grantApproval(GrantApprovalRequest.newBuilder()
                .setRequestId(id()).setApprovalId(approvalId).build()), Status.Code.FAILED_PRECONDITION,
                "APPROVAL_NOT_PENDING");
        assertThat(info.getMetadataMap()).containsEntry("status", "EXPIRED");
        assertThat(account(accountId).getBalance()).isEqualTo(eur(100));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ? "
                + "AND payload_type LIKE '%ApprovalExpiredEvent'", Long.class, approvalId)).isEqualTo(1);
        // Recorded on the business day the deadline fired, like every event.
        String metadata = new String(jdbc.queryForObject("SELECT meta_data FROM domain_event_entry "
                + "WHERE aggregate_identifier = ? AND payload_type LIKE '%ApprovalExpiredEvent'", byte[].class,
                approvalId), StandardCharsets.UTF_8);
        assertThat(metadata).contains("\"businessDate\":\"" + businessDate.current() + "\"");
    }
}
