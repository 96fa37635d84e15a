package org.strongroom.gateway.teller;

import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.strongroom.gateway.loan.LoanDesk;
import org.strongroom.account.api.AccountCommands.CaptureHeldDebitCommand;
import org.strongroom.account.api.AccountCommands.ChangeOverdraftLimitCommand;
import org.strongroom.account.api.AccountCommands.DeclineHeldDebitCommand;
import org.strongroom.approval.api.ApprovalApi.ApprovalKind;
import org.strongroom.account.api.AccountCommands.UnfreezeAccountCommand;
import org.strongroom.account.api.AccountCommands.DepositFundsCommand;
import org.strongroom.account.api.AccountCommands.WithdrawFundsCommand;
import org.strongroom.account.api.Counterparty;
import org.strongroom.account.api.CounterpartyType;
import org.strongroom.account.api.DebitLimits;
import org.strongroom.approval.api.ApprovalApi.ApprovalDetails;
import org.strongroom.approval.api.ApprovalApi.ApprovalOperation;
import org.strongroom.approval.api.ApprovalApi.GrantApprovalCommand;
import org.strongroom.approval.api.ApprovalApi.RejectApprovalCommand;
import org.strongroom.approval.api.ApprovalApi.RequestApprovalCommand;
import org.strongroom.gateway.command.CommandDispatcher;
import org.strongroom.gateway.grpc.CallerContext;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.MetadataKeys;
import org.strongroom.node.NodeProperties;
import org.strongroom.teller.api.TillApi.CashDirection;

/**
 * Maker-checker in the gateway: files a maker's request, and on a grant makes the requested change in
 * the same transaction as the grant, stamped with the approval, its maker and its checker.
 */
@Component
public class ApprovalDesk {

    static final CommandDispatcher.NotFound APPROVAL_NOT_FOUND = new CommandDispatcher.NotFound(
            ErrorReason.APPROVAL_NOT_FOUND, "approval_id", "no such approval");

    private final CommandDispatcher commands;
    private final CashDesk cash;
    private final NodeProperties properties;
    private final Clock clock;
    private final LoanDesk loans;

    public ApprovalDesk(CommandDispatcher commands, CashDesk cash, NodeProperties properties, Clock clock,
                        LoanDesk loans) {
        this.commands = commands;
        this.loans = loans;
        this.cash = cash;
        this.properties = properties;
        this.clock = clock;
    }

    /** Files the caller's request at its branch; it expires unchanged after the configured time. */
    public ApprovalDetails request(ApprovalOperation operation, String requestId) {
        return request(operation, CallerContext.current().branchId(), expiry(), requestId);
    }

    /** When a request filed now expires. */
    public java.time.Instant expiry() {
        return clock.instant().plus(properties.getApprovals().getExpireAfter());
    }

    /** Files the caller's request for the given desk (a branch, or the review desk). */
    public ApprovalDetails request(ApprovalOperation operation, String branchId, java.time.Instant expireTime,
                                   String requestId) {
        return commands.create(new RequestApprovalCommand(UUID.randomUUID().toString(), operation, branchId,
                CallerContext.current().principalId(), expireTime), requestId);
    }

    /** A granted request and, for cash, the posting's transaction id. */
    public record Granted(ApprovalDetails approval, String transactionId) {
    }

    public Granted grant(String approvalId, String requestId) {
        CallerContext caller = CallerContext.current();
        ApprovalDetails approval = commands.send(new GrantApprovalCommand(approvalId, caller.principalId(),
                caller.branchId(), clock.instant()), requestId, APPROVAL_NOT_FOUND);
        Map<String, String> decided = decided(approval, caller);
        ApprovalOperation operation = approval.operation();
        String transactionId = switch (operation.kind()) {
            case CASH_DEPOSIT -> cash.post(CashDirection.IN, operation.accountId(), operation.tillId(),
                    operation.amount(), DebitLimits.NONE, false, requestId, decided).transactionId();
            case CASH_WITHDRAWAL -> cash.post(CashDirection.OUT, operation.accountId(), operation.tillId(),
                    operation.amount(), DebitLimits.NONE, false, requestId, decided).transactionId();
            case UNFREEZE -> {
                commands.send(new UnfreezeAccountCommand(operation.accountId(), operation.reason()), requestId,
                        CashDesk.ACCOUNT_NOT_FOUND, decided);
                yield "";
            }
            case OVERDRAFT_CHANGE -> {
                commands.send(new ChangeOverdraftLimitCommand(operation.accountId(), operation.amount(),
                        operation.reason()), requestId, CashDesk.ACCOUNT_NOT_FOUND, decided);
                yield "";
            }
            case DEBIT_REVIEW -> {
                commands.send(new CaptureHeldDebitCommand(operation.accountId(), operation.transactionId()),
                        requestId, CashDesk.ACCOUNT_NOT_FOUND, decided);
                yield operation.transactionId();
            }
            case LOAN_DECISION -> loans.decide(approval, true, null, requestId, decided)
                    .disbursementTransactionId();
            case CLEARING_CREDIT -> {
                String posted = UUID.randomUUID().toString();
                commands.send(new DepositFundsCommand(operation.accountId(), posted, operation.amount(),
                        clearing(operation)), requestId, CashDesk.ACCOUNT_NOT_FOUND, decided);
                yield posted;
            }
            case CLEARING_DEBIT -> {
                // Approved by a second person: the maker's channel limits do not apply, the funds do.
                String posted = UUID.randomUUID().toString();
                commands.send(new WithdrawFundsCommand(operation.accountId(), posted, operation.amount(),
                        clearing(operation), DebitLimits.NONE), requestId, CashDesk.ACCOUNT_NOT_FOUND, decided);
                yield posted;
            }
            case LOAN_WRITE_OFF -> {
                loans.writeOff(approval, requestId, decided);
                yield "";
            }
        };
        return new Granted(approval, transactionId);
    }

    private static Counterparty clearing(ApprovalOperation operation) {
        return new Counterparty(CounterpartyType.EXTERNAL_CLEARING, operation.counterpartyReference());
    }

    /** Metadata of a change made on a decision: which approval, its maker and its checker. */
    private static Map<String, String> decided(ApprovalDetails approval, CallerContext checker) {
        return Map.of(MetadataKeys.APPROVAL_ID, approval.approvalId(), MetadataKeys.MAKER_ID, approval.makerId(),
                MetadataKeys.CHECKER_ID, checker.principalId());
    }

    public ApprovalDetails reject(String approvalId, String reason, String requestId) {
        CallerContext caller = CallerContext.current();
        ApprovalDetails rejected = commands.send(new RejectApprovalCommand(approvalId, caller.principalId(),
                caller.branchId(), reason, clock.instant()), requestId, APPROVAL_NOT_FOUND);
        ApprovalOperation operation = rejected.operation();
        if (operation.kind() == ApprovalKind.DEBIT_REVIEW) {
            // The held debit is not executed: its funds become available again, in the same transaction.
            commands.send(new DeclineHeldDebitCommand(operation.accountId(), operation.transactionId()), requestId,
                    CashDesk.ACCOUNT_NOT_FOUND, decided(rejected, caller));
        } else if (operation.kind() == ApprovalKind.LOAN_DECISION) {
            loans.decide(rejected, false, reason, requestId, decided(rejected, caller));
        }
        return rejected;
    }
}
