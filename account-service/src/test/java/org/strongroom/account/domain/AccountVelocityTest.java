package org.strongroom.account.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.strongroom.kernel.Refusals.refusal;
import static org.strongroom.kernel.Refusals.satisfying;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Currency;
import java.util.List;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;
import org.axonframework.messaging.interceptors.CorrelationDataInterceptor;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.axonframework.test.aggregate.TestExecutor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.strongroom.account.api.AccountCommands.CaptureHeldDebitCommand;
import org.strongroom.account.api.AccountCommands.DeclineHeldDebitCommand;
import org.strongroom.account.api.AccountCommands.ReleaseHoldCommand;
import org.strongroom.account.api.AccountCommands.DepositFundsCommand;
import org.strongroom.account.api.AccountCommands.OpenAccountCommand;
import org.strongroom.account.api.AccountCommands.WithdrawFundsCommand;
import org.strongroom.account.api.AccountDetails;
import org.strongroom.account.api.AccountEvents.DebitHeldForReviewEvent;
import org.strongroom.account.api.AccountEvents.FundsWithdrawnEvent;
import org.strongroom.account.api.AccountEvents.HoldExpiredEvent;
import org.strongroom.account.api.AccountEvents.HoldPlacedEvent;
import org.strongroom.account.api.AccountEvents.HoldReleasedEvent;
import org.strongroom.account.api.AccountProduct;
import org.strongroom.account.api.Counterparty;
import org.strongroom.account.api.CounterpartyType;
import org.strongroom.account.api.DebitLimits;
import org.strongroom.account.api.VelocityRule;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.MetadataKeys;
import org.strongroom.kernel.Money;

/** Velocity rules: a burst of debits on a channel is held for review instead of executed. */
class AccountVelocityTest {

    private static final String ACCOUNT = "acc-velocity";
    private static final LocalDate TODAY = LocalDate.of(2026, 11, 23);
    private static final Instant NOW = Instant.parse("2026-11-23T09:00:00Z");
    private static final Instant REVIEW_UNTIL = NOW.plus(Duration.ofHours(4));
    private static final Counterparty CLEARING = new Counterparty(CounterpartyType.EXTERNAL_CLEARING, "ref");

