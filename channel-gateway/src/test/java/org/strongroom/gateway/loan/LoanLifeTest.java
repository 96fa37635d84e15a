package org.strongroom.gateway.loan;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.gateway.AccountFixtures;
import org.strongroom.node.NodeTest;
import org.strongroom.node.time.BusinessDateService;
import org.strongroom.proto.account.v1.WithdrawFundsRequest;
import org.strongroom.proto.loan.v1.DelinquencyBucket;
import org.strongroom.proto.loan.v1.GetLoanRequest;
import org.strongroom.proto.loan.v1.GetPayoffQuoteRequest;
import org.strongroom.proto.loan.v1.GetRepaymentScheduleRequest;
import org.strongroom.proto.loan.v1.Loan;
import org.strongroom.proto.loan.v1.LoanStatus;
import org.strongroom.proto.loan.v1.PrepaymentMode;
import org.strongroom.proto.loan.v1.RepayLoanRequest;
import org.strongroom.proto.loan.v1.RepayLoanResponse;

/**
 * A loan's whole life over gRPC, with the ledger balanced at every step: apply and auto-approve,
 * disbursement, close of business through due dates (one collected, one missed), penalty interest and
 * ageing, catching up, a prepayment that shortens the term, and a payoff that closes the loan.
 */
class LoanLifeTest extends NodeTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    BusinessDateService businessDate;

    private LoanFixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new LoanFixtures(channel(), jdbc, businessDate);
        fixtures.resetBusinessDate();
    }

    @AfterEach
    void tearDown() {
        fixtures.resetBusinessDate();
    }

    private static BigDecimal amount(com.google.type.Money money) {
        return BigDecimal.valueOf(money.getUnits()).add(BigDecimal.valueOf(money.getNanos(), 9))
                .setScale(2, java.math.RoundingMode.UNNECESSARY);
    }

    @Test
    void aLoanFromApplicationToPayoff() throws Exception {
        LoanFixtures.Seasoned borrower = fixtures.seasonedCustomer(2000);
        var customer = fixtures.loans(borrower.customer());
        BigDecimal before = fixtures.balance(borrower.accountId());

        // Apply: a year of salary, no debts: approved and disbursed in the same call.
        Loan loan = customer.applyForLoan(LoanFixtures.application(borrower, "PERSONAL-EUR", 1200, 12).build())
                .getLoan();
        assertThat(loan.getStatus()).isEqualTo(LoanStatus.LOAN_STATUS_ACTIVE);
        assertThat(loan.getDecision().getScorecardVersion()).isEqualTo("SC-2026.1");
        assertThat(loan.getDecision().getScore()).isGreaterThanOrEqualTo(60);
        assertThat(amount(loan.getFee())).isEqualByComparingTo("12.00");
        assertThat(fixtures.balance(borrower.accountId())).isEqualByComparingTo(before.add(new BigDecimal("1200")));
        fixtures.assertLedgerBalanced();
        String loanId = loan.getLoanId();
        var schedule = customer.getRepaymentSchedule(GetRepaymentScheduleRequest.newBuilder().setLoanId(loanId).build());
        assertThat(schedule.getInstalmentsList()).hasSize(12);
        // 1200 x 0.00825 / (1 - 1.00825^-12) = 105.4433 -> 105.44; first interest 1200 x 0.00825 = 9.90
        assertThat(amount(schedule.getInstalments(0).getInterest())).isEqualByComparingTo("9.90");
        assertThat(amount(schedule.getInstalments(0).getPrincipal())).isEqualByComparingTo("95.54");
        assertThat(schedule.getInstalments(0).getDueDate().getMonth()).isEqualTo(12);

        // Close of business through the first due date: the instalment and the fee are collected.
        fixtures.closeThrough(LocalDate.of(2026, 12, 23));
        Loan afterFirst = get(customer, loanId);
        assertThat(afterFirst.getDaysPastDue()).isZero();
        assertThat(amount(afterFirst.getFeesOutstanding())).isZero();
        assertThat(amount(afterFirst.getPrincipalOutstanding())).isEqualByComparingTo("1104.46");
        assertThat(fixtures.balance(borrower.accountId()))
                .isEqualByComparingTo(before.add(new BigDecimal("1200")).subtract(new BigDecimal("117.44")));
        fixtures.assertLedgerBalanced();

        // Empty the account: the second instalment (2027-01-23) is missed.
        BigDecimal all = fixtures.balance(borrower.accountId());
        new AccountFixtures(channel()).clearingFeed().withdrawFunds(WithdrawFundsRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setAccountId(borrower.accountId())
                .setAmount(com.google.type.Money.newBuilder().setCurrencyCode("EUR").setUnits(all.longValue())
                        .setNanos(all.remainder(BigDecimal.ONE).movePointRight(9).intValue()))
                .setCounterparty(AccountFixtures.clearing("OUT-" + UUID.randomUUID())).build());
        fixtures.closeThrough(LocalDate.of(2027, 2, 2));
        Loan late = get(customer, loanId);
        assertThat(late.getDaysPastDue()).isEqualTo(10); // due 01-23, closed through 02-02
        assertThat(late.getDelinquencyBucket()).isEqualTo(DelinquencyBucket.DELINQUENCY_BUCKET_DPD_1_30);
        // Five grace days, then 5 % a year on the overdue principal, daily.
        assertThat(amount(late.getPenaltiesOutstanding())).isPositive();
        fixtures.assertLedgerBalanced();

        // Catch up: the amount due pays penalties first, then interest and principal.
        fixtures.setBusinessDate(businessDate.current()); // same day: deposit the salary
        new AccountFixtures(channel()).clearingFeed().depositFunds(AccountFixtures.deposit(borrower.accountId(),
                AccountFixtures.eur(2000, 0)));
        Loan due = get(customer, loanId);
        RepayLoanResponse caughtUp = customer.repayLoan(RepayLoanRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setLoanId(loanId).setAmount(due.getDueNow()).build());
        assertThat(amount(caughtUp.getAllocation().getPenalties()))
                .isEqualByComparingTo(amount(late.getPenaltiesOutstanding()));
        assertThat(amount(caughtUp.getLoan().getDueNow())).isZero();
        fixtures.closeBusinessDay();
        assertThat(get(customer, loanId).getDaysPastDue()).isZero();
        fixtures.assertLedgerBalanced();

        // Prepay 300 reducing the term: fewer instalments, same regular payment.
        RepayLoanResponse prepaid = customer.repayLoan(RepayLoanRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setLoanId(loanId)
                .setAmount(AccountFixtures.eur(300, 0))
                .setPrepaymentMode(PrepaymentMode.PREPAYMENT_MODE_REDUCE_TERM).build());
        assertThat(amount(prepaid.getAllocation().getPrincipal())).isPositive();
        var shorter = customer.getRepaymentSchedule(GetRepaymentScheduleRequest.newBuilder().setLoanId(loanId).build());
        assertThat(shorter.getInstalmentsCount()).isLessThan(12);
        BigDecimal principals = shorter.getInstalmentsList().stream().map(line -> amount(line.getPrincipal()))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(principals).isEqualByComparingTo("1200.00");
        fixtures.assertLedgerBalanced();

        // Pay off: the quote for today closes the loan exactly.
        var quote = customer.getPayoffQuote(GetPayoffQuoteRequest.newBuilder().setLoanId(loanId).build());
        RepayLoanResponse paidOff = customer.repayLoan(RepayLoanRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setLoanId(loanId).setAmount(quote.getTotal()).build());
        assertThat(paidOff.getLoan().getStatus()).isEqualTo(LoanStatus.LOAN_STATUS_CLOSED);
        assertThat(amount(paidOff.getLoan().getPrincipalOutstanding())).isZero();
        fixtures.closeBusinessDay();
        assertThat(get(customer, loanId).getStatus()).isEqualTo(LoanStatus.LOAN_STATUS_CLOSED);
        fixtures.assertLedgerBalanced();
    }

    private static Loan get(org.strongroom.proto.loan.v1.LoanServiceGrpc.LoanServiceBlockingStub stub, String loanId) {
        return stub.getLoan(GetLoanRequest.newBuilder().setLoanId(loanId).build()).getLoan();
    }
}
