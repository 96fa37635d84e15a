package org.strongroom.account.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.strongroom.kernel.Refusals.refusal;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Currency;
import org.axonframework.commandhandling.GenericCommandMessage;
import java.util.List;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;
import org.axonframework.messaging.interceptors.CorrelationDataInterceptor;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.axonframework.test.aggregate.TestExecutor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.strongroom.account.api.AccountCommands.DepositFundsCommand;
import org.strongroom.account.api.AccountCommands.OpenAccountCommand;
import org.strongroom.account.api.AccountCommands.WithdrawFundsCommand;
import org.strongroom.account.api.AccountEvents.FundsWithdrawnEvent;
import org.strongroom.account.api.AccountProduct;
import org.strongroom.account.api.Counterparty;
import org.strongroom.account.api.CounterpartyType;
import org.strongroom.account.api.DebitLimits;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.MetadataKeys;
import org.strongroom.kernel.Money;
import org.strongroom.kernel.Refusal;

/** Channel debit limits: per transaction, and per business day counted per channel. */
class AccountLimitsTest {

    private static final String ACCOUNT = "acc-limits";
    private static final LocalDate TODAY = LocalDate.of(2026, 11, 23);
    private static final Counterparty CLEARING = new Counterparty(CounterpartyType.EXTERNAL_CLEARING, "ref");
    private static final DebitLimits MOBILE = new DebitLimits("MOBILE", new BigDecimal("300"), new BigDecimal("500"));

    private FixtureConfiguration<Account> fixture;
    private int transactions;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Account.class);
        fixture.registerAnnotatedCommandHandler(new AccountCommandHandler(fixture.getRepository()));
        // As in the node: events inherit the command's channel and business date.
        fixture.registerCommandHandlerInterceptor(new CorrelationDataInterceptor<>(List.of(
                new SimpleCorrelationDataProvider(MetadataKeys.CHANNEL, MetadataKeys.BUSINESS_DATE))));
    }

    private static Money eur(String amount) {
        return new Money(new BigDecimal(amount), Currency.getInstance("EUR"));
    }

    private static MetaData on(String channel, LocalDate businessDate) {
        return MetaData.with(MetadataKeys.CHANNEL, channel).and(MetadataKeys.BUSINESS_DATE, businessDate.toString());
    }

    private Object withdrawal(String amount, DebitLimits limits, String channel, LocalDate businessDate) {
        return GenericCommandMessage.asCommandMessage(new WithdrawFundsCommand(ACCOUNT, "tx-" + (++transactions),
                eur(amount), CLEARING, limits)).andMetaData(on(channel, businessDate));
    }

    private TestExecutor<Account> fundedWith(String amount) {
        return fixture.givenCommands(
                GenericCommandMessage.asCommandMessage(new OpenAccountCommand(ACCOUNT, "cust-1", LocalDate.of(1980, 1, 1),
                        AccountProduct.CURRENT, "EUR", null)).andMetaData(on("BRANCH", TODAY)),
                GenericCommandMessage.asCommandMessage(new DepositFundsCommand(ACCOUNT, "dep-1", eur(amount), CLEARING))
                        .andMetaData(on("BRANCH", TODAY)));
    }

    @Test
    void aDebitAboveThePerTransactionLimitIsRefusedNamingIt() {
        fundedWith("1000.00").when(new WithdrawFundsCommand(ACCOUNT, "tx", eur("300.01"), CLEARING, MOBILE), on("MOBILE", TODAY))
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.refusal()).isEqualTo(Refusal.BUSINESS_RULE);
                    assertThat(e.reason()).isEqualTo(ErrorReason.TRANSACTION_LIMIT_EXCEEDED);
                    assertThat(e.metadata()).containsEntry("channel", "MOBILE").containsEntry("limit", "300");
                }));
    }

    @Test
    void exactlyThePerTransactionLimitIsAccepted() {
        fundedWith("1000.00").when(new WithdrawFundsCommand(ACCOUNT, "tx", eur("300.00"), CLEARING, MOBILE), on("MOBILE", TODAY))
                .expectEvents(new FundsWithdrawnEvent(ACCOUNT, "tx", eur("300.00"), CLEARING, eur("700.00")));
    }

    @Test
    void theDailyLimitCountsEarlierDebitsOfTheDayOnThatChannel() {
        fundedWith("1000.00").andGivenCommands(withdrawal("300.00", MOBILE, "MOBILE", TODAY), withdrawal("150.00", MOBILE, "MOBILE", TODAY))
                .when(new WithdrawFundsCommand(ACCOUNT, "tx", eur("50.01"), CLEARING, MOBILE), on("MOBILE", TODAY))
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.reason()).isEqualTo(ErrorReason.DAILY_LIMIT_EXCEEDED);
                    assertThat(e.metadata()).containsEntry("used_today", "450.00").containsEntry("limit", "500");
                }));
    }

    @Test
    void theDailyLimitIsReachedExactly() {
        fundedWith("1000.00").andGivenCommands(withdrawal("300.00", MOBILE, "MOBILE", TODAY), withdrawal("150.00", MOBILE, "MOBILE", TODAY))
                .when(new WithdrawFundsCommand(ACCOUNT, "tx", eur("50.00"), CLEARING, MOBILE), on("MOBILE", TODAY))
                .expectSuccessfulHandlerExecution();
    }

    @Test
    void aNewBusinessDayStartsAFreshDailyLimit() {
        fundedWith("1000.00").andGivenCommands(withdrawal("300.00", MOBILE, "MOBILE", TODAY), withdrawal("200.00", MOBILE, "MOBILE", TODAY))
                .when(new WithdrawFundsCommand(ACCOUNT, "tx", eur("300.00"), CLEARING, MOBILE),
                        on("MOBILE", TODAY.plusDays(1)))
                .expectSuccessfulHandlerExecution();
    }

    @Test
    void debitsOnAnotherChannelDoNotCount() {
        fundedWith("1000.00").andGivenCommands(withdrawal("400.00", DebitLimits.NONE, "BRANCH", TODAY))
                .when(new WithdrawFundsCommand(ACCOUNT, "tx", eur("300.00"), CLEARING, MOBILE), on("MOBILE", TODAY))
                .expectSuccessfulHandlerExecution();
    }

    @Test
    void withoutLimitsOnlyTheAvailableFundsApply() {
        fundedWith("5000.00").when(new WithdrawFundsCommand(ACCOUNT, "tx", eur("4999.99"), CLEARING), on("BRANCH", TODAY))
                .expectSuccessfulHandlerExecution();
    }
}
