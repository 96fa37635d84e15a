package org.strongroom.gateway.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.strongroom.gateway.GrpcErrors.assertError;
import static org.strongroom.gateway.GrpcErrors.assertInvalidFields;

import com.google.type.Date;
import io.grpc.Status;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.strongroom.gateway.AccountFixtures;
import org.strongroom.gateway.grpc.ProtoTime;
import org.strongroom.node.NodeTest;
import org.strongroom.node.TestTokens;
import org.strongroom.node.time.BusinessDateService;
import org.strongroom.proto.account.v1.Account;
import org.strongroom.proto.account.v1.AccountProduct;
import org.strongroom.proto.account.v1.CloseAccountRequest;
import org.strongroom.proto.account.v1.CounterpartyType;
import org.strongroom.proto.account.v1.GetAccountRequest;
import org.strongroom.proto.account.v1.ListTransactionsRequest;
import org.strongroom.proto.account.v1.OpenAccountRequest;
import org.strongroom.proto.payment.v1.GetTransferRequest;
import org.strongroom.proto.payment.v1.ListTransfersRequest;
import org.strongroom.proto.payment.v1.PaymentServiceGrpc;
import org.strongroom.proto.payment.v1.Transfer;
import org.strongroom.proto.payment.v1.TransferFundsRequest;
import org.strongroom.proto.payment.v1.TransferStatus;

/**
 * Transfers over gRPC: completion, every compensation, idempotency, ownership, conservation under load,
 * and dated transfers (their execution on the date: ScheduledTransfersTest).
 */
class PaymentServiceTest extends NodeTest {

    @Autowired
    BusinessDateService businessDate;

    private AccountFixtures fixtures() {
        return new AccountFixtures(channel());
    }

    private Account account(String accountId) {
        return fixtures().accounts().getAccount(GetAccountRequest.newBuilder().setAccountId(accountId).build())
                .getAccount();
    }

