package org.strongroom.payment.application;

import java.time.LocalDate;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.strongroom.account.api.AccountCommands.CheckTransferCreditCommand;
import org.strongroom.account.api.AccountCommands.CreditForTransferCommand;
import org.strongroom.account.api.AccountCommands.DebitForTransferCommand;
import org.strongroom.account.api.AccountCommands.TransferLeg;
import org.strongroom.kernel.OperationScope;
import org.strongroom.payment.api.TransferApi.BookTransferCommand;
import org.strongroom.payment.api.TransferApi.DueTransferCommand;
import org.strongroom.payment.api.TransferApi.ExecuteScheduledTransferCommand;
import org.strongroom.payment.api.TransferApi.TransferDetails;
import org.strongroom.payment.api.TransferApi.TransferOrder;

/**
 * Transfers between two accounts of this bank, each one database transaction (docs/architecture.md, "Transfers"):
 * both accounts' locks in sorted order, the target asked whether it takes the credit, the source debited
 * within the caller's limits and its funds, the target credited, and the transfer recorded COMPLETED, or
 * FAILED with the refusing side's reason and nothing moved. No reservation, no transit state, no process.
 */
public final class InternalTransfers {

    /** Carries out a transfer now, in the scope's transaction. */
    public TransferDetails transfer(TransferOrder order, OperationScope scope) {
        return scope.unitOfWork(() -> {
            lockAccounts(order, scope);
            return carryOut(order, scope, leg -> scope.send(new BookTransferCommand(order.transferId(), order,
                    leg.refusalReason(), leg.refusalMessage())));
        });
    }

    /**
     * Carries out a SCHEDULED transfer on its date, within the limits of the caller who scheduled it; empty
     * if it was carried out before (close of business may ask again after a crash).
     *
     * @throws org.strongroom.kernel.DomainException TRANSFER_NOT_DUE before its date
     */
    public Optional<TransferDetails> executeScheduled(String transferId, LocalDate businessDate,
                                                      OperationScope scope) {
        return scope.unitOfWork(() -> {
            // The transfer first: its order names the accounts. Only close of business writes a scheduled one.
            scope.lock(transferId);
            TransferOrder order = scope.send(new DueTransferCommand(transferId, businessDate));
            if (order == null) {
                return Optional.empty();
            }
            lockAccounts(order, scope);
            return Optional.of(carryOut(order, scope, leg -> scope.send(new ExecuteScheduledTransferCommand(
                    transferId, businessDate, leg.refusalReason(), leg.refusalMessage()))));
        });
    }

    private static void lockAccounts(TransferOrder order, OperationScope scope) {
        scope.lockAll(Stream.of(order.sourceAccountId(), order.targetAccountId()).sorted().toList());
    }

    /** Both sides decide before anything is written; a refusal records the transfer FAILED and moves nothing. */
    private static TransferDetails carryOut(TransferOrder order, OperationScope scope,
                                            Function<TransferLeg, TransferDetails> record) {
        TransferLeg outcome = scope.send(new CheckTransferCreditCommand(order.targetAccountId(), order.transferId(),
                order.sourceAccountId(), order.amount()));
        if (outcome.accepted()) {
            outcome = scope.send(new DebitForTransferCommand(order.sourceAccountId(), order.transferId(),
                    order.targetAccountId(), order.amount(), order.limits(), order.roleLimits()));
        }
        if (outcome.accepted()) {
            scope.send(new CreditForTransferCommand(order.targetAccountId(), order.transferId(),
                    order.sourceAccountId(), order.amount()));
        }
        return record.apply(outcome);
    }
}
