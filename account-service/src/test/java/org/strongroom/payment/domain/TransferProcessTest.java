package org.strongroom.payment.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Currency;
import org.junit.jupiter.api.Test;
import org.strongroom.account.api.AccountCommands.CreditTransferCommand;
import org.strongroom.account.api.AccountCommands.ReleaseTransferCommand;
import org.strongroom.account.api.AccountCommands.ReserveForTransferCommand;
import org.strongroom.account.api.AccountCommands.SettleTransferCommand;
import org.strongroom.account.api.AccountEvents.FundsDepositedEvent;
import org.strongroom.account.api.AccountEvents.TransferCreditedEvent;
import org.strongroom.account.api.AccountEvents.TransferDebitReservedEvent;
import org.strongroom.account.api.AccountEvents.TransferDebitSettledEvent;
import org.strongroom.account.api.AccountEvents.TransferReservationReleasedEvent;
import org.strongroom.account.api.AccountEvents.TransferStepRefusedEvent;
import org.strongroom.account.api.Counterparty;
import org.strongroom.account.api.CounterpartyType;
import org.strongroom.account.api.DebitLimits;
import org.strongroom.kernel.Money;
import org.strongroom.payment.api.TransferApi.CompleteTransferCommand;
import org.strongroom.payment.api.TransferApi.FailTransferCommand;
import org.strongroom.payment.api.TransferApi.TransferRequestedEvent;
import org.strongroom.payment.api.TransferApi.TransferScheduledEvent;
import org.strongroom.payment.domain.TransferProcess.Step;

/** Every path of the transfer process: the happy path and both compensations. */
class TransferProcessTest {

    private static final Money AMOUNT = new Money(new BigDecimal("25.00"), Currency.getInstance("EUR"));

    private static Step next(Object event) {
        return TransferProcess.next(event).orElseThrow();
    }

    @Test
    void requestReserveCreditSettleComplete() {
        assertThat(next(new TransferRequestedEvent("tr", "src", "dst", AMOUNT, "rent", DebitLimits.NONE,
                DebitLimits.NONE))).isEqualTo(new Step("src", new ReserveForTransferCommand("src", "tr", "dst", AMOUNT,
                DebitLimits.NONE, DebitLimits.NONE)));
        assertThat(next(new TransferDebitReservedEvent("src", "tr", "dst", AMOUNT)))
                .isEqualTo(new Step("dst", new CreditTransferCommand("dst", "tr", "src", AMOUNT)));
        assertThat(next(new TransferCreditedEvent("dst", "tr", "src", AMOUNT, AMOUNT)))
                .isEqualTo(new Step("src", new SettleTransferCommand("src", "tr")));
        assertThat(next(new TransferDebitSettledEvent("src", "tr", "dst", AMOUNT, AMOUNT)))
                .isEqualTo(new Step("tr", new CompleteTransferCommand("tr")));
    }

    @Test
    void aRefusedReservationFailsTheTransfer() {
        assertThat(next(new TransferStepRefusedEvent("src", "tr", "RESERVE", "dst", AMOUNT, "INSUFFICIENT_FUNDS",
                "the amount exceeds the available funds"))).isEqualTo(new Step("tr",
                new FailTransferCommand("tr", "INSUFFICIENT_FUNDS", "the amount exceeds the available funds")));
    }

    @Test
    void aRefusedCreditReleasesTheReservationThenFailsWithTheTargetsReason() {
        Step release = next(new TransferStepRefusedEvent("dst", "tr", "CREDIT", "src", AMOUNT, "ACCOUNT_CLOSED",
                "the account is closed"));
        assertThat(release).isEqualTo(new Step("src",
                new ReleaseTransferCommand("src", "tr", "ACCOUNT_CLOSED: the account is closed")));
        assertThat(next(new TransferReservationReleasedEvent("src", "tr", "dst", AMOUNT,
                "ACCOUNT_CLOSED: the account is closed")))
                .isEqualTo(new Step("tr", new FailTransferCommand("tr", "ACCOUNT_CLOSED", "the account is closed")));
    }

    @Test
    void otherEventsCallForNothing() {
        assertThat(TransferProcess.next(new FundsDepositedEvent("a", "t", AMOUNT,
                new Counterparty(CounterpartyType.EXTERNAL_CLEARING, "r"), AMOUNT))).isEmpty();
    }

    @Test
    void aScheduledTransferWaitsForItsDate() {
        assertThat(TransferProcess.next(new TransferScheduledEvent("tr", "src", "dst", AMOUNT, "rent",
                DebitLimits.NONE, DebitLimits.NONE, java.time.LocalDate.of(2026, 11, 25)))).isEmpty();
    }
}
