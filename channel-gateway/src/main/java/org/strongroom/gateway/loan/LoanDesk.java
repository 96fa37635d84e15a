package org.strongroom.gateway.loan;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.strongroom.gateway.idempotency.IdempotentExecutor;
import org.strongroom.account.api.AccountCommands.CollectDueAmountCommand;
import org.strongroom.account.api.AccountCommands.DepositFundsCommand;
import org.strongroom.account.api.AccountCommands.WithdrawFundsCommand;
import org.strongroom.account.api.Counterparty;
import org.strongroom.account.api.CounterpartyType;
import org.strongroom.approval.api.ApprovalApi.ApprovalDetails;
import org.strongroom.approval.api.ApprovalApi.ApprovalKind;
import org.strongroom.approval.api.ApprovalApi.ApprovalOperation;
import org.strongroom.approval.api.ApprovalApi.RequestApprovalCommand;
import org.strongroom.gateway.command.CommandDispatcher;
import org.strongroom.gateway.grpc.CallerContext;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.Money;
import org.strongroom.kernel.Role;
import org.strongroom.loan.api.LoanApi.ApplyForLoanCommand;
import org.strongroom.loan.api.LoanApi.AssessWriteOffCommand;
import org.strongroom.loan.api.LoanApi.WriteOffLoanCommand;
import org.strongroom.loan.api.LoanApi.CloseLoanDayCommand;
import org.strongroom.loan.api.LoanApi.DecideLoanCommand;
import org.strongroom.loan.api.LoanApi.DisburseLoanCommand;
import org.strongroom.loan.api.LoanApi.InspectLoanCommand;
import org.strongroom.loan.api.LoanApi.LoanDetails;
import org.strongroom.loan.api.LoanApi.LoanStatus;
import org.strongroom.loan.api.LoanApi.PrepaymentMode;
import org.strongroom.loan.api.LoanApi.RecordRecoveryCommand;
import org.strongroom.loan.api.LoanApi.ReferLoanCommand;
import org.strongroom.loan.api.LoanApi.RepayLoanCommand;
import org.strongroom.loan.api.LoanApi.RepaymentSource;
import org.strongroom.loan.product.LoanProduct;
import org.strongroom.loan.scoring.CreditProfile;
import org.strongroom.node.loan.LoanProperties;
import org.strongroom.node.time.BusinessDateService;

/**
 * A loan's money moves with its account in one transaction: the disbursement credits the account as the
 * loan records it, a repayment debits the account as the loan allocates it. Used by the gRPC service, by
 * loan officers' decisions (ApprovalDesk) and by close of business. Callers run these inside the
 * transaction of an idempotent call (or of one loan's close of business) holding the loan's lock; the
 * account's lock is taken after it, always in that order.
 */
@Component
public class LoanDesk {

    static final CommandDispatcher.NotFound LOAN_NOT_FOUND = new CommandDispatcher.NotFound(
            ErrorReason.LOAN_NOT_FOUND, "loan_id", "no such loan");
    static final CommandDispatcher.NotFound ACCOUNT_NOT_FOUND = new CommandDispatcher.NotFound(
            ErrorReason.ACCOUNT_NOT_FOUND, "account_id", "no such account");

    private final CommandDispatcher commands;
    private final BusinessDateService businessDate;
    private final LoanProperties properties;
    private final Clock clock;
    private final JdbcTemplate jdbc;

    public LoanDesk(CommandDispatcher commands, BusinessDateService businessDate, LoanProperties properties,
                    Clock clock, JdbcTemplate jdbc) {
        this.commands = commands;
        this.jdbc = jdbc;
        this.businessDate = businessDate;
        this.properties = properties;
        this.clock = clock;
    }

    /** An application's outcome: the loan, and for a disbursed loan the account credit's transaction id. */
    public record Applied(LoanDetails loan, String disbursementTransactionId) {
    }

