package org.strongroom.account.domain;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
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
import org.strongroom.account.api.AccountCommands.CheckTransferCreditCommand;
import org.strongroom.account.api.AccountCommands.CloseAccountCommand;
import org.strongroom.account.api.AccountCommands.CreditForTransferCommand;
import org.strongroom.account.api.AccountCommands.DebitForTransferCommand;
import org.strongroom.account.api.AccountCommands.TransferLeg;
import org.strongroom.account.api.AccountEvents.TransferDebitedEvent;
import org.strongroom.account.api.AccountCommands.CreditTransferCommand;
import org.strongroom.account.api.AccountCommands.DepositFundsCommand;
import org.strongroom.account.api.AccountCommands.FreezeAccountCommand;
import org.strongroom.account.api.AccountCommands.OpenAccountCommand;
import org.strongroom.account.api.AccountCommands.ReleaseHoldCommand;
import org.strongroom.account.api.AccountCommands.ReleaseTransferCommand;
import org.strongroom.account.api.AccountCommands.ReserveForTransferCommand;
import org.strongroom.account.api.AccountCommands.SettleTransferCommand;
import org.strongroom.account.api.AccountCommands.WithdrawFundsCommand;
import org.strongroom.account.api.AccountEvents.TransferCreditedEvent;
import org.strongroom.account.api.AccountEvents.TransferDebitReservedEvent;
import org.strongroom.account.api.AccountEvents.TransferDebitSettledEvent;
import org.strongroom.account.api.AccountEvents.TransferReservationReleasedEvent;
import org.strongroom.account.api.AccountEvents.TransferStepRefusedEvent;
import org.strongroom.account.api.AccountProduct;
import org.strongroom.account.api.Counterparty;
import org.strongroom.account.api.CounterpartyType;
import org.strongroom.account.api.DebitLimits;
import org.strongroom.account.api.FreezeScope;
import org.strongroom.kernel.MetadataKeys;
import org.strongroom.kernel.Money;

/** An account's transfer steps: each decided once, refusals recorded, redeliveries change nothing. */
class AccountTransferTest {

    private static final String ACCOUNT = "acc-transfer";
    private static final String OTHER = "acc-other";
    private static final String TRANSFER = "tr-1";
    private static final LocalDate TODAY = LocalDate.of(2026, 11, 23);
    private static final Counterparty CLEARING = new Counterparty(CounterpartyType.EXTERNAL_CLEARING, "ref");

