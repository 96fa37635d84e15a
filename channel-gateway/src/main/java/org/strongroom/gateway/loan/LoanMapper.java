package org.strongroom.gateway.loan;

import java.math.BigDecimal;
import java.util.Currency;
import org.strongroom.gateway.grpc.MoneyMapper;
import org.strongroom.gateway.grpc.ProtoTime;
import org.strongroom.kernel.Money;
import org.strongroom.loan.api.LoanApi.DelinquencyBucket;
import org.strongroom.loan.api.LoanApi.InstalmentState;
import org.strongroom.loan.api.LoanApi.LoanDetails;
import org.strongroom.loan.api.LoanApi.LoanStatus;
import org.strongroom.loan.product.AllocationBucket;
import org.strongroom.loan.product.LoanProduct;
import org.strongroom.loan.scoring.CreditOutcome;
import org.strongroom.proto.loan.v1.Amortization;
import org.strongroom.proto.loan.v1.CreditDecision;
import org.strongroom.proto.loan.v1.DayCount;
import org.strongroom.proto.loan.v1.Instalment;
import org.strongroom.proto.loan.v1.Loan;
import org.strongroom.proto.loan.v1.RepaymentFrequency;
import org.strongroom.projections.loan.LoanViews.InstalmentRow;
import org.strongroom.projections.loan.LoanViews.LoanRow;

/** Loans between the domain (and the loan view) and strongroom.loan.v1. */
final class LoanMapper {

    private LoanMapper() {
    }

    static org.strongroom.proto.loan.v1.LoanProduct toProto(LoanProduct product) {
        Currency currency = Currency.getInstance(product.currencyCode());
        var builder = org.strongroom.proto.loan.v1.LoanProduct.newBuilder()
                .setCode(product.code())
                .setVersion(product.version())
                .setName(product.name())
                .setMinAmount(money(product.minAmount(), currency))
                .setMaxAmount(money(product.maxAmount(), currency))
                .setMinInstalments(product.minInstalments())
                .setMaxInstalments(product.maxInstalments())
                .setAnnualRate(product.annualRate().toPlainString())
                .setFrequency(RepaymentFrequency.valueOf("REPAYMENT_FREQUENCY_" + product.frequency().name()))
                .setAmortization(Amortization.valueOf("AMORTIZATION_" + product.amortization().name()))
                .setDayCount(DayCount.valueOf("DAY_COUNT_" + product.dayCount().name()))
                .setOriginationFeeRate(product.originationFeeRate().toPlainString())
                .setLatePenaltyRate(product.latePenaltyRate().toPlainString())
                .setGraceDays(product.graceDays())
                .setAutoApprovalLimit(money(product.autoApprovalLimit(), currency));
        for (AllocationBucket bucket : product.allocationOrder()) {
            builder.addAllocationOrder(org.strongroom.proto.loan.v1.AllocationBucket.valueOf(
                    "ALLOCATION_BUCKET_" + bucket.name()));
        }
        return builder.build();
    }

    static Loan toProto(LoanDetails loan) {
        Loan.Builder builder = Loan.newBuilder()
                .setLoanId(loan.loanId())
                .setCustomerId(loan.customerId())
                .setAccountId(loan.accountId())
                .setProductCode(loan.product().code())
                .setProductVersion(loan.product().version())
                .setStatus(status(loan.status()))
                .setPrincipal(MoneyMapper.toProto(loan.principal()))
                .setFee(MoneyMapper.toProto(loan.fee()))
                .setInstalments(loan.instalments())
                .setDecision(CreditDecision.newBuilder()
                        .setOutcome(outcome(loan.decision().outcome()))
                        .setScore(loan.decision().score())
                        .addAllReasons(loan.decision().reasons())
                        .setScorecardVersion(loan.decision().scorecardVersion()))
                .addAllReferralReasons(loan.referralReasons())
                .setApprovalId(loan.approvalId() == null ? "" : loan.approvalId())
                .setApplicationDate(ProtoTime.toProto(loan.applicationDate()))
                .setPrincipalOutstanding(MoneyMapper.toProto(loan.principalOutstanding()))
                .setInterestAccrued(MoneyMapper.toProto(loan.interestAccrued()))
                .setPenaltiesOutstanding(MoneyMapper.toProto(loan.penaltiesOutstanding()))
                .setFeesOutstanding(MoneyMapper.toProto(loan.feesOutstanding()))
                .setDueNow(MoneyMapper.toProto(loan.dueNow()))
                .setDaysPastDue(loan.daysPastDue())
                .setDelinquencyBucket(bucket(loan.bucket()))
                .setWrittenOff(MoneyMapper.toProto(loan.writtenOff()))
                .setRecovered(MoneyMapper.toProto(loan.recovered()));
        if (loan.disbursementDate() != null) {
            builder.setDisbursementDate(ProtoTime.toProto(loan.disbursementDate()));
        }
        loan.schedule().stream().filter(line -> line.outstanding().isPositive()).findFirst()
                .ifPresent(next -> builder.setNextDueDate(ProtoTime.toProto(next.dueDate())));
        if (loan.updateTime() != null) {
            builder.setUpdateTime(ProtoTime.toProto(loan.updateTime()));
        }
        return builder.build();
    }

