package org.strongroom.teller.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.strongroom.kernel.Refusals.refusal;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Currency;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.Money;
import org.strongroom.kernel.Refusal;
import org.strongroom.teller.api.TillApi.CashCounterpartyType;
import org.strongroom.teller.api.TillApi.CashDirection;
import org.strongroom.teller.api.TillApi.CloseTillCommand;
import org.strongroom.teller.api.TillApi.InspectTillCommand;
import org.strongroom.teller.api.TillApi.MoveTillCashCommand;
import org.strongroom.teller.api.TillApi.OpenTillCommand;
import org.strongroom.teller.api.TillApi.TillCashMovedEvent;
import org.strongroom.teller.api.TillApi.TillClosedEvent;
import org.strongroom.teller.api.TillApi.TillDetails;
import org.strongroom.teller.api.TillApi.TillOpenedEvent;
import org.strongroom.teller.api.TillApi.TillStatus;

class TillTest {

    private static final String TILL = "7d1b3c9e-2a4f-4e6b-8c1d-9f0a2b3c4d5e";
    private static final String ACCOUNT = "0b6f2a4e-3c1d-4f8a-9e27-6d5c4b3a2f10";
    private static final LocalDate DAY = LocalDate.of(2026, 11, 23);
    private static final Instant NOW = Instant.parse("2026-11-23T09:00:00Z");

    private FixtureConfiguration<Till> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Till.class);
        fixture.registerAnnotatedCommandHandler(new TillCommandHandler(fixture.getRepository()));
        fixture.givenCurrentTime(NOW);
    }

    private static Money eur(String amount) {
        return new Money(new BigDecimal(amount), Currency.getInstance("EUR"));
    }

    private static TillOpenedEvent opened() {
        return new TillOpenedEvent(TILL, "branch-1", "teller-1", DAY, "EUR", eur("1000.00"));
    }

    private static MoveTillCashCommand move(CashDirection direction, String amount, String actor, boolean ownerOnly) {
        return new MoveTillCashCommand(TILL, "m-1", direction, eur(amount), CashCounterpartyType.ACCOUNT, ACCOUNT,
                actor, ownerOnly);
    }

    @Test
    void opensWithAFloatFromTheVault() {
        fixture.givenNoPriorActivity()
                .when(new OpenTillCommand(TILL, "branch-1", "teller-1", DAY, eur("1000.00")))
                .expectEvents(opened())
                .expectResultMessagePayloadMatching(org.strongroom.kernel.Refusals.satisfying(TillDetails.class, d -> {
                    assertThat(d.status()).isEqualTo(TillStatus.OPEN);
                    assertThat(d.cash()).isEqualTo(eur("1000.00"));
                    assertThat(d.movements()).hasSize(1);
                }));
    }

    @Test
    void aNegativeFloatIsInvalid() {
        fixture.givenNoPriorActivity()
                .when(new OpenTillCommand(TILL, "branch-1", "teller-1", DAY, eur("-1.00")))
                .expectNoEvents()
                .expectException(refusal(e -> assertThat(e.refusal()).isEqualTo(Refusal.INVALID_INPUT)));
    }

    @Test
    void cashInAndOutChangesTheTillsCash() {
        fixture.given(opened())
                .when(move(CashDirection.IN, "250.00", "teller-1", true))
                .expectEvents(new TillCashMovedEvent(TILL, "m-1", CashDirection.IN, eur("250.00"),
                        CashCounterpartyType.ACCOUNT, ACCOUNT, eur("1250.00")));
        fixture.given(opened())
                .when(move(CashDirection.OUT, "1000.00", "teller-1", true))
                .expectEvents(new TillCashMovedEvent(TILL, "m-1", CashDirection.OUT, eur("1000.00"),
                        CashCounterpartyType.ACCOUNT, ACCOUNT, eur("0.00")));
    }

    @Test
    void cashNeverGoesBelowZero() {
        fixture.given(opened())
                .when(move(CashDirection.OUT, "1000.01", "teller-1", true))
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.reason()).isEqualTo(ErrorReason.TILL_CASH_INSUFFICIENT);
                    assertThat(e.metadata()).containsEntry("till_cash", "1000.00");
                }));
    }

    @Test
    void onlyItsTellerOperatesATillUnlessASupervisorExecutesAnApproval() {
        fixture.given(opened())
                .when(move(CashDirection.IN, "5.00", "teller-2", true))
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.refusal()).isEqualTo(Refusal.FORBIDDEN);
                    assertThat(e.reason()).isEqualTo(ErrorReason.TILL_NOT_YOURS);
                }));
        fixture.given(opened())
                .when(move(CashDirection.IN, "5.00", "supervisor-1", false))
                .expectSuccessfulHandlerExecution();
        fixture.given(opened())
                .when(new CloseTillCommand(TILL, "teller-2", eur("1000.00")))
                .expectException(refusal(e -> assertThat(e.reason()).isEqualTo(ErrorReason.TILL_NOT_YOURS)));
    }

    @Test
    void anotherCurrencyIsRefused() {
        fixture.given(opened())
                .when(new MoveTillCashCommand(TILL, "m-1", CashDirection.IN,
                        new Money(new BigDecimal("5.00"), Currency.getInstance("USD")), CashCounterpartyType.VAULT,
                        "branch-1", "teller-1", true))
                .expectNoEvents()
                .expectException(refusal(e -> assertThat(e.reason()).isEqualTo(ErrorReason.CURRENCY_MISMATCH)));
    }

    @Test
    void closingRecordsTheVarianceAndTheTillTakesNoMoreCash() {
        fixture.given(opened(), new TillCashMovedEvent(TILL, "m-1", CashDirection.IN, eur("250.00"),
                        CashCounterpartyType.ACCOUNT, ACCOUNT, eur("1250.00")))
                .when(new CloseTillCommand(TILL, "teller-1", eur("1240.00")))
                .expectEvents(new TillClosedEvent(TILL, eur("1250.00"), eur("1240.00"), eur("-10.00")));
        fixture.given(opened(), new TillClosedEvent(TILL, eur("1000.00"), eur("1000.00"), eur("0.00")))
                .when(move(CashDirection.IN, "5.00", "teller-1", true))
                .expectNoEvents()
                .expectException(refusal(e -> assertThat(e.reason()).isEqualTo(ErrorReason.TILL_CLOSED)));
    }

    @Test
    void inspectionRecordsNothingAndHidesOtherBranchesTills() {
        fixture.given(opened())
                .when(new InspectTillCommand(TILL, "teller-9", "branch-1", false))
                .expectNoEvents()
                .expectSuccessfulHandlerExecution();
        fixture.given(opened())
                .when(new InspectTillCommand(TILL, "teller-9", "branch-2", false))
                .expectException(refusal(e -> assertThat(e.reason()).isEqualTo(ErrorReason.TILL_NOT_FOUND)));
        fixture.given(opened())
                .when(new InspectTillCommand(TILL, "teller-9", "branch-1", true))
                .expectException(refusal(e -> assertThat(e.reason()).isEqualTo(ErrorReason.TILL_NOT_YOURS)));
    }
}