    private FixtureConfiguration<Account> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Account.class);
        fixture.registerAnnotatedCommandHandler(new AccountCommandHandler(fixture.getRepository()));
        fixture.registerCommandHandlerInterceptor(new CorrelationDataInterceptor<>(List.of(
                new SimpleCorrelationDataProvider(MetadataKeys.CHANNEL, MetadataKeys.ROLE,
                        MetadataKeys.BUSINESS_DATE))));
    }

    private static Money eur(String amount) {
        return new Money(new BigDecimal(amount), Currency.getInstance("EUR"));
    }

    private static MetaData meta() {
        return MetaData.with(MetadataKeys.CHANNEL, "MOBILE").and(MetadataKeys.ROLE, "CUSTOMER")
                .and(MetadataKeys.BUSINESS_DATE, TODAY.toString());
    }

    private static Object message(Object command) {
        return GenericCommandMessage.asCommandMessage(command).andMetaData(meta());
    }

    private TestExecutor<Account> funded(String balance, Object... more) {
        Object[] commands = new Object[2 + more.length];
        commands[0] = message(new OpenAccountCommand(ACCOUNT, "cust-1", LocalDate.of(1980, 1, 1),
                AccountProduct.CURRENT, "EUR", null));
        commands[1] = message(new DepositFundsCommand(ACCOUNT, "dep-1", eur(balance), CLEARING));
        for (int i = 0; i < more.length; i++) {
            commands[2 + i] = message(more[i]);
        }
        return fixture.givenCommands(commands);
    }

    private static ReserveForTransferCommand reserve(String amount) {
        return new ReserveForTransferCommand(ACCOUNT, TRANSFER, OTHER, eur(amount), DebitLimits.NONE, DebitLimits.NONE);
    }

    // ------------------------------------------------------------- one-transaction transfers (the legs)

    @Test
    void theSourcePaysWithinItsFundsAndOtherwiseAnswersWhyNotAndChangesNothing() {
        funded("100.00").when(message(new DebitForTransferCommand(ACCOUNT, TRANSFER, OTHER, eur("60.00"),
                        DebitLimits.NONE, DebitLimits.NONE)))
                .expectEvents(new TransferDebitedEvent(ACCOUNT, TRANSFER, OTHER, eur("60.00"), eur("40.00")))
                .expectResultMessagePayload(TransferLeg.ACCEPTED);
        funded("100.00").when(message(new DebitForTransferCommand(ACCOUNT, TRANSFER, OTHER, eur("100.01"),
                        DebitLimits.NONE, DebitLimits.NONE)))
                .expectNoEvents()
                .expectResultMessagePayloadMatching(leg("INSUFFICIENT_FUNDS"));
        funded("100.00", new FreezeAccountCommand(ACCOUNT, FreezeScope.DEBITS, "check"))
                .when(message(new DebitForTransferCommand(ACCOUNT, TRANSFER, OTHER, eur("1.00"), DebitLimits.NONE,
                        DebitLimits.NONE)))
                .expectNoEvents()
                .expectResultMessagePayloadMatching(leg("ACCOUNT_FROZEN"));
    }

    @Test
    void aTransferDebitCountsAgainstTheDailyLimit() {
        DebitLimits mobile = new DebitLimits("MOBILE", null, new BigDecimal("100"));
        funded("500.00", new DebitForTransferCommand(ACCOUNT, "tr-0", OTHER, eur("80.00"), mobile, DebitLimits.NONE))
                .when(message(new DebitForTransferCommand(ACCOUNT, TRANSFER, OTHER, eur("20.01"), mobile,
                        DebitLimits.NONE)))
                .expectNoEvents()
                .expectResultMessagePayloadMatching(leg("DAILY_LIMIT_EXCEEDED"));
    }

    @Test
    void theTargetIsAskedBeforeAnythingMovesAndThenCredited() {
        funded("10.00").when(message(new CheckTransferCreditCommand(ACCOUNT, TRANSFER, OTHER, eur("5.00"))))
                .expectNoEvents().expectResultMessagePayload(TransferLeg.ACCEPTED);
        funded("1.00", new FreezeAccountCommand(ACCOUNT, FreezeScope.ALL, "court order"))
                .when(message(new CheckTransferCreditCommand(ACCOUNT, TRANSFER, OTHER, eur("5.00"))))
                .expectNoEvents().expectResultMessagePayloadMatching(leg("ACCOUNT_FROZEN"));
        funded("1.00", new FreezeAccountCommand(ACCOUNT, FreezeScope.DEBITS, "review"))
                .when(message(new CreditForTransferCommand(ACCOUNT, TRANSFER, OTHER, eur("5.00"))))
                .expectEvents(new TransferCreditedEvent(ACCOUNT, TRANSFER, OTHER, eur("5.00"), eur("6.00")));
        fixture.givenCommands(message(new OpenAccountCommand(ACCOUNT, "cust-1", LocalDate.of(1980, 1, 1),
                        AccountProduct.CURRENT, "USD", null)))
                .when(message(new CheckTransferCreditCommand(ACCOUNT, TRANSFER, OTHER, eur("5.00"))))
                .expectNoEvents().expectResultMessagePayloadMatching(leg("CURRENCY_MISMATCH"));
    }

    @Test
    void anAccountRemembersItsRecentTransfersAndEveryOpenReservationButNotEveryTransferEver() {
        // An open reservation, then more one-transaction credits than the account remembers.
        List<Object> history = new ArrayList<>();
        history.add(reserve("30.00"));
        for (int i = 0; i <= Account.REMEMBERED_TRANSFERS; i++) {
            history.add(new CreditForTransferCommand(ACCOUNT, "in-" + i, OTHER, eur("1.00")));
        }
        // The oldest credits are forgotten, the latest are not: a step delivered again finds it done.
        funded("100.00", history.toArray()).when(message(new CreditTransferCommand(ACCOUNT,
                        "in-" + Account.REMEMBERED_TRANSFERS, OTHER, eur("1.00"))))
                .expectNoEvents();
        // The reservation, older than all of them, is still open and settles exactly once.
        funded("100.00", history.toArray()).when(message(new SettleTransferCommand(ACCOUNT, TRANSFER)))
                .expectEvents(new TransferDebitSettledEvent(ACCOUNT, TRANSFER, OTHER, eur("30.00"),
                        eur("1071.00")));
        history.add(new SettleTransferCommand(ACCOUNT, TRANSFER));
        funded("100.00", history.toArray()).when(message(new SettleTransferCommand(ACCOUNT, TRANSFER)))
                .expectNoEvents();
        funded("100.00", history.toArray()).when(message(reserve("30.00"))).expectNoEvents();
    }

    private static org.hamcrest.Matcher<?> leg(String reason) {
        return org.axonframework.test.matchers.Matchers.predicate(payload -> payload instanceof TransferLeg leg
                && reason.equals(leg.refusalReason()) && leg.refusalMessage() != null);
    }

    @Test
    void theSourceReservesTheAmountOnce() {
        funded("100.00").when(message(reserve("60.00")))
                .expectEvents(new TransferDebitReservedEvent(ACCOUNT, TRANSFER, OTHER, eur("60.00")));
        funded("100.00", reserve("60.00")).when(message(reserve("60.00"))).expectNoEvents();
    }

    @Test
    void aReservationBeyondTheAvailableFundsIsRecordedAsRefused() {
        funded("100.00").when(message(reserve("100.01")))
                .expectEvents(new TransferStepRefusedEvent(ACCOUNT, TRANSFER, "RESERVE", OTHER, eur("100.01"),
                        "INSUFFICIENT_FUNDS", "the amount exceeds the available funds"));
    }

    @Test
    void aReservationCountsAgainstTheDailyLimitAtOnce() {
        DebitLimits mobile = new DebitLimits("MOBILE", null, new BigDecimal("100"));
        funded("500.00", new ReserveForTransferCommand(ACCOUNT, "tr-0", OTHER, eur("80.00"), mobile,
                        DebitLimits.NONE))
                .when(message(new WithdrawFundsCommand(ACCOUNT, "tx-1", eur("20.01"), CLEARING, mobile)))
                .expectNoEvents()
                .expectException(org.strongroom.kernel.Refusals.refusal(e -> org.assertj.core.api.Assertions
                        .assertThat(e.reason()).isEqualTo(org.strongroom.kernel.ErrorReason.DAILY_LIMIT_EXCEEDED)));
    }

    @Test
    void aFrozenSourceRefusesToReserve() {
        funded("100.00", new FreezeAccountCommand(ACCOUNT, FreezeScope.DEBITS, "check"))
                .when(message(reserve("10.00")))
                .expectEvents(new TransferStepRefusedEvent(ACCOUNT, TRANSFER, "RESERVE", OTHER, eur("10.00"),
                        "ACCOUNT_FROZEN", "the account is frozen: no debits"));
    }

    @Test
    void aTellerCannotReleaseATransfersReservation() {
        funded("100.00", reserve("60.00"))
                .when(message(new ReleaseHoldCommand(ACCOUNT, TRANSFER)))
                .expectNoEvents()
                .expectException(org.strongroom.kernel.Refusals.refusal(e -> {
                    org.assertj.core.api.Assertions.assertThat(e.reason())
                            .isEqualTo(org.strongroom.kernel.ErrorReason.HOLD_HELD_BY_PROCESS);
                    org.assertj.core.api.Assertions.assertThat(e.metadata()).containsEntry("held_by", "transfer");
                }));
    }

    @Test
    void aReservationWhoseHoldWasReleasedByAnOlderReleaseStillSettles() {
        // Events an earlier release could write: a teller released the reservation's hold mid-transfer.
        fixture.given(
                        new org.strongroom.account.api.AccountEvents.AccountOpenedEvent(ACCOUNT, "cust-1",
                                AccountProduct.CURRENT, "EUR", eur("0.00"), TODAY),
                        new org.strongroom.account.api.AccountEvents.FundsDepositedEvent(ACCOUNT, "dep-1",
                                eur("100.00"), CLEARING, eur("100.00")),
                        new TransferDebitReservedEvent(ACCOUNT, TRANSFER, OTHER, eur("60.00")),
                        new org.strongroom.account.api.AccountEvents.HoldReleasedEvent(ACCOUNT, TRANSFER,
                                eur("60.00")))
                .when(message(new SettleTransferCommand(ACCOUNT, TRANSFER)))
                .expectEvents(new TransferDebitSettledEvent(ACCOUNT, TRANSFER, OTHER, eur("60.00"), eur("40.00")));
    }

    @Test
    void settlingTurnsTheReservationIntoTheDebitOnce() {
        funded("100.00", reserve("60.00")).when(message(new SettleTransferCommand(ACCOUNT, TRANSFER)))
                .expectEvents(new TransferDebitSettledEvent(ACCOUNT, TRANSFER, OTHER, eur("60.00"), eur("40.00")));
        funded("100.00", reserve("60.00"), new SettleTransferCommand(ACCOUNT, TRANSFER))
                .when(message(new SettleTransferCommand(ACCOUNT, TRANSFER))).expectNoEvents();
        funded("100.00", reserve("60.00"), new SettleTransferCommand(ACCOUNT, TRANSFER))
                .when(message(new ReleaseTransferCommand(ACCOUNT, TRANSFER, "late"))).expectNoEvents();
    }

    @Test
    void releasingGivesTheReservationBackOnce() {
        funded("100.00", reserve("60.00"))
                .when(message(new ReleaseTransferCommand(ACCOUNT, TRANSFER, "ACCOUNT_CLOSED: the account is closed")))
                .expectEvents(new TransferReservationReleasedEvent(ACCOUNT, TRANSFER, OTHER, eur("60.00"),
                        "ACCOUNT_CLOSED: the account is closed"));
        funded("100.00", reserve("60.00"), new ReleaseTransferCommand(ACCOUNT, TRANSFER, "x"))
                .when(message(new SettleTransferCommand(ACCOUNT, TRANSFER))).expectNoEvents();
    }

    @Test
    void theTargetIsCreditedOnce() {
        CreditTransferCommand credit = new CreditTransferCommand(ACCOUNT, TRANSFER, OTHER, eur("25.00"));
        funded("100.00").when(message(credit))
                .expectEvents(new TransferCreditedEvent(ACCOUNT, TRANSFER, OTHER, eur("25.00"), eur("125.00")));
        funded("100.00", credit).when(message(credit)).expectNoEvents();
    }

    @Test
    void aClosedFullyFrozenOrOtherCurrencyTargetRefusesTheCredit() {
        fixture.givenCommands(message(new OpenAccountCommand(ACCOUNT, "cust-1", LocalDate.of(1980, 1, 1),
                        AccountProduct.CURRENT, "EUR", null)), message(new CloseAccountCommand(ACCOUNT)))
                .when(message(new CreditTransferCommand(ACCOUNT, TRANSFER, OTHER, eur("5.00"))))
                .expectEvents(new TransferStepRefusedEvent(ACCOUNT, TRANSFER, "CREDIT", OTHER, eur("5.00"),
                        "ACCOUNT_CLOSED", "the account is closed"));
        funded("100.00", new FreezeAccountCommand(ACCOUNT, FreezeScope.ALL, "court order"))
                .when(message(new CreditTransferCommand(ACCOUNT, TRANSFER, OTHER, eur("5.00"))))
                .expectEvents(new TransferStepRefusedEvent(ACCOUNT, TRANSFER, "CREDIT", OTHER, eur("5.00"),
                        "ACCOUNT_FROZEN", "the account is frozen: no credits"));
        Money usd = new Money(new BigDecimal("5.00"), Currency.getInstance("USD"));
        funded("100.00").when(message(new CreditTransferCommand(ACCOUNT, TRANSFER, OTHER, usd)))
                .expectEvents(new TransferStepRefusedEvent(ACCOUNT, TRANSFER, "CREDIT", OTHER, usd,
                        "CURRENCY_MISMATCH", "the amount is in USD but the account holds EUR"));
    }
}
