package org.strongroom.payment.domain;

import java.util.Optional;
import org.strongroom.account.api.AccountCommands.CreditTransferCommand;
import org.strongroom.account.api.AccountCommands.ReleaseTransferCommand;
import org.strongroom.account.api.AccountCommands.ReserveForTransferCommand;
import org.strongroom.account.api.AccountCommands.SettleTransferCommand;
import org.strongroom.account.api.AccountEvents.TransferCreditedEvent;
import org.strongroom.account.api.AccountEvents.TransferDebitReservedEvent;
import org.strongroom.account.api.AccountEvents.TransferDebitSettledEvent;
import org.strongroom.account.api.AccountEvents.TransferReservationReleasedEvent;
import org.strongroom.account.api.AccountEvents.TransferStepRefusedEvent;
import org.strongroom.account.api.TransferStep;
import org.strongroom.payment.api.TransferApi.CompleteTransferCommand;
import org.strongroom.payment.api.TransferApi.FailTransferCommand;
import org.strongroom.payment.api.TransferApi.TransferRequestedEvent;

/**
 * The transfer process: which command follows each recorded step. Reserve on the source, credit the
 * target, settle the source, complete; a refused reservation fails the transfer; a refused credit
 * releases the reservation, then fails it.
 *
 * <p>Its state is the event store: every step's outcome (including a refusal) is an event, and every
 * command is idempotent per transfer. Whatever step a crash interrupts, the node redelivers the last
 * event from its tracking token and the process sends the same command again, which either does the
 * step or finds it done; so no money is created, lost or left reserved.
 */
public final class TransferProcess {

    private TransferProcess() {
    }

    /** A command and the aggregate it goes to. */
    public record Step(String aggregateId, Object command) {
    }

    /** The command a recorded event calls for, if it is part of a transfer. */
    public static Optional<Step> next(Object event) {
        Step command = null;
        if (event instanceof TransferRequestedEvent e) {
            command = new Step(e.sourceAccountId(), new ReserveForTransferCommand(e.sourceAccountId(),
                    e.transferId(), e.targetAccountId(), e.amount(), e.limits(), e.roleLimits()));
        } else if (event instanceof TransferDebitReservedEvent e) {
            command = new Step(e.targetAccountId(), new CreditTransferCommand(e.targetAccountId(), e.transferId(),
                    e.accountId(), e.amount()));
        } else if (event instanceof TransferCreditedEvent e) {
            command = new Step(e.sourceAccountId(), new SettleTransferCommand(e.sourceAccountId(), e.transferId()));
        } else if (event instanceof TransferDebitSettledEvent e) {
            command = new Step(e.transferId(), new CompleteTransferCommand(e.transferId()));
        } else if (event instanceof TransferStepRefusedEvent e) {
            command = TransferStep.RESERVE.name().equals(e.step())
                    ? new Step(e.transferId(), new FailTransferCommand(e.transferId(), e.reason(), e.message()))
                    : new Step(e.otherAccountId(), new ReleaseTransferCommand(e.otherAccountId(), e.transferId(),
                            e.reason() + ": " + e.message()));
        } else if (event instanceof TransferReservationReleasedEvent e) {
            command = new Step(e.transferId(), new FailTransferCommand(e.transferId(), reasonOf(e.reason()),
                    messageOf(e.reason())));
        }
        return Optional.ofNullable(command);
    }

    /** The target's refusal travels as "REASON: message" through the release. */
    private static String reasonOf(String released) {
        int colon = released.indexOf(": ");
        return colon < 0 ? released : released.substring(0, colon);
    }

    private static String messageOf(String released) {
        int colon = released.indexOf(": ");
        return colon < 0 ? released : released.substring(colon + 2);
    }
}