    /**
     * Records the application and its decision; disburses an approved one at once, or refers it to a loan
     * officer of the caller's branch (the loan desk for customers' own channels).
     */
    public Applied apply(String loanId, String customerId, String accountId, LoanProduct product, Money principal,
                         int instalments, CreditProfile profile, String requestId) {
        CallerContext caller = CallerContext.current();
        commands.create(new ApplyForLoanCommand(loanId, customerId, accountId, product, principal, instalments,
                profile, businessDate.current(), caller.principalId()), requestId);
        LoanDetails loan = inspect(loanId, requestId);
        if (loan.status() == LoanStatus.APPROVED) {
            return disburse(loan, requestId, Map.of());
        }
        if (loan.status() == LoanStatus.PENDING_REVIEW) {
            boolean branchStaff = caller.role() == Role.TELLER || caller.role() == Role.SUPERVISOR;
            String desk = branchStaff ? caller.branchId() : properties.getReviewBranch();
            String approvalId = UUID.randomUUID().toString();
            java.time.Instant expiry = clock.instant().plus(properties.getDecisionExpireAfter());
            commands.create(new RequestApprovalCommand(approvalId, new ApprovalOperation(ApprovalKind.LOAN_DECISION,
                    accountId, null, principal, "loan application " + loanId, loanId), desk, caller.principalId(),
                    expiry), requestId);
            loan = commands.send(new ReferLoanCommand(loanId, approvalId, expiry), requestId, LOAN_NOT_FOUND);
        }
        return new Applied(loan, "");
    }

    /** A loan officer's decision on a referred application: approving disburses it in the same transaction. */
    public Applied decide(ApprovalDetails approval, boolean approve, String reason, String requestId,
                          Map<String, String> decided) {
        String loanId = approval.operation().transactionId();
        LoanDetails loan = commands.send(new DecideLoanCommand(loanId, approval.approvalId(), approve,
                CallerContext.current().principalId(), reason), requestId, LOAN_NOT_FOUND, decided);
        return approve ? disburse(loan, requestId, decided) : new Applied(loan, "");
    }

    /**
     * A supervisor asks for a loan to be written off: the loan must allow it now (active, far enough past
     * due), and the request waits for another supervisor of the maker's branch or of the loan desk.
     */
    public ApprovalDetails requestWriteOff(String loanId, String reason, String requestId) {
        CallerContext caller = CallerContext.current();
        LoanDetails loan = commands.send(new AssessWriteOffCommand(loanId, reason, businessDate.current(),
                properties.getWriteOffMinDaysPastDue()), requestId, LOAN_NOT_FOUND);
        Money owed = loan.principalOutstanding().plus(loan.interestAccrued()).plus(loan.penaltiesOutstanding())
                .plus(loan.feesOutstanding());
        return commands.create(new RequestApprovalCommand(UUID.randomUUID().toString(),
                new ApprovalOperation(ApprovalKind.LOAN_WRITE_OFF, loan.accountId(), null, owed, reason, loanId),
                caller.branchId(), properties.getReviewBranch(), caller.principalId(),
                clock.instant().plus(properties.getDecisionExpireAfter())), requestId);
    }

    /** The checker granted a write-off: the loan is written off now, if it still may be. */
    public LoanDetails writeOff(ApprovalDetails approval, String requestId, Map<String, String> decided) {
        ApprovalOperation operation = approval.operation();
        return commands.send(new WriteOffLoanCommand(operation.transactionId(), approval.makerId(),
                operation.reason(), businessDate.current(), properties.getWriteOffMinDaysPastDue()), requestId,
                LOAN_NOT_FOUND, decided);
    }

    private Applied disburse(LoanDetails approved, String requestId, Map<String, String> metadata) {
        String transactionId = UUID.randomUUID().toString();
        LoanDetails loan = commands.send(new DisburseLoanCommand(approved.loanId(), transactionId,
                businessDate.current()), requestId, LOAN_NOT_FOUND, metadata);
        IdempotentExecutor.lockAggregate(jdbc, loan.accountId());
        commands.send(new DepositFundsCommand(loan.accountId(), transactionId, loan.principal(),
                new Counterparty(CounterpartyType.LOAN, loan.loanId())), requestId, ACCOUNT_NOT_FOUND, metadata);
        return new Applied(loan, transactionId);
    }

    /** The loan as of the business date (what is due today included). */
    public LoanDetails inspect(String loanId, String requestId) {
        return commands.send(new InspectLoanCommand(loanId, businessDate.current()), requestId, LOAN_NOT_FOUND);
    }

    /** A repayment and the loan before and after it (their difference is where the money went). */
    public record Repaid(LoanDetails before, LoanDetails after, String transactionId) {
    }

