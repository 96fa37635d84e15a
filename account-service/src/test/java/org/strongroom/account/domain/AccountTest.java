package org.strongroom.account.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Currency;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.strongroom.account.api.AccountCommands.CloseAccountCommand;
import org.strongroom.account.api.AccountCommands.DepositFundsCommand;
import org.strongroom.account.api.AccountCommands.FreezeAccountCommand;
import org.strongroom.account.api.AccountCommands.OpenAccountCommand;
import org.strongroom.account.api.AccountCommands.PlaceHoldCommand;
import org.strongroom.account.api.AccountCommands.ReleaseHoldCommand;
import org.strongroom.account.api.AccountCommands.UnfreezeAccountCommand;
import org.strongroom.account.api.AccountCommands.WithdrawFundsCommand;
import org.strongroom.account.api.AccountDetails;
import org.strongroom.account.api.AccountEvents.AccountClosedEvent;
import org.strongroom.account.api.AccountEvents.AccountFrozenEvent;
import org.strongroom.account.api.AccountEvents.AccountOpenedEvent;
import org.strongroom.account.api.AccountEvents.AccountUnfrozenEvent;
import org.strongroom.account.api.AccountEvents.FundsDepositedEvent;
import org.strongroom.account.api.AccountEvents.FundsWithdrawnEvent;
import org.strongroom.account.api.AccountEvents.HoldExpiredEvent;
import org.strongroom.account.api.AccountEvents.HoldPlacedEvent;
import org.strongroom.account.api.AccountEvents.HoldReleasedEvent;
import org.strongroom.account.api.AccountProduct;
import org.strongroom.account.api.AccountStatus;
import org.strongroom.account.api.Counterparty;
import org.strongroom.account.api.CounterpartyType;
import org.strongroom.account.api.FreezeScope;
import org.strongroom.account.api.Hold;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.FieldViolation;
import org.strongroom.kernel.MetadataKeys;
import org.strongroom.kernel.Money;
import org.strongroom.kernel.Refusal;
import org.strongroom.kernel.Refusals;

class AccountTest {

    private static final String ACCOUNT = "0b6f2a4e-3c1d-4f8a-9e27-6d5c4b3a2f10";
    private static final String CUSTOMER = "5f0c7a3e-8a61-4b1e-9a53-0d3e8f3b2c11";
    private static final LocalDate BUSINESS_DATE = LocalDate.of(2026, 11, 23);
    private static final MetaData META = MetaData.with(MetadataKeys.BUSINESS_DATE, BUSINESS_DATE.toString());
    private static final LocalDate ADULT = LocalDate.of(1990, 12, 10);
    /** The fixture's simulated "now"; never the wall clock. */
    private static final Instant NOW = Instant.parse("2026-11-23T09:00:00Z");
    private static final Instant EXPIRY = NOW.plus(Duration.ofHours(24));
    /** The deadline name is persisted with every scheduled deadline: renaming it strands stored ones. */
    private static final String HOLD_EXPIRY = "hold-expiry";
    private static final Currency EUR = Currency.getInstance("EUR");
    private static final Currency USD = Currency.getInstance("USD");
    private static final Currency JPY = Currency.getInstance("JPY");
    private static final Counterparty CLEARING = new Counterparty(CounterpartyType.EXTERNAL_CLEARING, "pay-0001");
    private static final String TX = "tx-0002";
    private static final String HOLD_REASON = "card authorisation";
    private static final String FREEZE_REASON = "fraud review";

