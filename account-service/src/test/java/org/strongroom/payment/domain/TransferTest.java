package org.strongroom.payment.domain;

import java.math.BigDecimal;
import java.util.Currency;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.strongroom.account.api.DebitLimits;
import org.strongroom.kernel.Money;
import org.strongroom.payment.api.TransferApi.CompleteTransferCommand;
import org.strongroom.payment.api.TransferApi.FailTransferCommand;
import org.strongroom.payment.api.TransferApi.RequestTransferCommand;
import org.strongroom.payment.api.TransferApi.TransferCompletedEvent;
import org.strongroom.payment.api.TransferApi.TransferFailedEvent;
import org.strongroom.payment.api.TransferApi.TransferRequestedEvent;

class TransferTest {

    private static final Money AMOUNT = new Money(new BigDecimal("25.00"), Currency.getInstance("EUR"));
    private static final TransferRequestedEvent REQUESTED = new TransferRequestedEvent("tr-1", "a", "b", AMOUNT,
            "rent", DebitLimits.NONE, DebitLimits.NONE);

    private FixtureConfiguration<Transfer> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Transfer.class);
        fixture.registerAnnotatedCommandHandler(new TransferCommandHandler(fixture.getRepository()));
    }

    @Test
    void aRequestedTransferIsPending() {
        fixture.givenNoPriorActivity()
                .when(new RequestTransferCommand("tr-1", "a", "b", AMOUNT, "rent", DebitLimits.NONE, DebitLimits.NONE))
                .expectEvents(REQUESTED);
    }

    @Test
    void itEndsOnceEitherWay() {
        fixture.given(REQUESTED).when(new CompleteTransferCommand("tr-1"))
                .expectEvents(new TransferCompletedEvent("tr-1", "a", "b", AMOUNT));
        fixture.given(REQUESTED).when(new FailTransferCommand("tr-1", "INSUFFICIENT_FUNDS", "not enough"))
                .expectEvents(new TransferFailedEvent("tr-1", "a", "b", AMOUNT, "INSUFFICIENT_FUNDS", "not enough"));
        fixture.given(REQUESTED, new TransferCompletedEvent("tr-1", "a", "b", AMOUNT))
                .when(new FailTransferCommand("tr-1", "X", "late")).expectNoEvents();
        fixture.given(REQUESTED, new TransferFailedEvent("tr-1", "a", "b", AMOUNT, "X", "y"))
                .when(new CompleteTransferCommand("tr-1")).expectNoEvents();
    }
}