    /** Takes the amount from the loan's account and applies it to the loan. */
    public Repaid repay(LoanDetails before, Money amount, PrepaymentMode mode, String requestId) {
        String transactionId = UUID.randomUUID().toString();
        LoanDetails after = commands.send(new RepayLoanCommand(before.loanId(), transactionId, amount,
                businessDate.current(), mode, RepaymentSource.MANUAL), requestId, LOAN_NOT_FOUND);
        IdempotentExecutor.lockAggregate(jdbc, before.accountId());
        commands.send(new WithdrawFundsCommand(before.accountId(), transactionId, amount,
                new Counterparty(CounterpartyType.LOAN, before.loanId())), requestId, ACCOUNT_NOT_FOUND);
        return new Repaid(before, after, transactionId);
    }

    /** Records money recovered on a written-off loan, taken from its account. */
    public Repaid recover(LoanDetails before, Money amount, String requestId) {
        String transactionId = UUID.randomUUID().toString();
        LoanDetails after = commands.send(new RecordRecoveryCommand(before.loanId(), transactionId, amount,
                businessDate.current()), requestId, LOAN_NOT_FOUND);
        IdempotentExecutor.lockAggregate(jdbc, before.accountId());
        commands.send(new WithdrawFundsCommand(before.accountId(), transactionId, amount,
                new Counterparty(CounterpartyType.LOAN_RECOVERY, before.loanId())), requestId, ACCOUNT_NOT_FOUND);
        return new Repaid(before, after, transactionId);
    }

    /** What close of business did for a batch of loans on one date. */
    public record Closed(int loansClosed, int collections, int shortfalls) {
    }

    /**
     * Close of business for a batch of loans, in the caller's transaction: each loan due something
     * collects it from its account (as much as the account's own funds cover), then its day is closed
     * (accrual, penalty interest, ageing). A loan not active, or already closed for the date, is left
     * alone, so a rerun or a resumed run changes nothing twice.
     *
     * @param runId the run's id; a loan's commands carry {@code runId-loanId} as their request id
     * <p>Locks: the loans' (sorted by id) first, then the accounts that pay something today (sorted by id,
     * as transfers take them), each set in one statement through {@code lockAll}. Every account lock of the
     * batch is held before the first collection, so a batch never waits for an account while holding
     * another it took for an earlier loan.
     */
    public Closed closeDays(List<String> loanIds, LocalDate date, String runId,
                            java.util.function.Consumer<List<String>> lockAll) {
        List<String> sortedLoans = loanIds.stream().sorted().toList();
        lockAll.accept(sortedLoans);
        List<LoanDetails> open = new ArrayList<>();
        for (String loanId : sortedLoans) {
            LoanDetails loan = commands.send(new InspectLoanCommand(loanId, date), runId + "-" + loanId,
                    LOAN_NOT_FOUND);
            if (loan.status() == LoanStatus.ACTIVE && loan.closedThrough().isBefore(date)) {
                open.add(loan);
            }
        }
        lockAll.accept(open.stream().filter(loan -> loan.dueNow().isPositive()).map(LoanDetails::accountId)
                .distinct().sorted().toList());
        int collections = 0;
        int shortfalls = 0;
        for (LoanDetails loan : open) {
            // Each loan's events carry a request id of their own: the run's, then the loan's.
            String requestId = runId + "-" + loan.loanId();
            if (loan.dueNow().isPositive()) {
                String transactionId = UUID.randomUUID().toString();
                Money taken = commands.send(new CollectDueAmountCommand(loan.accountId(), transactionId,
                        loan.dueNow(), new Counterparty(CounterpartyType.LOAN, loan.loanId())), requestId,
                        ACCOUNT_NOT_FOUND);
                if (taken.isPositive()) {
                    commands.send(new RepayLoanCommand(loan.loanId(), transactionId, taken, date, null,
                            RepaymentSource.AUTO_DEBIT), requestId, LOAN_NOT_FOUND);
                    collections++;
                }
                if (taken.compareTo(loan.dueNow()) < 0) {
                    shortfalls++;
                }
            }
            commands.send(new CloseLoanDayCommand(loan.loanId(), date), requestId, LOAN_NOT_FOUND);
        }
        return new Closed(open.size(), collections, shortfalls);
    }
}
