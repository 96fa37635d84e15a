package org.strongroom.gateway.loan;

import io.grpc.ManagedChannel;
import java.math.BigDecimal;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.node.time.BusinessDateService;
import org.strongroom.proto.loan.v1.LoanStatus;

/** {@link LoanFixtures} for tests outside this package: borrowers with a disbursed loan. */
public final class LoanTestAccess {

    private final LoanFixtures fixtures;

    public LoanTestAccess(ManagedChannel channel, JdbcTemplate jdbc, BusinessDateService businessDate) {
        this.fixtures = new LoanFixtures(channel, jdbc, businessDate);
    }

    public record Borrower(String customerId, String accountId, String loanId) {
    }

    /** A seasoned customer with an auto-approved, disbursed loan. */
    public Borrower borrowerWithLoan(String product, long units, int instalments) {
        LoanFixtures.Seasoned seasoned = fixtures.seasonedCustomer(2000);
        var loan = fixtures.loans(seasoned.customer())
                .applyForLoan(LoanFixtures.application(seasoned, product, units, instalments).build()).getLoan();
        if (loan.getStatus() != LoanStatus.LOAN_STATUS_ACTIVE) {
            throw new AssertionError("expected a disbursed loan: " + loan);
        }
        return new Borrower(seasoned.customerId(), seasoned.accountId(), loan.getLoanId());
    }

    /** Another auto-approved, disbursed loan for the same borrower, paid from the same account. */
    public Borrower anotherLoan(Borrower borrower, String product, long units, int instalments) {
        LoanFixtures.Seasoned seasoned = new LoanFixtures.Seasoned(borrower.customerId(), borrower.accountId());
        var loan = fixtures.loans(seasoned.customer())
                .applyForLoan(LoanFixtures.application(seasoned, product, units, instalments).build()).getLoan();
        if (loan.getStatus() != LoanStatus.LOAN_STATUS_ACTIVE) {
            throw new AssertionError("expected a disbursed loan: " + loan);
        }
        return new Borrower(borrower.customerId(), borrower.accountId(), loan.getLoanId());
    }

    public void resetBusinessDate() {
        fixtures.resetBusinessDate();
    }

    public BigDecimal balance(String accountId) {
        return fixtures.balance(accountId);
    }

    public void assertLedgerBalanced() throws InterruptedException {
        fixtures.assertLedgerBalanced();
    }
}