    private FixtureConfiguration<Account> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Account.class);
        fixture.registerAnnotatedCommandHandler(new AccountCommandHandler(fixture.getRepository()));
        fixture.givenCurrentTime(NOW);
    }

    // ---------------------------------------------------------------- open

    @Test
    void opensACurrentAccountWithAnOverdraft() {
        fixture.givenNoPriorActivity()
                .when(open(ADULT, AccountProduct.CURRENT, "EUR", eur("500.00")), META)
                .expectSuccessfulHandlerExecution()
                .expectEvents(opened(AccountProduct.CURRENT, "EUR", eur("500.00")))
                .expectResultMessagePayloadMatching(details(d -> {
                    assertThat(d.accountId()).isEqualTo(ACCOUNT);
                    assertThat(d.customerId()).isEqualTo(CUSTOMER);
                    assertThat(d.product()).isEqualTo(AccountProduct.CURRENT);
                    assertThat(d.status()).isEqualTo(AccountStatus.OPEN);
                    assertThat(d.balance()).isEqualTo(eur("0.00"));
                    assertThat(d.overdraftLimit()).isEqualTo(eur("500.00"));
                    assertThat(d.available()).isEqualTo(eur("500.00"));
                    assertAvailableIsBalancePlusOverdraftMinusHolds(d);
                    assertThat(d.holds()).isEmpty();
                    assertThat(d.freezeScope()).isNull();
                    assertThat(d.openingBusinessDate()).isEqualTo(BUSINESS_DATE);
                    assertThat(d.createTime()).isEqualTo(NOW);
                    assertThat(d.updateTime()).isEqualTo(NOW);
                }));
    }

    @Test
    void opensACurrentAccountWithoutAnOverdraftAsAZeroOverdraft() {
        fixture.givenNoPriorActivity()
                .when(open(ADULT, AccountProduct.CURRENT, "EUR", null), META)
                .expectEvents(opened(AccountProduct.CURRENT, "EUR", eur("0")));
    }

    @Test
    void opensASavingsAccount() {
        fixture.givenNoPriorActivity()
                .when(open(ADULT, AccountProduct.SAVINGS, "GBP", null), META)
                .expectEvents(opened(AccountProduct.SAVINGS, "GBP", money("0", "GBP")));
    }

    @Test
    void aSavingsAccountMayStateAZeroOverdraft() {
        fixture.givenNoPriorActivity()
                .when(open(ADULT, AccountProduct.SAVINGS, "EUR", eur("0.00")), META)
                .expectEvents(opened(AccountProduct.SAVINGS, "EUR", eur("0.00")));
    }

    @ParameterizedTest(name = "[{index}] {0} scale {1}")
    @CsvSource({
        "EUR, 2, 1000.00",
        "USD, 2, 1000.00",
        "GBP, 2, 1000.00",
        "CNY, 2, 1000.00",
        "JPY, 0, 1000",
        "CHF, 2, 1000.00",
    })
    void opensInEverySupportedCurrencyAtItsIsoScale(String code, int scale, String plain) {
        Money overdraft = money("1000", code);
        fixture.givenNoPriorActivity()
                .when(open(ADULT, AccountProduct.CURRENT, code, overdraft), META)
                .expectEvents(opened(AccountProduct.CURRENT, code, overdraft))
                .expectResultMessagePayloadMatching(details(d -> {
                    assertThat(d.overdraftLimit().amount().scale()).isEqualTo(scale);
                    assertThat(d.overdraftLimit().amount().toPlainString()).isEqualTo(plain);
                    assertThat(d.balance().amount().scale()).isEqualTo(scale);
                    assertThat(d.available().amount().toPlainString()).isEqualTo(plain);
                }));
    }

    @Test
    void aCustomerWhoTurns18OnTheBusinessDateMayOpen() {
        fixture.givenNoPriorActivity()
                .when(open(BUSINESS_DATE.minusYears(18), AccountProduct.CURRENT, "EUR", null), META)
                .expectSuccessfulHandlerExecution()
                .expectEvents(opened(AccountProduct.CURRENT, "EUR", eur("0")));
    }

    @Test
    void aCustomerOneDayShortOf18IsRefused() {
        fixture.givenNoPriorActivity()
                .when(open(BUSINESS_DATE.minusYears(18).plusDays(1), AccountProduct.CURRENT, "EUR", null), META)
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.refusal()).isEqualTo(Refusal.BUSINESS_RULE);
                    assertThat(e.reason()).isEqualTo(ErrorReason.CUSTOMER_UNDERAGE);
                    assertThat(e.metadata())
                            .containsEntry("minimum_age", "18")
                            .containsEntry("age", "17")
                            .containsEntry("customer_id", CUSTOMER);
                    assertThat(e.violations()).isEmpty();
                }));
    }

    @ParameterizedTest(name = "[{index}] currency_code=''{0}''")
    @NullAndEmptySource
    @ValueSource(strings = {"XXX", "eur", "BTC", "DEM", "EURO", " EUR"})
    void anUnsupportedCurrencyIsRefusedByName(String code) {
        fixture.givenNoPriorActivity()
                .when(open(ADULT, AccountProduct.CURRENT, code, null), META)
                .expectNoEvents()
                .expectException(invalid("currency_code"));
    }

    @Test
    void theProductIsRequired() {
        fixture.givenNoPriorActivity()
                .when(open(ADULT, null, "EUR", null), META)
                .expectNoEvents()
                .expectException(invalid("product"));
    }

    @Test
    void everyInvalidFieldIsNamedAtOnce() {
        fixture.givenNoPriorActivity()
                .when(open(ADULT, null, "BTC", null), META)
                .expectNoEvents()
                .expectException(invalid("currency_code", "product"));
    }

    @Test
    void aSavingsAccountMayNotHaveAnOverdraft() {
        fixture.givenNoPriorActivity()
                .when(open(ADULT, AccountProduct.SAVINGS, "EUR", eur("0.01")), META)
                .expectNoEvents()
                .expectException(invalid("overdraft_limit"));
    }

    @Test
    void aNegativeOverdraftIsRefused() {
        fixture.givenNoPriorActivity()
                .when(open(ADULT, AccountProduct.CURRENT, "EUR", eur("-100.00")), META)
                .expectNoEvents()
                .expectException(invalid("overdraft_limit"));
    }

    @Test
    void anOverdraftInAnotherCurrencyIsRefused() {
        fixture.givenNoPriorActivity()
                .when(open(ADULT, AccountProduct.CURRENT, "EUR", money("500.00", "USD")), META)
                .expectNoEvents()
                .expectException(invalid("overdraft_limit"));
    }

    @Test
    void moneyRefusesMoreDecimalsThanItsCurrencyHas() {
        assertThatThrownBy(() -> new Money(new BigDecimal("1.5"), JPY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JPY");
        assertThatThrownBy(() -> new Money(new BigDecimal("0.001"), EUR))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EUR");
        // Fewer decimals, or trailing zeros only, are brought to the exact scale without rounding.
        assertThat(new Money(new BigDecimal("12.5"), EUR).amount().toPlainString()).isEqualTo("12.50");
        assertThat(new Money(new BigDecimal("1000.00"), JPY).amount().toPlainString()).isEqualTo("1000");
        assertThat(new Money(new BigDecimal("12.5"), EUR)).isEqualTo(new Money(new BigDecimal("12.50"), EUR));
    }

    // ---------------------------------------------------------------- deposit

    @Test
    void aDepositAddsToTheBalanceAndRecordsTheBalanceAfter() {
        fixture.given(openedCurrent("0"), deposited("100.00", "100.00"))
                .when(deposit(eur("50.25")))
                .expectEvents(new FundsDepositedEvent(ACCOUNT, TX, eur("50.25"), CLEARING, eur("150.25")))
                .expectResultMessagePayloadMatching(details(d -> {
                    assertThat(d.balance()).isEqualTo(eur("150.25"));
                    assertThat(d.available()).isEqualTo(eur("150.25"));
                }));
    }

    @Test
    void aYenDepositHasNoMinorUnits() {
        fixture.given(opened(AccountProduct.CURRENT, "JPY", money("0", "JPY")))
                .when(deposit(money("1000", "JPY")))
                .expectEvents(new FundsDepositedEvent(ACCOUNT, TX, money("1000", "JPY"), CLEARING,
                        money("1000", "JPY")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"0.00", "-0.01", "-100.00"})
    void aDepositMustBePositive(String amount) {
        fixture.given(openedCurrent("0"))
                .when(deposit(eur(amount)))
                .expectNoEvents()
                .expectException(invalid("amount"));
    }

    @Test
    void aDepositWithoutAnAmountIsRefused() {
        fixture.given(openedCurrent("0"))
                .when(deposit(null))
                .expectNoEvents()
                .expectException(invalid("amount"));
    }

    @Test
    void aDepositInAnotherCurrencyIsRefused() {
        fixture.given(openedCurrent("0"))
                .when(deposit(money("10.00", "USD")))
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.refusal()).isEqualTo(Refusal.BUSINESS_RULE);
                    assertThat(e.reason()).isEqualTo(ErrorReason.CURRENCY_MISMATCH);
                    assertThat(e.metadata())
                            .containsEntry("account_currency_code", "EUR")
                            .containsEntry("amount_currency_code", "USD");
                }));
    }

    @Test
    void aCounterpartyNeedsAType() {
        fixture.given(openedCurrent("0"))
                .when(new DepositFundsCommand(ACCOUNT, TX, eur("10.00"), new Counterparty(null, "pay-0001")))
                .expectNoEvents()
                .expectException(invalid("counterparty.type"));
    }

    @Test
    void aMissingCounterpartyNamesBothOfItsFields() {
        fixture.given(openedCurrent("0"))
                .when(new DepositFundsCommand(ACCOUNT, TX, eur("10.00"), null))
                .expectNoEvents()
                .expectException(invalid("counterparty.type", "counterparty.reference"));
    }

    static Stream<Arguments> badReferences() {
        return Stream.of(
                Arguments.of("missing", null),
                Arguments.of("empty", ""),
                Arguments.of("blank", "   "),
                Arguments.of("141 characters", "x".repeat(141)),
                Arguments.of("bell control character", "pay\u0007-0001"),
                Arguments.of("newline", "pay\n0001"),
                Arguments.of("NUL", "pay\u00000001"),
                Arguments.of("replacement character", "pay\uFFFD0001"),
                Arguments.of("leading space", " pay-0001"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("badReferences")
    void aBadCounterpartyReferenceIsRefusedByName(String description, String reference) {
        fixture.given(openedCurrent("0"))
                .when(deposit(eur("10.00"), new Counterparty(CounterpartyType.EXTERNAL_CLEARING, reference)))
                .expectNoEvents()
                .expectException(invalid("counterparty.reference"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({"140 ASCII characters, x", "140 supplementary code points, \uD83D\uDCB6"})
    void aReferenceOf140CodePointsIsAccepted(String description, String unit) {
        Counterparty counterparty = new Counterparty(CounterpartyType.EXTERNAL_CLEARING, unit.repeat(140));
        fixture.given(openedCurrent("0"))
                .when(deposit(eur("10.00"), counterparty))
                .expectEvents(new FundsDepositedEvent(ACCOUNT, TX, eur("10.00"), counterparty, eur("10.00")));
    }

    @Test
    void anAccountFrozenForDebitsStillTakesDeposits() {
        fixture.given(openedCurrent("0"), frozen(FreezeScope.DEBITS))
                .when(deposit(eur("10.00")))
                .expectEvents(new FundsDepositedEvent(ACCOUNT, TX, eur("10.00"), CLEARING, eur("10.00")));
    }

    @Test
    void anAccountFrozenForAllMovementsRefusesDeposits() {
        fixture.given(openedCurrent("0"), frozen(FreezeScope.ALL))
                .when(deposit(eur("10.00")))
                .expectNoEvents()
                .expectException(rule(ErrorReason.ACCOUNT_FROZEN, e ->
                        assertThat(e.metadata()).containsEntry("freeze_scope", "ALL")));
    }

    @Test
    void aClosedAccountRefusesDeposits() {
        fixture.given(openedCurrent("0"), new AccountClosedEvent(ACCOUNT))
                .when(deposit(eur("10.00")))
                .expectNoEvents()
                .expectException(rule(ErrorReason.ACCOUNT_CLOSED, e -> { }));
    }

    // ---------------------------------------------------------------- withdraw

    @Test
    void aWithdrawalWithinTheBalanceIsRecordedWithTheBalanceAfter() {
        fixture.given(openedCurrent("0"), deposited("100.00", "100.00"))
                .when(withdraw(eur("40.00")))
                .expectEvents(new FundsWithdrawnEvent(ACCOUNT, TX, eur("40.00"), CLEARING, eur("60.00")));
    }

    @Test
    void withoutAnOverdraftTheWholeBalanceMayBeWithdrawn() {
        fixture.given(openedCurrent("0"), deposited("100.00", "100.00"))
                .when(withdraw(eur("100.00")))
                .expectEvents(new FundsWithdrawnEvent(ACCOUNT, TX, eur("100.00"), CLEARING, eur("0.00")));
    }

    @Test
    void aSavingsAccountIsNeverOverdrawn() {
        fixture.given(opened(AccountProduct.SAVINGS, "EUR", eur("0")), deposited("100.00", "100.00"))
                .when(withdraw(eur("100.01")))
                .expectNoEvents()
                .expectException(rule(ErrorReason.INSUFFICIENT_FUNDS, e -> assertThat(e.metadata())
                        .containsEntry("available", "100.00")
                        .containsEntry("requested", "100.01")));
    }

    @Test
    void aWithdrawalMayUseTheOverdraftUpToExactlyTheLimit() {
        fixture.given(openedCurrent("500.00"), deposited("100.00", "100.00"))
                .when(withdraw(eur("600.00")))
                .expectEvents(new FundsWithdrawnEvent(ACCOUNT, TX, eur("600.00"), CLEARING, eur("-500.00")))
                .expectResultMessagePayloadMatching(details(d -> {
                    assertThat(d.balance()).isEqualTo(eur("-500.00"));
                    assertThat(d.available()).isEqualTo(eur("0.00"));
                    assertAvailableIsBalancePlusOverdraftMinusHolds(d);
                }));
    }

    @Test
    void aWithdrawalOneCentBeyondTheOverdraftIsRefused() {
        fixture.given(openedCurrent("500.00"), deposited("100.00", "100.00"))
                .when(withdraw(eur("600.01")))
                .expectNoEvents()
                .expectException(rule(ErrorReason.INSUFFICIENT_FUNDS, e -> assertThat(e.metadata())
                        .containsEntry("available", "600.00")
                        .containsEntry("requested", "600.01")
                        .containsEntry("currency_code", "EUR")));
    }

    @Test
    void aYenWithdrawalBeyondTheBalanceIsRefusedInWholeYen() {
        fixture.given(opened(AccountProduct.CURRENT, "JPY", money("0", "JPY")),
                        new FundsDepositedEvent(ACCOUNT, "tx-0001", money("10000", "JPY"), CLEARING,
                                money("10000", "JPY")))
                .when(withdraw(money("10001", "JPY")))
                .expectNoEvents()
                .expectException(rule(ErrorReason.INSUFFICIENT_FUNDS, e -> assertThat(e.metadata())
                        .containsEntry("available", "10000")
                        .containsEntry("requested", "10001")
                        .containsEntry("currency_code", "JPY")));
    }

    @Test
    void holdsReduceWhatMayBeWithdrawn() {
        fixture.given(openedCurrent("0"), deposited("100.00", "100.00"), held("h1", "30.00"))
                .when(withdraw(eur("70.01")))
                .expectNoEvents()
                .expectException(rule(ErrorReason.INSUFFICIENT_FUNDS, e -> assertThat(e.metadata())
                        .containsEntry("available", "70.00")
                        .containsEntry("requested", "70.01")));
    }

    @Test
    void theBalanceNotHeldMayBeWithdrawn() {
        fixture.given(openedCurrent("0"), deposited("100.00", "100.00"), held("h1", "30.00"))
                .when(withdraw(eur("70.00")))
                .expectEvents(new FundsWithdrawnEvent(ACCOUNT, TX, eur("70.00"), CLEARING, eur("30.00")));
    }

    @Test
    void aWithdrawalMustBePositive() {
        fixture.given(openedCurrent("0"), deposited("100.00", "100.00"))
                .when(withdraw(eur("0.00")))
                .expectNoEvents()
                .expectException(invalid("amount"));
    }

    @Test
    void aWithdrawalNeedsACounterpartyType() {
        fixture.given(openedCurrent("0"), deposited("100.00", "100.00"))
                .when(new WithdrawFundsCommand(ACCOUNT, TX, eur("10.00"), new Counterparty(null, "pay-0001")))
                .expectNoEvents()
                .expectException(invalid("counterparty.type"));
    }

    @ParameterizedTest
    @EnumSource(FreezeScope.class)
    void aFrozenAccountRefusesWithdrawals(FreezeScope scope) {
        fixture.given(openedCurrent("0"), deposited("100.00", "100.00"), frozen(scope))
                .when(withdraw(eur("10.00")))
                .expectNoEvents()
                .expectException(rule(ErrorReason.ACCOUNT_FROZEN, e ->
                        assertThat(e.metadata()).containsEntry("freeze_scope", scope.name())));
    }

    @Test
    void aClosedAccountRefusesWithdrawals() {
        fixture.given(openedCurrent("0"), new AccountClosedEvent(ACCOUNT))
                .when(withdraw(eur("10.00")))
                .expectNoEvents()
                .expectException(rule(ErrorReason.ACCOUNT_CLOSED, e -> { }));
    }

    // ---------------------------------------------------------------- holds

    @Test
    void aHoldReducesTheAvailableFundsAndWithoutExpirySchedulesNothing() {
        fixture.given(openedCurrent("0"), deposited("100.00", "100.00"))
                .when(hold("h1", eur("30.00"), null))
                .expectEvents(new HoldPlacedEvent(ACCOUNT, "h1", eur("30.00"), HOLD_REASON, null))
                .expectNoScheduledDeadlines()
                .expectResultMessagePayloadMatching(details(d -> {
                    assertThat(d.balance()).isEqualTo(eur("100.00"));
                    assertThat(d.available()).isEqualTo(eur("70.00"));
                    assertThat(d.holds()).containsExactly(new Hold("h1", eur("30.00"), HOLD_REASON, null));
                    assertAvailableIsBalancePlusOverdraftMinusHolds(d);
                }));
    }

    @Test
    void holdsAddUpAndMayReachIntoTheOverdraft() {
        fixture.given(openedCurrent("500.00"), deposited("100.00", "100.00"), held("h1", "30.00"))
                .when(hold("h2", eur("570.00"), null))
                .expectEvents(new HoldPlacedEvent(ACCOUNT, "h2", eur("570.00"), HOLD_REASON, null))
                .expectResultMessagePayloadMatching(details(d -> {
                    assertThat(d.holds()).extracting(Hold::holdId).containsExactly("h1", "h2");
                    assertThat(d.available()).isEqualTo(eur("0.00"));
                    assertAvailableIsBalancePlusOverdraftMinusHolds(d);
                }));
    }

    @Test
    void aHoldBeyondTheAvailableFundsIsRefused() {
        fixture.given(openedCurrent("0"), deposited("100.00", "100.00"), held("h1", "30.00"))
                .when(hold("h2", eur("70.01"), null))
                .expectNoEvents()
                .expectException(rule(ErrorReason.INSUFFICIENT_FUNDS, e -> assertThat(e.metadata())
                        .containsEntry("available", "70.00")
                        .containsEntry("requested", "70.01")));
    }

    @ParameterizedTest(name = "[{index}] reason=''{0}''")
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "\t", "reason\u0007", " padded"})
    void aHoldNeedsAReason(String reason) {
        fixture.given(openedCurrent("0"), deposited("100.00", "100.00"))
                .when(new PlaceHoldCommand(ACCOUNT, "h1", eur("10.00"), reason, null))
                .expectNoEvents()
                .expectException(invalid("reason"));
    }

    @Test
    void aHoldReasonOf141CharactersIsRefused() {
        fixture.given(openedCurrent("0"), deposited("100.00", "100.00"))
                .when(new PlaceHoldCommand(ACCOUNT, "h1", eur("10.00"), "r".repeat(141), null))
                .expectNoEvents()
                .expectException(invalid("reason"));
    }

    @Test
    void aHoldMustBePositive() {
        fixture.given(openedCurrent("0"), deposited("100.00", "100.00"))
                .when(hold("h1", eur("0.00"), null))
                .expectNoEvents()
                .expectException(invalid("amount"));
    }

    @ParameterizedTest
    @EnumSource(FreezeScope.class)
    void aFrozenAccountRefusesHolds(FreezeScope scope) {
        fixture.given(openedCurrent("0"), deposited("100.00", "100.00"), frozen(scope))
                .when(hold("h1", eur("10.00"), null))
                .expectNoEvents()
                .expectNoScheduledDeadlines()
                .expectException(rule(ErrorReason.ACCOUNT_FROZEN, e ->
                        assertThat(e.metadata()).containsEntry("freeze_scope", scope.name())));
    }

    @Test
    void aHoldWithAnExpirySchedulesItsExpiryDeadline() {
        fixture.given(openedCurrent("0"), deposited("100.00", "100.00"))
                .when(hold("h1", eur("40.00"), EXPIRY))
                .expectEvents(new HoldPlacedEvent(ACCOUNT, "h1", eur("40.00"), HOLD_REASON, EXPIRY))
                .expectScheduledDeadlineWithName(EXPIRY, HOLD_EXPIRY)
                .expectScheduledDeadline(EXPIRY, "h1")
                .expectScheduledDeadlineWithName(Duration.ofHours(24), HOLD_EXPIRY);
    }

    @Test
    void aHoldExpiresWhenItsTimeHasPassed() {
        fixture.givenCommands(openMessage("0"), deposit(eur("100.00")), hold("h1", eur("40.00"), EXPIRY))
                .whenThenTimeElapses(Duration.ofHours(24).plusSeconds(1))
                .expectTriggeredDeadlinesWithName(HOLD_EXPIRY)
                .expectEvents(new HoldExpiredEvent(ACCOUNT, "h1", eur("40.00")));
    }

    @Test
    void aHoldExpiresExactlyAtItsExpireTime() {
        fixture.givenCommands(openMessage("0"), deposit(eur("100.00")), hold("h1", eur("40.00"), EXPIRY))
                .whenThenTimeAdvancesTo(EXPIRY)
                .expectEvents(new HoldExpiredEvent(ACCOUNT, "h1", eur("40.00")));
    }

    @Test
    void aHoldDoesNotExpireEarly() {
        fixture.givenCommands(openMessage("0"), deposit(eur("100.00")), hold("h1", eur("40.00"), EXPIRY))
                .whenThenTimeAdvancesTo(EXPIRY.minusSeconds(1))
                .expectTriggeredDeadlines()
                .expectScheduledDeadlineWithName(EXPIRY, HOLD_EXPIRY)
                .expectNoEvents();
    }

    @Test
    void aReleasedHoldsDeadlineFiresButRecordsNothing() {
        fixture.givenCommands(openMessage("0"), deposit(eur("100.00")), hold("h1", eur("40.00"), EXPIRY),
                        new ReleaseHoldCommand(ACCOUNT, "h1"))
                .whenThenTimeAdvancesTo(EXPIRY.plusSeconds(1))
                .expectTriggeredDeadlinesWithName(HOLD_EXPIRY)
                .expectNoEvents();
    }

    @Test
    void anExpiredHoldNoLongerReservesFunds() {
        fixture.given(openedCurrent("0"), deposited("100.00", "100.00"),
                        new HoldPlacedEvent(ACCOUNT, "h1", eur("40.00"), HOLD_REASON, EXPIRY),
                        new HoldExpiredEvent(ACCOUNT, "h1", eur("40.00")))
                .when(withdraw(eur("100.00")))
                .expectEvents(new FundsWithdrawnEvent(ACCOUNT, TX, eur("100.00"), CLEARING, eur("0.00")));
    }

    @Test
    void releasingAHoldRestoresTheAvailableFunds() {
        fixture.given(openedCurrent("0"), deposited("100.00", "100.00"), held("h1", "30.00"))
                .when(new ReleaseHoldCommand(ACCOUNT, "h1"))
                .expectEvents(new HoldReleasedEvent(ACCOUNT, "h1", eur("30.00")))
                .expectResultMessagePayloadMatching(details(d -> {
                    assertThat(d.holds()).isEmpty();
                    assertThat(d.available()).isEqualTo(eur("100.00"));
                }));
    }

    @Test
    void releasingAnUnknownHoldIsNotFound() {
        fixture.given(openedCurrent("0"), deposited("100.00", "100.00"), held("h1", "30.00"))
                .when(new ReleaseHoldCommand(ACCOUNT, "h2"))
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.refusal()).isEqualTo(Refusal.NOT_FOUND);
                    assertThat(e.reason()).isEqualTo(ErrorReason.HOLD_NOT_FOUND);
                    assertThat(e.metadata()).containsEntry("hold_id", "h2").containsEntry("account_id", ACCOUNT);
                }));
    }

    @Test
    void aHoldCannotBeReleasedTwice() {
        fixture.given(openedCurrent("0"), deposited("100.00", "100.00"), held("h1", "30.00"),
                        new HoldReleasedEvent(ACCOUNT, "h1", eur("30.00")))
                .when(new ReleaseHoldCommand(ACCOUNT, "h1"))
                .expectNoEvents()
                .expectException(refusal(e -> assertThat(e.reason()).isEqualTo(ErrorReason.HOLD_NOT_FOUND)));
    }

    // ---------------------------------------------------------------- freeze / unfreeze

    @Test
    void freezesDebits() {
        fixture.given(openedCurrent("0"))
                .when(freeze(FreezeScope.DEBITS, FREEZE_REASON))
                .expectEvents(frozen(FreezeScope.DEBITS))
                .expectResultMessagePayloadMatching(details(d -> {
                    assertThat(d.freezeScope()).isEqualTo(FreezeScope.DEBITS);
                    assertThat(d.freezeReason()).isEqualTo(FREEZE_REASON);
                }));
    }

    @Test
    void wideningAFreezeFromDebitsToAllRecordsTheNewScope() {
        fixture.given(openedCurrent("0"), frozen(FreezeScope.DEBITS))
                .when(freeze(FreezeScope.ALL, FREEZE_REASON))
                .expectEvents(frozen(FreezeScope.ALL));
    }

    @Test
    void aNewReasonForTheSameScopeIsRecorded() {
        fixture.given(openedCurrent("0"), frozen(FreezeScope.DEBITS))
                .when(freeze(FreezeScope.DEBITS, "court order"))
                .expectEvents(new AccountFrozenEvent(ACCOUNT, FreezeScope.DEBITS, "court order"));
    }

    @Test
    void freezingAgainWithTheSameScopeAndReasonRecordsNothing() {
        fixture.given(openedCurrent("0"), frozen(FreezeScope.ALL))
                .when(freeze(FreezeScope.ALL, FREEZE_REASON))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void aFreezeNeedsAScopeAndAReason() {
        fixture.given(openedCurrent("0"))
                .when(freeze(null, "  "))
                .expectNoEvents()
                .expectException(invalid("scope", "reason"));
    }

    @Test
    void unfreezingRecordsTheReasonAndClearsTheFreeze() {
        fixture.given(openedCurrent("0"), frozen(FreezeScope.ALL))
                .when(new UnfreezeAccountCommand(ACCOUNT, "review cleared"))
                .expectEvents(new AccountUnfrozenEvent(ACCOUNT, "review cleared"))
                .expectResultMessagePayloadMatching(details(d -> {
                    assertThat(d.freezeScope()).isNull();
                    assertThat(d.freezeReason()).isNull();
                }));
    }

    @Test
    void unfreezingRestoresDebits() {
        fixture.given(openedCurrent("0"), deposited("100.00", "100.00"), frozen(FreezeScope.DEBITS),
                        new AccountUnfrozenEvent(ACCOUNT, "review cleared"))
                .when(withdraw(eur("10.00")))
                .expectEvents(new FundsWithdrawnEvent(ACCOUNT, TX, eur("10.00"), CLEARING, eur("90.00")));
    }

    @Test
    void unfreezingAnAccountThatIsNotFrozenIsRefused() {
        fixture.given(openedCurrent("0"))
                .when(new UnfreezeAccountCommand(ACCOUNT, "review cleared"))
                .expectNoEvents()
                .expectException(rule(ErrorReason.ACCOUNT_NOT_FROZEN, e -> { }));
    }

    @Test
    void anUnfreezeNeedsAReason() {
        fixture.given(openedCurrent("0"), frozen(FreezeScope.DEBITS))
                .when(new UnfreezeAccountCommand(ACCOUNT, null))
                .expectNoEvents()
                .expectException(invalid("reason"));
    }

    // ---------------------------------------------------------------- close

    @Test
    void anEmptyAccountWithoutHoldsCloses() {
        fixture.given(openedCurrent("0"), deposited("100.00", "100.00"),
                        new FundsWithdrawnEvent(ACCOUNT, "tx-0003", eur("100.00"), CLEARING, eur("0.00")),
                        held("h1", "0.01"), new HoldReleasedEvent(ACCOUNT, "h1", eur("0.01")))
                .when(new CloseAccountCommand(ACCOUNT))
                .expectEvents(new AccountClosedEvent(ACCOUNT))
                .expectResultMessagePayloadMatching(details(d ->
                        assertThat(d.status()).isEqualTo(AccountStatus.CLOSED)));
    }

    @Test
    void anAccountWithMoneyCannotClose() {
        fixture.given(openedCurrent("0"), deposited("100.00", "100.00"))
                .when(new CloseAccountCommand(ACCOUNT))
                .expectNoEvents()
                .expectException(rule(ErrorReason.ACCOUNT_NOT_EMPTY, e -> assertThat(e.metadata())
                        .containsEntry("balance", "100.00")
                        .containsEntry("currency_code", "EUR")));
    }

    @Test
    void anOverdrawnAccountCannotClose() {
        fixture.given(openedCurrent("500.00"),
                        new FundsWithdrawnEvent(ACCOUNT, "tx-0001", eur("50.00"), CLEARING, eur("-50.00")))
                .when(new CloseAccountCommand(ACCOUNT))
                .expectNoEvents()
                .expectException(rule(ErrorReason.ACCOUNT_NOT_EMPTY, e ->
                        assertThat(e.metadata()).containsEntry("balance", "-50.00")));
    }

    @Test
    void anAccountWithAnActiveHoldCannotClose() {
        // A zero balance with a hold is possible only on the overdraft.
        fixture.given(openedCurrent("500.00"), held("h1", "100.00"))
                .when(new CloseAccountCommand(ACCOUNT))
                .expectNoEvents()
                .expectException(rule(ErrorReason.ACCOUNT_HAS_ACTIVE_HOLDS, e ->
                        assertThat(e.metadata()).containsEntry("active_holds", "1")));
    }

    static Stream<Arguments> everyCommand() {
        return Stream.of(
                Arguments.of("deposit", deposit(eur("10.00"))),
                Arguments.of("withdraw", withdraw(eur("10.00"))),
                Arguments.of("place hold", hold("h1", eur("10.00"), null)),
                Arguments.of("release hold", new ReleaseHoldCommand(ACCOUNT, "h1")),
                Arguments.of("freeze", freeze(FreezeScope.ALL, FREEZE_REASON)),
                Arguments.of("unfreeze", new UnfreezeAccountCommand(ACCOUNT, "review cleared")),
                Arguments.of("close again", new CloseAccountCommand(ACCOUNT)));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("everyCommand")
    void aClosedAccountRefusesEverything(String description, Object command) {
        fixture.given(openedCurrent("0"), new AccountClosedEvent(ACCOUNT))
                .when(command)
                .expectNoEvents()
                .expectNoScheduledDeadlines()
                .expectException(rule(ErrorReason.ACCOUNT_CLOSED, e ->
                        assertThat(e.metadata()).containsEntry("account_id", ACCOUNT)));
    }

    // ---------------------------------------------------------------- helpers

    private static Money money(String amount, String code) {
        return new Money(new BigDecimal(amount), Currency.getInstance(code));
    }

    private static Money eur(String amount) {
        return new Money(new BigDecimal(amount), EUR);
    }

    private static OpenAccountCommand open(LocalDate dateOfBirth, AccountProduct product, String currencyCode,
                                           Money overdraft) {
        return new OpenAccountCommand(ACCOUNT, CUSTOMER, dateOfBirth, product, currencyCode, overdraft);
    }

    /** givenCommands sends no metadata of its own, so the open command travels as a message with the date. */
    private static CommandMessage<?> openMessage(String overdraftEur) {
        return GenericCommandMessage.asCommandMessage(open(ADULT, AccountProduct.CURRENT, "EUR", eur(overdraftEur)))
                .andMetaData(META);
    }

    private static DepositFundsCommand deposit(Money amount) {
        return deposit(amount, CLEARING);
    }

    private static DepositFundsCommand deposit(Money amount, Counterparty counterparty) {
        return new DepositFundsCommand(ACCOUNT, TX, amount, counterparty);
    }

    private static WithdrawFundsCommand withdraw(Money amount) {
        return new WithdrawFundsCommand(ACCOUNT, TX, amount, CLEARING);
    }

    private static PlaceHoldCommand hold(String holdId, Money amount, Instant expireTime) {
        return new PlaceHoldCommand(ACCOUNT, holdId, amount, HOLD_REASON, expireTime);
    }

    private static FreezeAccountCommand freeze(FreezeScope scope, String reason) {
        return new FreezeAccountCommand(ACCOUNT, scope, reason);
    }

    private static AccountOpenedEvent opened(AccountProduct product, String currencyCode, Money overdraft) {
        return new AccountOpenedEvent(ACCOUNT, CUSTOMER, product, currencyCode, overdraft, BUSINESS_DATE);
    }

    private static AccountOpenedEvent openedCurrent(String overdraftEur) {
        return opened(AccountProduct.CURRENT, "EUR", eur(overdraftEur));
    }

    private static FundsDepositedEvent deposited(String amount, String balanceAfter) {
        return new FundsDepositedEvent(ACCOUNT, "tx-0001", eur(amount), CLEARING, eur(balanceAfter));
    }

    private static HoldPlacedEvent held(String holdId, String amount) {
        return new HoldPlacedEvent(ACCOUNT, holdId, eur(amount), HOLD_REASON, null);
    }

    private static AccountFrozenEvent frozen(FreezeScope scope) {
        return new AccountFrozenEvent(ACCOUNT, scope, FREEZE_REASON);
    }

    /** The invariant the API documents: available = balance + overdraft limit - active holds. */
    private static void assertAvailableIsBalancePlusOverdraftMinusHolds(AccountDetails d) {
        Money held = Money.zero(d.balance().currency());
        for (Hold hold : d.holds()) {
            held = held.plus(hold.amount());
        }
        assertThat(d.available()).isEqualTo(d.balance().plus(d.overdraftLimit()).minus(held));
    }

    /** An INVALID_INPUT refusal naming exactly these fields, in this order. */
    private static Matcher<DomainException> invalid(String... fields) {
        return refusal(e -> {
            assertThat(e.refusal()).isEqualTo(Refusal.INVALID_INPUT);
            assertThat(e.reason()).isEqualTo(ErrorReason.INVALID_FIELD);
            assertThat(fields(e)).containsExactly(fields);
        });
    }

    /** A BUSINESS_RULE refusal with this reason that also satisfies the given assertions. */
    private static Matcher<DomainException> rule(ErrorReason reason, Consumer<DomainException> assertions) {
        return refusal(e -> {
            assertThat(e.refusal()).isEqualTo(Refusal.BUSINESS_RULE);
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.violations()).isEmpty();
            assertions.accept(e);
        });
    }

    /** Matches a DomainException that satisfies the given AssertJ assertions. */
    private static Matcher<DomainException> refusal(Consumer<DomainException> assertions) {
        return Refusals.refusal(assertions);
    }

    /** Matches the AccountDetails a command answers with, if they satisfy the given AssertJ assertions. */
    private static Matcher<AccountDetails> details(Consumer<AccountDetails> assertions) {
        return Refusals.satisfying(AccountDetails.class, assertions);
    }

    private static List<String> fields(DomainException e) {
        return e.violations().stream().map(FieldViolation::field).toList();
    }
}