    private PaymentServiceGrpc.PaymentServiceBlockingStub payments() {
        return as(PaymentServiceGrpc.newBlockingStub(channel()), AccountFixtures.teller())
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static TransferFundsRequest transfer(String source, String target, long euros) {
        return TransferFundsRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setSourceAccountId(source).setTargetAccountId(target).setAmount(AccountFixtures.eur(euros, 0))
                .setReference("rent November").build();
    }

    private static TransferFundsRequest dated(TransferFundsRequest request, LocalDate executionDate) {
        return dated(request, ProtoTime.toProto(executionDate));
    }

    private static TransferFundsRequest dated(TransferFundsRequest request, Date executionDate) {
        return request.toBuilder().setExecutionDate(executionDate).build();
    }

    private static Date date(int year, int month, int day) {
        return Date.newBuilder().setYear(year).setMonth(month).setDay(day).build();
    }

    private List<Transfer> transfersOf(String accountId) {
        return payments().listTransfers(ListTransfersRequest.newBuilder().setAccountId(accountId).build())
                .getTransfersList();
    }

    @Test
    void aTransferDatedLaterAnswersScheduledAndMovesNothingYet() {
        String source = fixtures().fundedAccount(100);
        String target = fixtures().fundedAccount(0);
        LocalDate due = businessDate.current().plusDays(2);
        TransferFundsRequest request = dated(transfer(source, target, 40), due);
        Transfer scheduled = payments().transferFunds(request).getTransfer();
        assertThat(scheduled.getStatus()).isEqualTo(TransferStatus.TRANSFER_STATUS_SCHEDULED);
        assertThat(scheduled.getExecutionDate()).isEqualTo(ProtoTime.toProto(due));
        assertThat(scheduled.getFailureReason()).isEmpty();
        // Nothing reserved, nothing moved.
        assertThat(account(source).getBalance()).isEqualTo(AccountFixtures.eur(100, 0));
        assertThat(account(source).getAvailable()).isEqualTo(AccountFixtures.eur(100, 0));
        assertThat(account(source).getHoldsList()).isEmpty();
        assertThat(account(target).getBalance()).isEqualTo(AccountFixtures.eur(0, 0));
        assertThat(payments().getTransfer(GetTransferRequest.newBuilder().setTransferId(scheduled.getTransferId())
                .build()).getTransfer()).isEqualTo(scheduled);
        assertThat(transfersOf(target)).containsExactly(scheduled);
        // A retry is the same scheduled transfer; another date under the same request_id is another request.
        assertThat(payments().transferFunds(request).getTransfer()).isEqualTo(scheduled);
        assertError(() -> payments().transferFunds(dated(request, due.plusDays(1))), Status.Code.ALREADY_EXISTS,
                "REQUEST_ID_REUSED");
    }

    @Test
    void aTransferDatedTheBusinessDateIsCarriedOutAtOnce() {
        String source = fixtures().fundedAccount(100);
        String target = fixtures().fundedAccount(0);
        Transfer done = payments().transferFunds(dated(transfer(source, target, 40), businessDate.current()))
                .getTransfer();
        assertThat(done.getStatus()).isEqualTo(TransferStatus.TRANSFER_STATUS_COMPLETED);
        assertThat(done.hasExecutionDate()).isFalse();
        assertThat(account(source).getBalance()).isEqualTo(AccountFixtures.eur(60, 0));
        assertThat(account(target).getBalance()).isEqualTo(AccountFixtures.eur(40, 0));
    }

    @Test
    void anExecutionDateBeforeTheBusinessDateIsInvalid() {
        String source = fixtures().fundedAccount(100);
        String target = fixtures().fundedAccount(0);
        TransferFundsRequest yesterday = dated(transfer(source, target, 40), businessDate.current().minusDays(1));
        assertInvalidFields(() -> payments().transferFunds(yesterday), "execution_date");
        // Refused as the first outcome of its request_id, and nothing recorded.
        assertInvalidFields(() -> payments().transferFunds(yesterday), "execution_date");
        assertThat(transfersOf(source)).isEmpty();
        assertThat(account(source).getAvailable()).isEqualTo(AccountFixtures.eur(100, 0));
    }

    @Test
    void anExecutionDateThatIsNoCalendarDateIsInvalid() {
        String source = fixtures().fundedAccount(100);
        String target = fixtures().fundedAccount(0);
        for (Date impossible : List.of(date(2026, 13, 1), date(2026, 12, 0), date(0, 12, 24), date(2027, 2, 29),
                date(2026, 0, 0), date(10_000, 1, 1), date(2026, 12, -1))) {
            assertInvalidFields(() -> payments().transferFunds(dated(transfer(source, target, 40), impossible)),
                    "execution_date");
        }
        // Reported with the request's other bad fields, in one answer.
        assertInvalidFields(() -> payments().transferFunds(dated(transfer(source, target, 40), date(2026, 13, 1))
                .toBuilder().clearAmount().build()), "amount", "execution_date");
        assertThat(transfersOf(source)).isEmpty();
    }

    @Test
    void anExecutionDateMoreThan366DaysAheadIsInvalid() {
        String source = fixtures().fundedAccount(100);
        String target = fixtures().fundedAccount(0);
        LocalDate today = businessDate.current();
        assertInvalidFields(() -> payments().transferFunds(dated(transfer(source, target, 40), today.plusDays(367))),
                "execution_date");
        assertThat(payments().transferFunds(dated(transfer(source, target, 40), today.plusDays(366))).getTransfer()
                .getStatus()).isEqualTo(TransferStatus.TRANSFER_STATUS_SCHEDULED);
    }

    @Test
    void schedulingChecksTheAccountsTheCallersRightAndThePerTransactionLimitAtOnce() {
        String mine = fixtures().fundedAccount(300);
        String theirs = fixtures().fundedAccount(100);
        String me = account(mine).getCustomerId();
        LocalDate due = businessDate.current().plusDays(5);
        var phone = as(PaymentServiceGrpc.newBlockingStub(channel()), TestTokens.customer(me, "MOBILE"))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        assertError(() -> phone.transferFunds(dated(transfer(theirs, mine, 10), due)), Status.Code.NOT_FOUND,
                "ACCOUNT_NOT_FOUND");
        assertError(() -> phone.transferFunds(dated(transfer(mine, UUID.randomUUID().toString(), 10), due)),
                Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND");
        // SELF_SERVICE allows 200 per transaction in tests: known today, so refused today.
        var kiosk = as(PaymentServiceGrpc.newBlockingStub(channel()), TestTokens.customer(me, "SELF_SERVICE"))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        var info = assertError(() -> kiosk.transferFunds(dated(transfer(mine, theirs, 250), due)),
                Status.Code.FAILED_PRECONDITION, "TRANSACTION_LIMIT_EXCEEDED");
        assertThat(info.getMetadataMap()).containsEntry("channel", "SELF_SERVICE").containsEntry("limit", "200");
        assertThat(kiosk.transferFunds(dated(transfer(mine, theirs, 150), due)).getTransfer().getStatus())
                .isEqualTo(TransferStatus.TRANSFER_STATUS_SCHEDULED);
        assertThat(transfersOf(theirs)).hasSize(1);
    }

    @Test
    void aTransferCompletesAndShowsOnBothStatements() {
        String source = fixtures().fundedAccount(100);
        String target = fixtures().fundedAccount(10);
        Transfer done = payments().transferFunds(transfer(source, target, 40)).getTransfer();
        assertThat(done.getStatus()).isEqualTo(TransferStatus.TRANSFER_STATUS_COMPLETED);
        // Answered once done, so the balances read next are the new ones.
        assertThat(account(source).getBalance()).isEqualTo(AccountFixtures.eur(60, 0));
        assertThat(account(source).getAvailable()).isEqualTo(AccountFixtures.eur(60, 0));
        assertThat(account(target).getBalance()).isEqualTo(AccountFixtures.eur(50, 0));
        for (String accountId : List.of(source, target)) {
            var statement = fixtures().accounts().listTransactions(ListTransactionsRequest.newBuilder()
                    .setAccountId(accountId).build()).getTransactionsList();
            assertThat(statement.get(0).getTransactionId()).isEqualTo(done.getTransferId());
            assertThat(statement.get(0).getCounterparty().getType())
                    .isEqualTo(CounterpartyType.COUNTERPARTY_TYPE_TRANSFER);
        }
        assertThat(payments().listTransfers(ListTransfersRequest.newBuilder().setAccountId(target).build())
                .getTransfersList()).extracting(Transfer::getTransferId).containsExactly(done.getTransferId());
        assertThat(payments().getTransfer(GetTransferRequest.newBuilder().setTransferId(done.getTransferId())
                .build()).getTransfer()).isEqualTo(done);
    }

    @Test
    void aRetryWithTheSameRequestIdIsTheSameTransfer() {
        String source = fixtures().fundedAccount(100);
        String target = fixtures().fundedAccount(0);
        TransferFundsRequest request = transfer(source, target, 30);
        Transfer first = payments().transferFunds(request).getTransfer();
        Transfer again = payments().transferFunds(request).getTransfer();
        assertThat(again.getTransferId()).isEqualTo(first.getTransferId());
        assertThat(account(source).getBalance()).isEqualTo(AccountFixtures.eur(70, 0));
        assertError(() -> payments().transferFunds(request.toBuilder().setAmount(AccountFixtures.eur(31, 0)).build()),
                Status.Code.ALREADY_EXISTS, "REQUEST_ID_REUSED");
    }

    @Test
    void insufficientFundsFailTheTransferAndMoveNothing() {
        String source = fixtures().fundedAccount(100);
        String target = fixtures().fundedAccount(0);
        Transfer failed = payments().transferFunds(transfer(source, target, 101)).getTransfer();
        assertThat(failed.getStatus()).isEqualTo(TransferStatus.TRANSFER_STATUS_FAILED);
        assertThat(failed.getFailureReason()).isEqualTo("INSUFFICIENT_FUNDS");
        assertThat(account(source).getAvailable()).isEqualTo(AccountFixtures.eur(100, 0));
        assertThat(account(target).getBalance()).isEqualTo(AccountFixtures.eur(0, 0));
    }

    @Test
    void aClosedTargetRefusesAndTheReservationIsReleased() {
        String source = fixtures().fundedAccount(100);
        String customer = fixtures().customer();
        String target = fixtures().accounts().openAccount(OpenAccountRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setCustomerId(customer).setCurrencyCode("EUR")
                .setProduct(AccountProduct.ACCOUNT_PRODUCT_SAVINGS).build()).getAccount().getAccountId();
        fixtures().accounts().closeAccount(CloseAccountRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setAccountId(target).build());
        Transfer failed = payments().transferFunds(transfer(source, target, 20)).getTransfer();
        assertThat(failed.getStatus()).isEqualTo(TransferStatus.TRANSFER_STATUS_FAILED);
        assertThat(failed.getFailureReason()).isEqualTo("ACCOUNT_CLOSED");
        assertThat(account(source).getBalance()).isEqualTo(AccountFixtures.eur(100, 0));
        assertThat(account(source).getAvailable()).isEqualTo(AccountFixtures.eur(100, 0));
        assertThat(account(source).getHoldsList()).isEmpty();
    }

    @Test
    void anotherCurrencyIsRefusedByTheTarget() {
        String source = fixtures().fundedAccount(100);
        String customer = fixtures().customer();
        String usd = fixtures().accounts().openAccount(OpenAccountRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setCustomerId(customer).setCurrencyCode("USD")
                .setProduct(AccountProduct.ACCOUNT_PRODUCT_CURRENT).build()).getAccount().getAccountId();
        Transfer failed = payments().transferFunds(transfer(source, usd, 20)).getTransfer();
        assertThat(failed.getStatus()).isEqualTo(TransferStatus.TRANSFER_STATUS_FAILED);
        assertThat(failed.getFailureReason()).isEqualTo("CURRENCY_MISMATCH");
        assertThat(account(source).getAvailable()).isEqualTo(AccountFixtures.eur(100, 0));
    }

    @Test
    void aCustomerPaysFromItsOwnAccountsOnlyToAnyAccount() {
        String mine = fixtures().fundedAccount(100);
        String theirs = fixtures().fundedAccount(100);
        String me = account(mine).getCustomerId();
        var phone = as(PaymentServiceGrpc.newBlockingStub(channel()), TestTokens.customer(me, "MOBILE"))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        assertThat(phone.transferFunds(transfer(mine, theirs, 10)).getTransfer().getStatus())
                .isEqualTo(TransferStatus.TRANSFER_STATUS_COMPLETED);
        assertError(() -> phone.transferFunds(transfer(theirs, mine, 10)), Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND");
        assertError(() -> phone.listTransfers(ListTransfersRequest.newBuilder().setAccountId(theirs).build()),
                Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND");
        assertThat(account(theirs).getBalance()).isEqualTo(AccountFixtures.eur(110, 0));
        assertError(() -> payments().transferFunds(transfer(mine, UUID.randomUUID().toString(), 1)),
                Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND");
        assertError(() -> payments().transferFunds(transfer(mine, mine, 1)), Status.Code.INVALID_ARGUMENT,
                "INVALID_FIELD");
    }

    @Test
    void concurrentTransfersConserveMoneyAndNeverOverdraw() throws Exception {
        int accounts = 5;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            ids.add(fixtures().fundedAccount(100));
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Transfer>> results = new ArrayList<>();
            Random random = new Random(7);
            for (int i = 0; i < 60; i++) {
                int from = random.nextInt(accounts);
                int to = (from + 1 + random.nextInt(accounts - 1)) % accounts;
                long euros = 1 + random.nextInt(60);
                results.add(pool.submit(() -> payments().transferFunds(transfer(ids.get(from), ids.get(to), euros))
                        .getTransfer()));
            }
            for (Future<Transfer> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS).getStatus()).isIn(TransferStatus.TRANSFER_STATUS_COMPLETED,
                        TransferStatus.TRANSFER_STATUS_FAILED);
            }
        } finally {
            pool.shutdownNow();
        }
        BigDecimal total = BigDecimal.ZERO;
        for (String id : ids) {
            Account account = account(id);
            assertThat(account.getBalance().getUnits()).isGreaterThanOrEqualTo(0);
            assertThat(account.getHoldsList()).isEmpty();
            total = total.add(BigDecimal.valueOf(account.getBalance().getUnits()));
        }
        assertThat(total).isEqualByComparingTo("500");
    }

    @Autowired
    org.axonframework.commandhandling.gateway.CommandGateway commandGateway;
    @Autowired
    org.springframework.jdbc.core.JdbcTemplate jdbc;
    @Autowired
    TransferProcessStandby transferProcess;

    @Test
    void aTransferRecordedForAMissingAccountFailsWithoutStallingTheOthers() throws Exception {
        String target = fixtures().fundedAccount(0);
        String funded = fixtures().fundedAccount(50);
        assertThat(ghostTransfer(UUID.randomUUID().toString(), target)).isEqualTo("FAILED/ACCOUNT_NOT_FOUND");
        // A missing target: the source's reservation is released, nothing moves.
        assertThat(ghostTransfer(funded, UUID.randomUUID().toString())).isEqualTo("FAILED/ACCOUNT_NOT_FOUND");
        // (the account view follows the release on its own processor)
        java.time.Instant until = java.time.Instant.now().plusSeconds(10);
        while (!account(funded).getHoldsList().isEmpty() && java.time.Instant.now().isBefore(until)) {
            Thread.sleep(20);
        }
        assertThat(account(funded).getHoldsList()).isEmpty();
        assertThat(account(funded).getAvailable()).isEqualTo(AccountFixtures.eur(50, 0));
        String source = fixtures().fundedAccount(10);
        assertThat(payments().transferFunds(transfer(source, target, 5)).getTransfer().getStatus())
                .isEqualTo(TransferStatus.TRANSFER_STATUS_COMPLETED);
    }

    /** Records a transfer past the gateway's checks (as only a bug or another writer could); its end. */
    private String ghostTransfer(String source, String target) throws InterruptedException {
        String transferId = UUID.randomUUID().toString();
        commandGateway.sendAndWait(org.axonframework.commandhandling.GenericCommandMessage.asCommandMessage(
                new org.strongroom.payment.api.TransferApi.RequestTransferCommand(transferId,
                        source, target,
                        new org.strongroom.kernel.Money(new BigDecimal("5.00"), java.util.Currency.getInstance("EUR")),
                        "ghost", org.strongroom.account.api.DebitLimits.NONE,
                        org.strongroom.account.api.DebitLimits.NONE, null, java.time.LocalDate.of(2026, 11, 23)))
                .andMetaData(java.util.Map.of(org.strongroom.kernel.MetadataKeys.BUSINESS_DATE, "2026-11-23")));
        // Such a record is a transfer of the earlier, step-by-step process: the node runs that process
        // while one is in flight (as it decides when it starts).
        transferProcess.runWhileTransfersAreInFlight();
        java.time.Instant giveUp = java.time.Instant.now().plusSeconds(30);
        String status = null;
        while (java.time.Instant.now().isBefore(giveUp)) {
            status = jdbc.query("SELECT status || '/' || COALESCE(failure_reason, '') FROM transfer_view "
                    + "WHERE transfer_id = ?", (rs, n) -> rs.getString(1), transferId).stream().findFirst().orElse(null);
            if (status != null && !status.startsWith("PENDING")) {
                break;
            }
            Thread.sleep(50);
        }
        if (status != null && status.startsWith("PENDING")) {
            // What the process was doing, for whoever reads the failure.
            status += " (transfer process: " + as(org.strongroom.proto.admin.v1.ProjectionAdminServiceGrpc
                    .newBlockingStub(channel()), org.strongroom.node.TestTokens.headers("ops-1", "OPERATOR", "SYSTEM",
                    claims -> { })).listProjections(org.strongroom.proto.admin.v1.ListProjectionsRequest
                    .getDefaultInstance()).getProcessesList() + ")";
        }
        return status;
    }
}
