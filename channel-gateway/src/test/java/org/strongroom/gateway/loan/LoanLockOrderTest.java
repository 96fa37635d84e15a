package org.strongroom.gateway.loan;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.stub.MetadataUtils;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.gateway.AccountFixtures;
import org.strongroom.gateway.idempotency.IdempotentExecutor;
import org.strongroom.node.NodeTest;
import org.strongroom.node.TestTokens;
import org.strongroom.node.time.BusinessDateService;
import org.strongroom.proto.loan.v1.LoanServiceGrpc;
import org.strongroom.proto.loan.v1.PrepaymentMode;
import org.strongroom.proto.loan.v1.RepayLoanRequest;
import org.strongroom.proto.loan.v1.RepayLoanResponse;

/**
 * While a rebuild's swap holds the view writers' lock, a repayment waits for it before it takes the loan's
 * lock: were it to hold the loan (or its account) while waiting, a transfer on that account holding the
 * writers' lock shared would wait for it, and the swap for that transfer, in a cycle.
 */
class LoanLockOrderTest extends NodeTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    BusinessDateService businessDate;

    @Test
    void aRepaymentHeldBackByARebuildSwapHoldsNoLoanOrAccountLockMeanwhile() throws Exception {
        LoanTestAccess.Borrower borrower = new LoanTestAccess(channel(), jdbc, businessDate)
                .borrowerWithLoan("MICRO-EUR", 200, 4);
        var customer = LoanServiceGrpc.newBlockingStub(channel()).withInterceptors(
                MetadataUtils.newAttachHeadersInterceptor(TestTokens.customer(borrower.customerId(), "MOBILE")));
        CompletableFuture<RepayLoanResponse> repaid;
        try (Connection swap = dataSource.getConnection(); Statement sql = swap.createStatement()) {
            swap.setAutoCommit(false);
            // What a swap holds (ViewWriters.EXCLUSIVE).
            sql.execute("SELECT pg_advisory_xact_lock(21330, 1)");
            repaid = CompletableFuture.supplyAsync(() -> customer.withDeadlineAfter(30, TimeUnit.SECONDS)
                    .repayLoan(RepayLoanRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                            .setLoanId(borrower.loanId()).setAmount(AccountFixtures.eur(10, 0))
                            .setPrepaymentMode(PrepaymentMode.PREPAYMENT_MODE_REDUCE_TERM).build()));
            Integer waiting = null;
            Instant giveUp = Instant.now().plusSeconds(20);
            while (waiting == null && Instant.now().isBefore(giveUp)) {
                waiting = jdbc.query("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                        + "AND classid = 21330 AND objid = 1 AND objsubid = 2", (rs, n) -> rs.getInt(1)).stream()
                        .findFirst().orElse(null);
                Thread.sleep(waiting == null ? 20 : 0);
            }
            assertThat(waiting).as("the repayment waits for the writers' lock").isNotNull();
            for (String aggregate : new String[] {borrower.loanId(), borrower.accountId()}) {
                assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_locks WHERE pid = ? AND locktype = 'advisory' "
                                + "AND granted AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = ?",
                        Long.class, waiting, IdempotentExecutor.aggregateLockId(aggregate)))
                        .as("lock on %s held while waiting", aggregate).isZero();
            }
            swap.commit();
        }
        assertThat(repaid.get(30, TimeUnit.SECONDS).getTransactionId()).isNotEmpty();
    }
}