    /** A loan as the view has it (lists): due_now is not kept there and stays unset. */
    static Loan toProto(LoanRow row) {
        Currency currency = Currency.getInstance(row.currencyCode());
        Loan.Builder builder = Loan.newBuilder()
                .setLoanId(row.loanId())
                .setCustomerId(row.customerId())
                .setAccountId(row.accountId())
                .setProductCode(row.productCode())
                .setProductVersion(row.productVersion())
                .setStatus(status(LoanStatus.valueOf(row.status())))
                .setPrincipal(money(row.principal(), currency))
                .setFee(money(row.fee(), currency))
                .setInstalments(row.instalments())
                .setDecision(CreditDecision.newBuilder()
                        .setOutcome(outcome(CreditOutcome.valueOf(row.decisionOutcome())))
                        .setScore(row.decisionScore())
                        .addAllReasons(row.decisionReasons())
                        .setScorecardVersion(row.scorecardVersion()))
                .addAllReferralReasons(row.referralReasons())
                .setApprovalId(row.approvalId() == null ? "" : row.approvalId())
                .setApplicationDate(ProtoTime.toProto(row.applicationDate()))
                .setPrincipalOutstanding(money(row.principalOutstanding(), currency))
                .setInterestAccrued(money(row.interestAccrued(), currency))
                .setPenaltiesOutstanding(money(row.penaltiesOutstanding(), currency))
                .setFeesOutstanding(money(row.feesOutstanding(), currency))
                .setDaysPastDue(row.daysPastDue())
                .setDelinquencyBucket(bucket(DelinquencyBucket.valueOf(row.delinquencyBucket())))
                .setWrittenOff(money(row.writtenOff(), currency))
                .setRecovered(money(row.recovered(), currency))
                .setUpdateTime(ProtoTime.toProto(row.updateTime()));
        if (row.disbursementDate() != null) {
            builder.setDisbursementDate(ProtoTime.toProto(row.disbursementDate()));
        }
        return builder.build();
    }

    static Instalment toProto(InstalmentState line) {
        return Instalment.newBuilder()
                .setNumber(line.number())
                .setDueDate(ProtoTime.toProto(line.dueDate()))
                .setPrincipal(MoneyMapper.toProto(line.principal()))
                .setInterest(MoneyMapper.toProto(line.interest()))
                .setPaidPrincipal(MoneyMapper.toProto(line.paidPrincipal()))
                .setPaidInterest(MoneyMapper.toProto(line.paidInterest()))
                .setOutstanding(MoneyMapper.toProto(line.outstanding()))
                .build();
    }

    static InstalmentState fromView(InstalmentRow row, Currency currency) {
        return new InstalmentState(row.number(), row.dueDate(), of(row.principal(), currency),
                of(row.interest(), currency), of(row.paidPrincipal(), currency), of(row.paidInterest(), currency));
    }

    static org.strongroom.proto.loan.v1.LoanStatus status(LoanStatus status) {
        return org.strongroom.proto.loan.v1.LoanStatus.valueOf("LOAN_STATUS_" + status.name());
    }

    static org.strongroom.proto.loan.v1.DelinquencyBucket bucket(DelinquencyBucket bucket) {
        return org.strongroom.proto.loan.v1.DelinquencyBucket.valueOf("DELINQUENCY_BUCKET_" + bucket.name());
    }

    private static org.strongroom.proto.loan.v1.CreditOutcome outcome(CreditOutcome outcome) {
        return org.strongroom.proto.loan.v1.CreditOutcome.valueOf("CREDIT_OUTCOME_" + outcome.name());
    }

    static Money of(BigDecimal amount, Currency currency) {
        return new Money(amount.setScale(Money.scaleOf(currency), java.math.RoundingMode.UNNECESSARY), currency);
    }

    static com.google.type.Money money(BigDecimal amount, Currency currency) {
        return MoneyMapper.toProto(new Money(amount.setScale(Money.scaleOf(currency), java.math.RoundingMode.HALF_UP),
                currency));
    }
}