    private FixtureConfiguration<Account> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Account.class);
        fixture.registerAnnotatedCommandHandler(new AccountCommandHandler(fixture.getRepository()));
        fixture.registerCommandHandlerInterceptor(new CorrelationDataInterceptor<>(List.of(
                new SimpleCorrelationDataProvider(MetadataKeys.CHANNEL, MetadataKeys.BUSINESS_DATE))));
        fixture.givenCurrentTime(NOW);
    }

    private static Money eur(String amount) {
        return new Money(new BigDecimal(amount), Currency.getInstance("EUR"));
    }

    private static MetaData on(String channel) {
        return MetaData.with(MetadataKeys.CHANNEL, channel).and(MetadataKeys.BUSINESS_DATE, TODAY.toString());
    }

    /** At most 3 debits or 500 EUR on MOBILE within 10 minutes, judged at {@code now}. */
    private static VelocityRule mobile(Instant now) {
        return new VelocityRule("MOBILE", 3, new BigDecimal("500"), Duration.ofMinutes(10), now, REVIEW_UNTIL);
    }

    private static Object debit(String tx, String amount, String channel, VelocityRule rule) {
        return GenericCommandMessage.asCommandMessage(new WithdrawFundsCommand(ACCOUNT, tx, eur(amount), CLEARING,
                DebitLimits.NONE, DebitLimits.NONE, rule)).andMetaData(on(channel));
    }

    private TestExecutor<Account> funded(Object... debits) {
        Object[] commands = new Object[2 + debits.length];
        commands[0] = GenericCommandMessage.asCommandMessage(new OpenAccountCommand(ACCOUNT, "cust-1",
                LocalDate.of(1980, 1, 1), AccountProduct.CURRENT, "EUR", null)).andMetaData(on("BRANCH"));
        commands[1] = GenericCommandMessage.asCommandMessage(new DepositFundsCommand(ACCOUNT, "dep-1",
                eur("5000.00"), CLEARING)).andMetaData(on("BRANCH"));
        System.arraycopy(debits, 0, commands, 2, debits.length);
        return fixture.givenCommands(commands);
    }

    @Test
    void debitsWithinTheRuleExecute() {
        funded(debit("tx-1", "100.00", "MOBILE", mobile(NOW)), debit("tx-2", "100.00", "MOBILE", mobile(NOW)))
                .when(new WithdrawFundsCommand(ACCOUNT, "tx-3", eur("100.00"), CLEARING, DebitLimits.NONE,
                        DebitLimits.NONE, mobile(NOW)), on("MOBILE"))
                .expectEvents(new FundsWithdrawnEvent(ACCOUNT, "tx-3", eur("100.00"), CLEARING, eur("4700.00")));
    }

    @Test
    void oneDebitTooManyIsHeldForReviewInsteadOfExecuted() {
        funded(debit("tx-1", "10.00", "MOBILE", mobile(NOW)), debit("tx-2", "10.00", "MOBILE", mobile(NOW)),
                debit("tx-3", "10.00", "MOBILE", mobile(NOW)))
                .when(new WithdrawFundsCommand(ACCOUNT, "tx-4", eur("10.00"), CLEARING, DebitLimits.NONE,
                        DebitLimits.NONE, mobile(NOW)), on("MOBILE"))
                .expectEvents(
                        new HoldPlacedEvent(ACCOUNT, "tx-4", eur("10.00"),
                                "held for review: more than 3 debits on MOBILE within PT10M", REVIEW_UNTIL),
                        new DebitHeldForReviewEvent(ACCOUNT, "tx-4", eur("10.00"), CLEARING, "MOBILE",
                                "more than 3 debits on MOBILE within PT10M"))
                .expectScheduledDeadline(REVIEW_UNTIL, "tx-4")
                .expectResultMessagePayloadMatching(satisfying(AccountDetails.class, d -> {
                    assertThat(d.balance()).isEqualTo(eur("4970.00"));
                    assertThat(d.available()).isEqualTo(eur("4960.00"));
                }));
    }

    @Test
    void tooMuchWithinTheWindowIsHeldToo() {
        funded(debit("tx-1", "400.00", "MOBILE", mobile(NOW)))
                .when(new WithdrawFundsCommand(ACCOUNT, "tx-2", eur("100.01"), CLEARING, DebitLimits.NONE,
                        DebitLimits.NONE, mobile(NOW)), on("MOBILE"))
                .expectEvents(
                        new HoldPlacedEvent(ACCOUNT, "tx-2", eur("100.01"),
                                "held for review: more than 500 debited on MOBILE within PT10M", REVIEW_UNTIL),
                        new DebitHeldForReviewEvent(ACCOUNT, "tx-2", eur("100.01"), CLEARING, "MOBILE",
                                "more than 500 debited on MOBILE within PT10M"));
    }

    @Test
    void debitsOnOtherChannelsOrBeforeTheWindowDoNotCount() {
        funded(debit("tx-1", "400.00", "BRANCH", null), debit("tx-2", "10.00", "MOBILE", mobile(NOW)))
                .when(new WithdrawFundsCommand(ACCOUNT, "tx-3", eur("400.00"), CLEARING, DebitLimits.NONE,
                        DebitLimits.NONE, mobile(NOW.plus(Duration.ofMinutes(11)))), on("MOBILE"))
                .expectEvents(new FundsWithdrawnEvent(ACCOUNT, "tx-3", eur("400.00"), CLEARING, eur("4190.00")));
    }

    @Test
    void aGrantedReviewExecutesTheHeldDebitExactlyOnce() {
        funded(debit("tx-1", "400.00", "MOBILE", mobile(NOW)), debit("tx-2", "200.00", "MOBILE", mobile(NOW)))
                .when(new CaptureHeldDebitCommand(ACCOUNT, "tx-2"), on("MOBILE"))
                .expectEvents(new HoldReleasedEvent(ACCOUNT, "tx-2", eur("200.00")),
                        new FundsWithdrawnEvent(ACCOUNT, "tx-2", eur("200.00"), CLEARING, eur("4400.00")));
        funded(debit("tx-1", "400.00", "MOBILE", mobile(NOW)), debit("tx-2", "200.00", "MOBILE", mobile(NOW)),
                GenericCommandMessage.asCommandMessage(new CaptureHeldDebitCommand(ACCOUNT, "tx-2")))
                .when(new CaptureHeldDebitCommand(ACCOUNT, "tx-2"))
                .expectNoEvents()
                .expectException(refusal(e -> assertThat(e.reason()).isEqualTo(ErrorReason.HOLD_NOT_FOUND)));
    }

    @Test
    void aTellerCannotReleaseAHoldOfADebitUnderReview() {
        funded(debit("tx-1", "400.00", "MOBILE", mobile(NOW)), debit("tx-2", "200.00", "MOBILE", mobile(NOW)))
                .when(new ReleaseHoldCommand(ACCOUNT, "tx-2"))
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.reason()).isEqualTo(ErrorReason.HOLD_HELD_BY_PROCESS);
                    assertThat(e.metadata()).containsEntry("held_by", "debit-review");
                }));
    }

    @Test
    void aRejectedReviewReleasesItsHoldOnceAndNothingIsDebited() {
        funded(debit("tx-1", "400.00", "MOBILE", mobile(NOW)), debit("tx-2", "200.00", "MOBILE", mobile(NOW)))
                .when(new DeclineHeldDebitCommand(ACCOUNT, "tx-2"))
                .expectEvents(new HoldReleasedEvent(ACCOUNT, "tx-2", eur("200.00")));
        funded(debit("tx-1", "400.00", "MOBILE", mobile(NOW)), debit("tx-2", "200.00", "MOBILE", mobile(NOW)),
                GenericCommandMessage.asCommandMessage(new DeclineHeldDebitCommand(ACCOUNT, "tx-2")))
                .when(new CaptureHeldDebitCommand(ACCOUNT, "tx-2"))
                .expectNoEvents()
                .expectException(refusal(e -> assertThat(e.reason()).isEqualTo(ErrorReason.HOLD_NOT_FOUND)));
    }

    @Test
    void anOrdinaryHoldIsNotADebitToDecline() {
        funded(new org.strongroom.account.api.AccountCommands.PlaceHoldCommand(ACCOUNT, "h-1", eur("10.00"),
                        "card authorisation", null))
                .when(new DeclineHeldDebitCommand(ACCOUNT, "h-1"))
                .expectNoEvents()
                .expectException(refusal(e -> assertThat(e.reason()).isEqualTo(ErrorReason.HOLD_NOT_FOUND)));
    }

    @Test
    void anUndecidedReviewLapsesWithItsHold() {
        funded(debit("tx-1", "400.00", "MOBILE", mobile(NOW)), debit("tx-2", "200.00", "MOBILE", mobile(NOW)))
                .whenThenTimeAdvancesTo(REVIEW_UNTIL)
                .expectEvents(new HoldExpiredEvent(ACCOUNT, "tx-2", eur("200.00")));
    }

    @Test
    void anOrdinaryHoldCannotBeCapturedAsADebit() {
        funded()
                .when(new CaptureHeldDebitCommand(ACCOUNT, "tx-9"))
                .expectNoEvents()
                .expectException(refusal(e -> assertThat(e.reason()).isEqualTo(ErrorReason.HOLD_NOT_FOUND)));
    }
}
