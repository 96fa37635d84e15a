package org.strongroom.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.gateway.loan.LoanTestAccess;
import org.strongroom.node.NodeTest;
import org.strongroom.node.time.BusinessDateService;

/**
 * Close of business starts the transfers dated its date and is idempotent per (loan, date): a run that
 * stops part-way (as a crash would, between
 * two loans' transactions) leaves the date open and the finished loans closed; running the date again
 * closes only the rest; asking for a date already closed answers with its run and writes nothing.
 */
class CloseOfBusinessTest extends NodeTest {

    private static final LocalDate DUE = LocalDate.of(2026, 11, 30);

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    BusinessDateService businessDate;
    @Autowired
    CloseOfBusiness closeOfBusiness;
    @Autowired
    org.strongroom.node.loan.LoanProperties loanProperties;

    private LoanTestAccess loans;

    @BeforeEach
    void setUp() {
        loans = new LoanTestAccess(channel(), jdbc, businessDate);
        loans.resetBusinessDate();
    }

    @AfterEach
    void tearDown() {
        closeOfBusiness.stopAfterLoans = 0;
        loanProperties.setCobSegments(8);
        loanProperties.setCobBatchSize(50);
        loans.resetBusinessDate();
    }

    private long events(String type, String loanId, LocalDate date) {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ? "
                        + "AND payload_type LIKE '%' || ? AND convert_from(payload, 'UTF8') LIKE ?", Long.class,
                loanId, type, "%\"businessDate\":\"" + date + "\"%");
    }

    private void awaitCompleted(String transferId) throws InterruptedException {
        java.time.Instant giveUp = java.time.Instant.now().plusSeconds(30);
        String status = null;
        while (java.time.Instant.now().isBefore(giveUp)) {
            status = jdbc.queryForObject("SELECT status FROM transfer_view WHERE transfer_id = ?", String.class,
                    transferId);
            if (status.equals("COMPLETED")) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the dated transfer is " + status);
    }

    @Test
    void aStoppedRunResumesAndNothingHappensTwice() throws Exception {
        // Four weekly micro loans, first instalment due on 2026-11-30, with money in the accounts to collect.
        List<String> loanIds = new ArrayList<>();
        List<String> accountIds = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            LoanTestAccess.Borrower borrower = loans.borrowerWithLoan("MICRO-EUR", 200, 4);
            loanIds.add(borrower.loanId());
            accountIds.add(borrower.accountId());
        }
        // A transfer dated the due date, between the first two borrowers: close of business starts it.
        String transferId = org.strongroom.proto.payment.v1.PaymentServiceGrpc.newBlockingStub(channel())
                .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(
                        org.strongroom.gateway.AccountFixtures.teller()))
                .withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS)
                .transferFunds(org.strongroom.proto.payment.v1.TransferFundsRequest.newBuilder()
                        .setRequestId(java.util.UUID.randomUUID().toString()).setSourceAccountId(accountIds.get(0))
                        .setTargetAccountId(accountIds.get(1)).setAmount(org.strongroom.gateway.AccountFixtures.eur(10, 0))
                        .setReference("dated").setExecutionDate(org.strongroom.gateway.grpc.ProtoTime.toProto(DUE))
                        .build()).getTransfer().getTransferId();
        while (businessDate.refresh().isBefore(DUE)) {
            assertThat(closeOfBusiness.runAndWait(businessDate.current()).state())
                    .isEqualTo(CloseOfBusiness.State.COMPLETED);
        }
        List<BigDecimal> before = accountIds.stream().map(loans::balance).toList();

        // The due date's run stops after two loans, as a crash between transactions would.
        closeOfBusiness.stopAfterLoans = 2;
        CloseOfBusiness.Run stopped = closeOfBusiness.runAndWait(DUE);
        assertThat(stopped.state()).isEqualTo(CloseOfBusiness.State.INTERRUPTED);
        assertThat(stopped.loansDone()).isEqualTo(2);
        assertThat(stopped.error()).contains("stopped after 2 loans");
        assertThat(stopped.transfersDone()).isEqualTo(1);
        assertThat(businessDate.refresh()).isEqualTo(DUE);
        long closedBeforeResume = loanIds.stream().filter(id -> events("LoanDayClosedEvent", id, DUE) == 1).count();
        assertThat(closedBeforeResume).isEqualTo(2);

        // Running the date again finishes the other two and advances the date.
        closeOfBusiness.stopAfterLoans = 0;
        CloseOfBusiness.Run resumed = closeOfBusiness.runAndWait(DUE);
        assertThat(resumed.state()).isEqualTo(CloseOfBusiness.State.COMPLETED);
        assertThat(resumed.loansDone()).isEqualTo(4);
        assertThat(resumed.collections()).isEqualTo(4);
        assertThat(resumed.transfersDone()).isEqualTo(1);
        awaitCompleted(transferId);
        assertThat(businessDate.refresh()).isEqualTo(DUE.plusDays(1));
        for (int i = 0; i < loanIds.size(); i++) {
            String loanId = loanIds.get(i);
            assertThat(events("LoanDayClosedEvent", loanId, DUE)).as("day closed once").isEqualTo(1);
            assertThat(events("LoanRepaidEvent", loanId, DUE)).as("collected once").isEqualTo(1);
            // 200 in four: 50 principal + interest 200 x 0.24 x 7 / 365 = 0.92, plus the 2 % fee 4.00.
            BigDecimal transferred = i == 0 ? new BigDecimal("-10") : i == 1 ? BigDecimal.TEN : BigDecimal.ZERO;
            assertThat(loans.balance(accountIds.get(i))).isEqualByComparingTo(before.get(i).subtract(
                    new BigDecimal("54.92")).add(transferred));
        }

        // Asking for the closed date again answers with its run and writes nothing.
        long stored = jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class);
        CloseOfBusiness.Run again = closeOfBusiness.start(DUE);
        assertThat(again.state()).isEqualTo(CloseOfBusiness.State.COMPLETED);
        assertThat(again.loansDone()).isEqualTo(4);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class)).isEqualTo(stored);
        assertThat(businessDate.refresh()).isEqualTo(DUE.plusDays(1));
        loans.assertLedgerBalanced();
    }

    /**
     * Batches hold many loans' and accounts' locks at once. Two borrowers each repay three loans from one
     * account, in batches of two over two segments (so a batch may hold both accounts, and one account's
     * loans fall in several batches and segments), while
     * tellers move money between the two accounts in both directions: every transfer completes, every
     * loan is collected once, nothing deadlocks, and the two balances move by exactly the collections.
     */
    @Test
    void batchesCollectingFromAccountsThatTransfersAreMovingMoneyBetweenNeitherDeadlockNorLoseMoney()
            throws Exception {
        // Two segments for six loans: each batch of two may hold both accounts, and two batches run at once.
        loanProperties.setCobSegments(2);
        loanProperties.setCobBatchSize(2);
        LoanTestAccess.Borrower first = loans.borrowerWithLoan("MICRO-EUR", 200, 4);
        LoanTestAccess.Borrower second = loans.borrowerWithLoan("MICRO-EUR", 200, 4);
        List<String> loanIds = new ArrayList<>(List.of(first.loanId(), second.loanId()));
        for (int i = 0; i < 2; i++) {
            loanIds.add(loans.anotherLoan(first, "MICRO-EUR", 200, 4).loanId());
            loanIds.add(loans.anotherLoan(second, "MICRO-EUR", 200, 4).loanId());
        }
        while (businessDate.refresh().isBefore(DUE)) {
            assertThat(closeOfBusiness.runAndWait(businessDate.current()).state())
                    .isEqualTo(CloseOfBusiness.State.COMPLETED);
        }
        BigDecimal before = loans.balance(first.accountId()).add(loans.balance(second.accountId()));

        var payments = org.strongroom.proto.payment.v1.PaymentServiceGrpc.newBlockingStub(channel())
                .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(
                        org.strongroom.gateway.AccountFixtures.teller()));
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger completed = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ConcurrentLinkedQueue<String> unexpected = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.ExecutorService tellers = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            for (int t = 0; t < 4; t++) {
                boolean forward = t % 2 == 0;
                tellers.submit(() -> {
                    while (!stop.get()) {
                        try {
                            var transfer = payments.withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS)
                                    .transferFunds(org.strongroom.proto.payment.v1.TransferFundsRequest.newBuilder()
                                            .setRequestId(java.util.UUID.randomUUID().toString())
                                            .setSourceAccountId(forward ? first.accountId() : second.accountId())
                                            .setTargetAccountId(forward ? second.accountId() : first.accountId())
                                            .setAmount(org.strongroom.gateway.AccountFixtures.eur(1, 0))
                                            .setReference("during close of business").build()).getTransfer();
                            if (transfer.getStatus() == org.strongroom.proto.payment.v1.TransferStatus.TRANSFER_STATUS_COMPLETED) {
                                completed.incrementAndGet();
                            } else {
                                unexpected.add(transfer.getStatus() + " " + transfer.getFailureReason());
                            }
                        } catch (io.grpc.StatusRuntimeException e) {
                            unexpected.add(e.getStatus().toString());
                        }
                    }
                });
            }
            while (completed.get() < 20) {
                Thread.sleep(5);
            }
            CloseOfBusiness.Run run = closeOfBusiness.runAndWait(DUE);
            int duringRun = completed.get();
            while (completed.get() < duringRun + 20 && unexpected.isEmpty()) {
                Thread.sleep(5);
            }
            stop.set(true);
            tellers.shutdown();
            assertThat(tellers.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

            assertThat(unexpected).isEmpty();
            assertThat(run.state()).isEqualTo(CloseOfBusiness.State.COMPLETED);
            // (Loans of other tests in this node may be closed and collected by the same run.)
            assertThat(run.loansDone()).isGreaterThanOrEqualTo(6);
            assertThat(run.collections()).isGreaterThanOrEqualTo(6);
            for (String loanId : loanIds) {
                assertThat(events("LoanRepaidEvent", loanId, DUE)).as("collected once").isEqualTo(1);
            }
            // Transfers between the two accounts cancel out; each loan took its first instalment, 54.92.
            assertThat(loans.balance(first.accountId()).add(loans.balance(second.accountId())))
                    .isEqualByComparingTo(before.subtract(new BigDecimal("54.92").multiply(BigDecimal.valueOf(6))));
        } finally {
            stop.set(true);
            tellers.shutdownNow();
        }
    }
}
