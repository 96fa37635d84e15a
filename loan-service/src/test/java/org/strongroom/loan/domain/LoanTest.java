package org.strongroom.loan.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.strongroom.loan.LoanMatchers.invalidFields;
import static org.strongroom.loan.LoanMatchers.payloads;
import static org.strongroom.loan.LoanMatchers.refusal;
import static org.strongroom.loan.LoanMatchers.refused;
import static org.strongroom.loan.LoanMatchers.satisfying;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.Money;
import org.strongroom.loan.api.LoanApi.Allocation;
import org.strongroom.loan.api.LoanApi.ApplyForLoanCommand;
import org.strongroom.loan.api.LoanApi.CloseLoanDayCommand;
import org.strongroom.loan.api.LoanApi.DecideLoanCommand;
import org.strongroom.loan.api.LoanApi.DelinquencyBucket;
import org.strongroom.loan.api.LoanApi.DisburseLoanCommand;
import org.strongroom.loan.api.LoanApi.InspectLoanCommand;
import org.strongroom.loan.api.LoanApi.InstalmentState;
import org.strongroom.loan.api.LoanApi.LineAmount;
import org.strongroom.loan.api.LoanApi.LinePayment;
import org.strongroom.loan.api.LoanApi.LoanAppliedEvent;
import org.strongroom.loan.api.LoanApi.LoanApprovedEvent;
import org.strongroom.loan.api.LoanApi.LoanClosedEvent;
import org.strongroom.loan.api.LoanApi.LoanDayClosedEvent;
import org.strongroom.loan.api.LoanApi.LoanDetails;
import org.strongroom.loan.api.LoanApi.LoanDisbursedEvent;
import org.strongroom.loan.api.LoanApi.LoanInterestAccruedEvent;
import org.strongroom.loan.api.LoanApi.LoanRecoveryRecordedEvent;
import org.strongroom.loan.api.LoanApi.LoanReferredEvent;
import org.strongroom.loan.api.LoanApi.LoanRejectedEvent;
import org.strongroom.loan.api.LoanApi.LoanRepaidEvent;
import org.strongroom.loan.api.LoanApi.LoanStatus;
import org.strongroom.loan.api.LoanApi.LoanWrittenOffEvent;
import org.strongroom.loan.api.LoanApi.PayoffQuote;
import org.strongroom.loan.api.LoanApi.PrepaymentMode;
import org.strongroom.loan.api.LoanApi.QuotePayoffCommand;
import org.strongroom.loan.api.LoanApi.RecordRecoveryCommand;
import org.strongroom.loan.api.LoanApi.ReferLoanCommand;
import org.strongroom.loan.api.LoanApi.RepayLoanCommand;
import org.strongroom.loan.api.LoanApi.RepaymentSource;
import org.strongroom.loan.api.LoanApi.ScheduledLine;
import org.strongroom.loan.api.LoanApi.WriteOffLoanCommand;
import org.strongroom.loan.product.AllocationBucket;
import org.strongroom.loan.product.LoanProduct;
import org.strongroom.loan.schedule.Amortization;
import org.strongroom.loan.schedule.DayCount;
import org.strongroom.loan.schedule.Instalment;
import org.strongroom.loan.schedule.RepaymentFrequency;
import org.strongroom.loan.schedule.ScheduleCalculator;
import org.strongroom.loan.schedule.ScheduleTerms;
import org.strongroom.loan.scoring.CreditOutcome;
import org.strongroom.loan.scoring.CreditProfile;
import org.strongroom.loan.scoring.Scorecard;

/**
 * The life of a loan on the Axon fixture. Most cases use one weekly product whose numbers are easy to follow
 * by hand:
 *
 * <pre>
 * WEEKLY: EUR, 10.4 % nominal (r = 0.104 / 52 = 0.002 a week), annuity, 30/360, fee 1 %, penalty 7.3 % a year
 * (0.073 / 365 = 0.0002 a day), 3 grace days, auto-approval up to 2,000.00.
 * 1,000.00 over 4 weeks, disbursed Mon 2026-03-02:
 *   instalment 1000 x 0.002 / (1 - 1.002^-4) = 251.2512... -> 251.25; fee 1000 x 0.01 = 10.00
 *   # due         interest                    principal  outstanding
 *   1 2026-03-09  1000.00 x 0.002 = 2.00      249.25     750.75
 *   2 2026-03-16  750.75 x 0.002 = 1.5015     249.75     501.00   (1.50)
 *   3 2026-03-23  501.00 x 0.002 = 1.002      250.25     250.75   (1.00)
 *   4 2026-03-30  250.75 x 0.002 = 0.5015     250.75       0.00   (0.50, final 251.25)
 * </pre>
 */
class LoanTest {

    private static final String LOAN = "8f14e45f-ceea-467a-9a36-dedd4bea2543";
    private static final String CUSTOMER = "c9f0f895-fb98-4b91-b8e5-a9d5d1d1f1a4";
    private static final String ACCOUNT = "45c48cce-2e2d-4fbd-aa1a-e5c0bc1ed2b4";
    private static final String APPLICANT = "teller-7";
    private static final String APPROVAL = "d3d94468-02a4-4a7d-9c8b-1f5e2d6a7b8c";
    private static final Instant NOW = Instant.parse("2026-03-02T10:15:00Z");
    private static final Instant DECISION_DUE = NOW.plus(java.time.Duration.ofDays(3));
    private static final Currency EUR = Currency.getInstance("EUR");

    private static final LocalDate D0 = LocalDate.parse("2026-03-02");
    private static final LocalDate DUE1 = LocalDate.parse("2026-03-09");
    private static final LocalDate DUE2 = LocalDate.parse("2026-03-16");
    private static final LocalDate DUE3 = LocalDate.parse("2026-03-23");
    private static final LocalDate DUE4 = LocalDate.parse("2026-03-30");

    private static final List<AllocationBucket> STANDARD_ORDER = List.of(AllocationBucket.PENALTIES,
            AllocationBucket.FEES, AllocationBucket.INTEREST, AllocationBucket.PRINCIPAL);
    private static final List<AllocationBucket> PRINCIPAL_FIRST = List.of(AllocationBucket.PRINCIPAL,
            AllocationBucket.INTEREST, AllocationBucket.FEES, AllocationBucket.PENALTIES);

    private static final LoanProduct WEEKLY = weekly("WEEKLY", "0.01", STANDARD_ORDER);
    private static final LoanProduct WEEKLY_NO_FEE = weekly("WEEKLY-NOFEE", "0", STANDARD_ORDER);
    private static final LoanProduct WEEKLY_PRINCIPAL_FIRST = weekly("WEEKLY-PF", "0.01", PRINCIPAL_FIRST);
    /** The docs' first worked example: 1,000.00 at 12 % over 3 months, 30/360; fee 1.5 %. */
    private static final LoanProduct MONTHLY = new LoanProduct("MONTHLY", 3, "Monthly instalment loan", "EUR",
            new BigDecimal("500.00"), new BigDecimal("20000.00"), 3, 36, new BigDecimal("0.12"),
            RepaymentFrequency.MONTHLY, Amortization.ANNUITY, DayCount.THIRTY_360, new BigDecimal("0.015"),
            new BigDecimal("0.10"), 5, STANDARD_ORDER, new BigDecimal("10000.00"));
    /** Awkward on purpose: ACT/365F month ends through a leap February, 7.95 %. */
    private static final LoanProduct AWKWARD = new LoanProduct("AWKWARD", 1, "Awkward", "EUR",
            new BigDecimal("100.00"), new BigDecimal("5000.00"), 2, 12, new BigDecimal("0.0795"),
            RepaymentFrequency.MONTHLY, Amortization.ANNUITY, DayCount.ACT_365F, new BigDecimal("0.0125"),
            new BigDecimal("0.12"), 0, STANDARD_ORDER, new BigDecimal("5000.00"));

    /** 100 points: old account, balances far above the instalment, regular inflows, low debt, clean history. */
    private static final CreditProfile GOOD = profile(400, "20000.00", "100.00", 3, 0, 0);
    /** 50 points: young account (0), average balance below one instalment (0), inflows in 2 of 3 months (10). */
    private static final CreditProfile REVIEW = profile(30, "500.00", "0.00", 2, 0, 0);
    /** A written-off loan: a knock-out whatever else. */
    private static final CreditProfile WRITTEN_OFF_BEFORE = profile(400, "20000.00", "100.00", 3, 0, 1);

    private FixtureConfiguration<Loan> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Loan.class);
        // The fixture compares the state a command leaves with the state its events rebuild, field by field, but
        // compares a List by List.equals, and LoanBook.Line has identity equality: its instalments never compare
        // equal. Every other field of the book is still compared; theScheduleRebuiltFromEventsIsTheOneCommandsLeft
        // compares the instalments by value.
        fixture.registerIgnoredField(LoanBook.class, "lines");
        fixture.givenCurrentTime(NOW);
    }

    // ---------------------------------------------------------------- helpers

    private static LoanProduct weekly(String code, String feeRate, List<AllocationBucket> order) {
        return new LoanProduct(code, 1, "Weekly " + code, "EUR", new BigDecimal("100.00"), new BigDecimal("5000.00"),
                2, 12, new BigDecimal("0.104"), RepaymentFrequency.WEEKLY, Amortization.ANNUITY, DayCount.THIRTY_360,
                new BigDecimal(feeRate), new BigDecimal("0.073"), 3, order, new BigDecimal("2000.00"));
    }

    private static CreditProfile profile(long accountAgeDays, String averageBalance, String minimumBalance,
                                         int monthsWithInflows, int worstDaysPastDue, int writtenOffLoans) {
        return new CreditProfile(accountAgeDays, new BigDecimal(averageBalance), new BigDecimal(minimumBalance),
                monthsWithInflows, BigDecimal.ZERO, BigDecimal.ZERO, worstDaysPastDue, writtenOffLoans,
                new BigDecimal("10000.00"));
    }

    private static Money eur(String amount) {
        return new Money(new BigDecimal(amount), EUR);
    }

    private static ApplyForLoanCommand application(LoanProduct product, Money principal, int instalments,
                                                   CreditProfile profile, LocalDate date) {
        return new ApplyForLoanCommand(LOAN, CUSTOMER, ACCOUNT, product, principal, instalments, profile, date,
                APPLICANT);
    }

    private static ApplyForLoanCommand application(LoanProduct product, String principal, int instalments,
                                                   CreditProfile profile) {
        return application(product, eur(principal), instalments, profile, D0);
    }

    /** The standard loan: 1,000.00 over 4 weeks, auto-approved. */
    private static ApplyForLoanCommand standard() {
        return application(WEEKLY, "1000.00", 4, GOOD);
    }

    private static DisburseLoanCommand disburse(LocalDate date) {
        return new DisburseLoanCommand(LOAN, "tx-disburse", date);
    }

    private static RepayLoanCommand repay(String amount, LocalDate date, PrepaymentMode mode) {
        return new RepayLoanCommand(LOAN, "tx-repay-" + date, eur(amount), date, mode, RepaymentSource.MANUAL);
    }

    private static CloseLoanDayCommand close(LocalDate date) {
        return new CloseLoanDayCommand(LOAN, date);
    }

    private static QuotePayoffCommand quote(LocalDate payoffDate, LocalDate businessDate) {
        return new QuotePayoffCommand(LOAN, payoffDate, businessDate);
    }

    private static InspectLoanCommand inspect(LocalDate asOf) {
        return new InspectLoanCommand(LOAN, asOf);
    }

    private static LineAmount accrual(int line, String amount) {
        return new LineAmount(line, eur(amount));
    }

    private static LinePayment paid(int line, String interest, String principal) {
        return new LinePayment(line, eur(interest), eur(principal));
    }

    private static Allocation allocation(String penalties, String fees, String interest, String principal) {
        return new Allocation(eur(penalties), eur(fees), eur(interest), eur(principal));
    }

    private static ScheduledLine line(int number, LocalDate due, String principal, String interest) {
        return new ScheduledLine(number, due, eur(principal), eur(interest));
    }

    private static LoanDayClosedEvent dayClosed(LocalDate day, List<LineAmount> accruals) {
        return new LoanDayClosedEvent(LOAN, day, accruals, eur("0.00"), eur("0.00"), 0, DelinquencyBucket.CURRENT,
                DelinquencyBucket.CURRENT);
    }

    private static Matcher<LoanDetails> details(Consumer<LoanDetails> assertions) {
        return satisfying(LoanDetails.class, assertions);
    }

    private static Matcher<PayoffQuote> payoffQuote(Consumer<PayoffQuote> assertions) {
        return satisfying(PayoffQuote.class, assertions);
    }

    private static Money sumOfPrincipals(LoanDetails details) {
        return details.schedule().stream().map(InstalmentState::principal).reduce(eur("0.00"), Money::plus);
    }

    private static Money stillOwedOnInstalments(LoanDetails details) {
        return details.schedule().stream().map(InstalmentState::outstanding).reduce(eur("0.00"), Money::plus);
    }

    private static LoanAppliedEvent applied(List<Object> events) {
        assertThat(events).hasSize(1).first().isInstanceOf(LoanAppliedEvent.class);
        return (LoanAppliedEvent) events.get(0);
    }

    // ---------------------------------------------------------------- application

    @Test
    void anApprovedApplicationBelowTheAutoApprovalLimitIsApprovedAndRecordsHowItWasDecided() {
        fixture.givenNoPriorActivity()
                .when(standard())
                .expectSuccessfulHandlerExecution()
                .expectEventsMatching(payloads(events -> {
                    LoanAppliedEvent event = applied(events);
                    assertThat(event.loanId()).isEqualTo(LOAN);
                    assertThat(event.customerId()).isEqualTo(CUSTOMER);
                    assertThat(event.accountId()).isEqualTo(ACCOUNT);
                    assertThat(event.product()).isEqualTo(WEEKLY);
                    assertThat(event.principal()).isEqualTo(eur("1000.00"));
                    assertThat(event.instalments()).isEqualTo(4);
                    assertThat(event.applicationDate()).isEqualTo(D0);
                    assertThat(event.applicantId()).isEqualTo(APPLICANT);
                    assertThat(event.status()).isEqualTo(LoanStatus.APPROVED);
                    assertThat(event.referralReasons()).isEmpty();
                    // The scorecard weighs the weekly instalment as a monthly one: 251.25 x 52 / 12 = 1088.75
                    assertThat(event.monthlyInstalment()).isEqualTo(eur("1088.75"));
                    assertThat(event.profile()).isEqualTo(GOOD);
                    assertThat(event.decision().outcome()).isEqualTo(CreditOutcome.APPROVED);
                    assertThat(event.decision().score()).isEqualTo(100);
                    assertThat(event.decision().reasons()).isEmpty();
                    assertThat(event.decision().scorecardVersion()).isEqualTo("SC-2026.1");
                    // Reproducible from the event alone.
                    assertThat(Scorecard.decide(event.profile(), event.monthlyInstalment().amount()))
                            .isEqualTo(event.decision());
                }));
    }

    @Test
    void aPrincipalExactlyAtTheAutoApprovalLimitNeedsNoLoanOfficer() {
        fixture.givenNoPriorActivity()
                .when(application(WEEKLY, "2000.00", 4, GOOD))
                .expectEventsMatching(payloads(events -> {
                    assertThat(applied(events).status()).isEqualTo(LoanStatus.APPROVED);
                    assertThat(applied(events).referralReasons()).isEmpty();
                }));
    }

    @Test
    void anApprovedApplicationAboveTheAutoApprovalLimitWaitsForALoanOfficer() {
        fixture.givenNoPriorActivity()
                .when(application(WEEKLY, "2000.01", 4, GOOD))
                .expectEventsMatching(payloads(events -> {
                    LoanAppliedEvent event = applied(events);
                    assertThat(event.decision().outcome()).isEqualTo(CreditOutcome.APPROVED);
                    assertThat(event.status()).isEqualTo(LoanStatus.PENDING_REVIEW);
                    assertThat(event.referralReasons()).containsExactly("ABOVE_AUTO_APPROVAL_LIMIT");
                }));
    }

    @Test
    void aScoreInTheReviewBandWaitsForALoanOfficer() {
        fixture.givenNoPriorActivity()
                .when(application(WEEKLY, "1000.00", 4, REVIEW))
                .expectEventsMatching(payloads(events -> {
                    LoanAppliedEvent event = applied(events);
                    assertThat(event.decision().outcome()).isEqualTo(CreditOutcome.MANUAL_REVIEW);
                    assertThat(event.decision().score()).isEqualTo(50);
                    assertThat(event.status()).isEqualTo(LoanStatus.PENDING_REVIEW);
                    assertThat(event.referralReasons()).containsExactly("SCORE_IN_REVIEW_BAND");
                }));
    }

    @Test
    void aReviewScoreAboveTheLimitNamesBothReferralReasons() {
        fixture.givenNoPriorActivity()
                .when(application(WEEKLY, "2500.00", 4, REVIEW))
                .expectEventsMatching(payloads(events -> {
                    LoanAppliedEvent event = applied(events);
                    assertThat(event.status()).isEqualTo(LoanStatus.PENDING_REVIEW);
                    assertThat(event.referralReasons())
                            .containsExactly("SCORE_IN_REVIEW_BAND", "ABOVE_AUTO_APPROVAL_LIMIT");
                }));
    }

    @Test
    void aRejectedProfileIsRejectedWithoutReferralEvenAboveTheLimit() {
        fixture.givenNoPriorActivity()
                .when(application(WEEKLY, "2500.00", 4, WRITTEN_OFF_BEFORE))
                .expectEventsMatching(payloads(events -> {
                    LoanAppliedEvent event = applied(events);
                    assertThat(event.status()).isEqualTo(LoanStatus.REJECTED);
                    assertThat(event.referralReasons()).isEmpty();
                    assertThat(event.decision().outcome()).isEqualTo(CreditOutcome.REJECTED);
                    assertThat(event.decision().reasons()).containsExactly("WRITTEN_OFF_LOAN_HISTORY");
                    assertThat(event.profile()).isEqualTo(WRITTEN_OFF_BEFORE);
                    assertThat(event.decision().scorecardVersion()).isEqualTo(Scorecard.VERSION);
                }));
    }

    @Test
    void aPrincipalOutsideTheProductsRangeIsRefused() {
        for (String principal : List.of("99.99", "5000.01", "0.01")) {
            fixture.givenNoPriorActivity()
                    .when(application(WEEKLY, principal, 4, GOOD))
                    .expectNoEvents()
                    .expectException(invalidFields("principal"));
        }
        for (String principal : List.of("100.00", "5000.00")) {
            fixture.givenNoPriorActivity()
                    .when(application(WEEKLY, principal, 4, GOOD))
                    .expectSuccessfulHandlerExecution();
        }
    }

    @Test
    void aPrincipalInAnotherCurrencyIsRefused() {
        fixture.givenNoPriorActivity()
                .when(application(WEEKLY, new Money(new BigDecimal("1000.00"), Currency.getInstance("USD")), 4, GOOD,
                        D0))
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.violations()).singleElement().satisfies(v -> {
                        assertThat(v.field()).isEqualTo("principal");
                        assertThat(v.description()).contains("EUR").contains("USD");
                    });
                }));
    }

    @Test
    void aNumberOfInstalmentsOutsideTheProductsRangeIsRefused() {
        for (int instalments : List.of(1, 13, 0)) {
            fixture.givenNoPriorActivity()
                    .when(application(WEEKLY, "1000.00", instalments, GOOD))
                    .expectNoEvents()
                    .expectException(invalidFields("instalments"));
        }
        for (int instalments : List.of(2, 12)) {
            fixture.givenNoPriorActivity()
                    .when(application(WEEKLY, "1000.00", instalments, GOOD))
                    .expectSuccessfulHandlerExecution();
        }
    }

    @Test
    void everyInvalidFieldIsReportedAtOnce() {
        fixture.givenNoPriorActivity()
                .when(application(WEEKLY, "50.00", 20, GOOD))
                .expectNoEvents()
                .expectException(invalidFields("principal", "instalments"));
    }

    // ---------------------------------------------------------------- referral and decision

    @Test
    void aPendingApplicationIsReferredOnce() {
        fixture.givenCommands(application(WEEKLY, "2500.00", 4, GOOD))
                .when(new ReferLoanCommand(LOAN, APPROVAL, DECISION_DUE))
                .expectEvents(new LoanReferredEvent(LOAN, APPROVAL))
                .expectResultMessagePayloadMatching(details(d -> {
                    assertThat(d.status()).isEqualTo(LoanStatus.PENDING_REVIEW);
                    assertThat(d.approvalId()).isEqualTo(APPROVAL);
                    assertThat(d.referralReasons()).containsExactly("ABOVE_AUTO_APPROVAL_LIMIT");
                    assertThat(d.updateTime()).isEqualTo(NOW);
                }));
        fixture.givenCommands(application(WEEKLY, "2500.00", 4, GOOD), new ReferLoanCommand(LOAN, APPROVAL, DECISION_DUE))
                .when(new ReferLoanCommand(LOAN, "another-approval", DECISION_DUE))
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.reason()).isEqualTo(ErrorReason.LOAN_NOT_AWAITING_DECISION);
                    assertThat(e.metadata()).containsEntry("loan_id", LOAN).containsEntry("status", "PENDING_REVIEW");
                }));
    }

    @Test
    void aReferralNobodyDecidesInTimeRejectsTheApplication() {
        fixture.givenCommands(application(WEEKLY, "2500.00", 4, GOOD))
                .when(new ReferLoanCommand(LOAN, APPROVAL, DECISION_DUE))
                .expectScheduledDeadlineWithName(DECISION_DUE, "loan-decision-expiry");
        fixture.givenCommands(application(WEEKLY, "2500.00", 4, GOOD), new ReferLoanCommand(LOAN, APPROVAL, DECISION_DUE))
                .whenTimeAdvancesTo(DECISION_DUE)
                .expectEvents(new LoanRejectedEvent(LOAN, APPROVAL, null, "no loan officer decided in time"));
        // Decided before the deadline: the deadline fires and changes nothing.
        fixture.givenCommands(application(WEEKLY, "2500.00", 4, GOOD), new ReferLoanCommand(LOAN, APPROVAL, DECISION_DUE),
                        new DecideLoanCommand(LOAN, APPROVAL, true, "officer-1", null))
                .whenTimeAdvancesTo(DECISION_DUE)
                .expectNoEvents();
    }

    @Test
    void onlyAPendingApplicationIsReferred() {
        fixture.givenCommands(standard())
                .when(new ReferLoanCommand(LOAN, APPROVAL, DECISION_DUE))
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.reason()).isEqualTo(ErrorReason.LOAN_NOT_AWAITING_DECISION);
                    assertThat(e.metadata()).containsEntry("status", "APPROVED");
                }));
        fixture.givenCommands(application(WEEKLY, "1000.00", 4, WRITTEN_OFF_BEFORE))
                .when(new ReferLoanCommand(LOAN, APPROVAL, DECISION_DUE))
                .expectNoEvents()
                .expectException(refused(ErrorReason.LOAN_NOT_AWAITING_DECISION));
    }

    @Test
    void aLoanOfficerApprovesAReferredApplicationWhichCanThenBeDisbursed() {
        fixture.givenCommands(application(WEEKLY, "2500.00", 4, GOOD), new ReferLoanCommand(LOAN, APPROVAL, DECISION_DUE))
                .when(new DecideLoanCommand(LOAN, APPROVAL, true, "officer-1", null))
                .expectEvents(new LoanApprovedEvent(LOAN, APPROVAL, "officer-1"))
                .expectResultMessagePayloadMatching(details(d -> assertThat(d.status()).isEqualTo(LoanStatus.APPROVED)));
        fixture.givenCommands(application(WEEKLY, "2500.00", 4, GOOD), new ReferLoanCommand(LOAN, APPROVAL, DECISION_DUE),
                        new DecideLoanCommand(LOAN, APPROVAL, true, "officer-1", null))
                .when(disburse(D0))
                .expectSuccessfulHandlerExecution()
                .expectEventsMatching(payloads(events ->
                        assertThat(events).singleElement().isInstanceOf(LoanDisbursedEvent.class)));
    }

    @Test
    void aLoanOfficerRejectsAReferredApplication() {
        fixture.givenCommands(application(WEEKLY, "1000.00", 4, REVIEW), new ReferLoanCommand(LOAN, APPROVAL, DECISION_DUE))
                .when(new DecideLoanCommand(LOAN, APPROVAL, false, "officer-1", "income not evidenced"))
                .expectEvents(new LoanRejectedEvent(LOAN, APPROVAL, "officer-1", "income not evidenced"))
                .expectResultMessagePayloadMatching(details(d -> assertThat(d.status()).isEqualTo(LoanStatus.REJECTED)));
    }

    @Test
    void aDecisionOnAnotherApprovalOrOnALoanNotWaitingIsRefused() {
        // another approval request
        fixture.givenCommands(application(WEEKLY, "2500.00", 4, GOOD), new ReferLoanCommand(LOAN, APPROVAL, DECISION_DUE))
                .when(new DecideLoanCommand(LOAN, "some-other-approval", true, "officer-1", null))
                .expectNoEvents()
                .expectException(refused(ErrorReason.LOAN_NOT_AWAITING_DECISION));
        // not referred yet
        fixture.givenCommands(application(WEEKLY, "2500.00", 4, GOOD))
                .when(new DecideLoanCommand(LOAN, APPROVAL, true, "officer-1", null))
                .expectNoEvents()
                .expectException(refused(ErrorReason.LOAN_NOT_AWAITING_DECISION));
        // no approval at all
        fixture.givenCommands(application(WEEKLY, "2500.00", 4, GOOD), new ReferLoanCommand(LOAN, APPROVAL, DECISION_DUE))
                .when(new DecideLoanCommand(LOAN, null, true, "officer-1", null))
                .expectNoEvents()
                .expectException(refused(ErrorReason.LOAN_NOT_AWAITING_DECISION));
        // already decided
        fixture.givenCommands(application(WEEKLY, "2500.00", 4, GOOD), new ReferLoanCommand(LOAN, APPROVAL, DECISION_DUE),
                        new DecideLoanCommand(LOAN, APPROVAL, false, "officer-1", "no"))
                .when(new DecideLoanCommand(LOAN, APPROVAL, true, "officer-2", null))
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.reason()).isEqualTo(ErrorReason.LOAN_NOT_AWAITING_DECISION);
                    assertThat(e.metadata()).containsEntry("status", "REJECTED");
                }));
        // auto-approved
        fixture.givenCommands(standard())
                .when(new DecideLoanCommand(LOAN, APPROVAL, false, "officer-1", "no"))
                .expectNoEvents()
                .expectException(refused(ErrorReason.LOAN_NOT_AWAITING_DECISION));
    }

    // ---------------------------------------------------------------- disbursement

    @Test
    void aDisbursementRecordsTheScheduleTheFeeAndTheRegularPayment() {
        // docs/loans.md: r = 0.01; 1000 x 0.01 / (1 - 1.01^-3) = 340.0221... -> 340.02
        // interest 1000 x 0.01 = 10.00, 669.98 x 0.01 = 6.6998 -> 6.70, 336.66 x 0.01 = 3.3666 -> 3.37
        // fee 1000.00 x 0.015 = 15.00; due dates from the disbursement date (Jan 15), not the application (Jan 14)
        LocalDate applied = LocalDate.parse("2026-01-14");
        LocalDate disbursed = LocalDate.parse("2026-01-15");
        fixture.givenCommands(application(MONTHLY, eur("1000.00"), 3, GOOD, applied))
                .when(disburse(disbursed))
                .expectEvents(new LoanDisbursedEvent(LOAN, "tx-disburse", ACCOUNT, disbursed, eur("1000.00"),
                        eur("15.00"), List.of(
                                line(1, LocalDate.parse("2026-02-15"), "330.02", "10.00"),
                                line(2, LocalDate.parse("2026-03-15"), "333.32", "6.70"),
                                line(3, LocalDate.parse("2026-04-15"), "336.66", "3.37")),
                        eur("340.02")))
                .expectResultMessagePayloadMatching(details(d -> {
                    assertThat(d.status()).isEqualTo(LoanStatus.ACTIVE);
                    assertThat(d.disbursementDate()).isEqualTo(disbursed);
                    assertThat(d.principalOutstanding()).isEqualTo(eur("1000.00"));
                    assertThat(d.fee()).isEqualTo(eur("15.00"));
                    assertThat(d.feesOutstanding()).isEqualTo(eur("15.00"));
                    assertThat(d.interestAccrued()).isEqualTo(eur("0.00"));
                    assertThat(d.dueNow()).isEqualTo(eur("0.00"));
                    assertThat(d.schedule()).hasSize(3);
                    assertThat(stillOwedOnInstalments(d)).isEqualTo(eur("1020.07")); // 340.02 + 340.02 + 340.03
                }));
    }

    @Test
    void theScheduleIsTheCalculatorsForTheBusinessDateOfDisbursement() {
        LocalDate disbursed = LocalDate.parse("2026-03-04");
        List<ScheduledLine> expected = ScheduleCalculator.schedule(new ScheduleTerms(eur("1000.00"),
                        WEEKLY.annualRate(), 4, WEEKLY.frequency(), WEEKLY.amortization(), WEEKLY.dayCount(), disbursed))
                .stream().map(i -> new ScheduledLine(i.number(), i.dueDate(), i.principal(), i.interest())).toList();
        assertThat(expected.get(0).dueDate()).isEqualTo(LocalDate.parse("2026-03-11"));
        fixture.givenCommands(standard())
                .when(disburse(disbursed))
                .expectEvents(new LoanDisbursedEvent(LOAN, "tx-disburse", ACCOUNT, disbursed, eur("1000.00"),
                        eur("10.00"), expected, eur("251.25")));
    }

    @Test
    void theFeeIsRoundedHalfUp() {
        // 1004.50 x 0.01 = 10.045 -> 10.05 (HALF_EVEN or DOWN would give 10.04)
        fixture.givenCommands(application(WEEKLY, "1004.50", 4, GOOD))
                .when(disburse(D0))
                .expectEventsMatching(payloads(events -> {
                    LoanDisbursedEvent event = (LoanDisbursedEvent) events.get(0);
                    assertThat(event.fee()).isEqualTo(eur("10.05"));
                    assertThat(event.schedule().stream().map(ScheduledLine::principal).reduce(Money::plus))
                            .contains(eur("1004.50"));
                }));
    }

    @Test
    void onlyAnApprovedApplicationIsDisbursedAndOnlyOnce() {
        fixture.givenCommands(application(WEEKLY, "2500.00", 4, GOOD))
                .when(disburse(D0))
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.reason()).isEqualTo(ErrorReason.LOAN_NOT_APPROVED);
                    assertThat(e.metadata()).containsEntry("status", "PENDING_REVIEW");
                }));
        fixture.givenCommands(application(WEEKLY, "1000.00", 4, WRITTEN_OFF_BEFORE))
                .when(disburse(D0))
                .expectNoEvents()
                .expectException(refused(ErrorReason.LOAN_NOT_APPROVED));
        fixture.givenCommands(standard(), disburse(D0))
                .when(new DisburseLoanCommand(LOAN, "tx-disburse-again", D0))
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.reason()).isEqualTo(ErrorReason.LOAN_NOT_APPROVED);
                    assertThat(e.metadata()).containsEntry("status", "ACTIVE");
                }));
    }

    // ---------------------------------------------------------------- repayment

    @Test
    void theExactInstalmentOnItsDueDatePaysItsInterestThenItsPrincipal() {
        // No fee: 251.25 = interest 2.00 + principal 249.25 of instalment 1; 750.75 left.
        fixture.givenCommands(application(WEEKLY_NO_FEE, "1000.00", 4, GOOD), disburse(D0))
                .when(repay("251.25", DUE1, null))
                .expectEvents(new LoanInterestAccruedEvent(LOAN, DUE1, List.of(accrual(1, "2.00"))),
                        new LoanRepaidEvent(LOAN, "tx-repay-" + DUE1, DUE1, eur("251.25"), RepaymentSource.MANUAL,
                                allocation("0.00", "0.00", "2.00", "249.25"), List.of(paid(1, "2.00", "249.25")),
                                null, List.of(), null))
                .expectResultMessagePayloadMatching(details(d -> {
                    assertThat(d.status()).isEqualTo(LoanStatus.ACTIVE);
                    assertThat(d.principalOutstanding()).isEqualTo(eur("750.75"));
                    assertThat(d.interestAccrued()).isEqualTo(eur("0.00"));
                    assertThat(d.dueNow()).isEqualTo(eur("0.00"));
                    assertThat(d.schedule().get(0).outstanding()).isEqualTo(eur("0.00"));
                    assertThat(d.schedule().get(1).outstanding()).isEqualTo(eur("251.25"));
                }));
    }

    @Test
    void theFeeIsDueWithTheFirstInstalment() {
        // 261.25 = fee 10.00 + interest 2.00 + principal 249.25
        fixture.givenCommands(standard(), disburse(D0))
                .when(inspect(DUE1))
                .expectNoEvents()
                .expectResultMessagePayloadMatching(details(d -> assertThat(d.dueNow()).isEqualTo(eur("261.25"))));
        fixture.givenCommands(standard(), disburse(D0))
                .when(repay("261.25", DUE1, null))
                .expectEvents(new LoanInterestAccruedEvent(LOAN, DUE1, List.of(accrual(1, "2.00"))),
                        new LoanRepaidEvent(LOAN, "tx-repay-" + DUE1, DUE1, eur("261.25"), RepaymentSource.MANUAL,
                                allocation("0.00", "10.00", "2.00", "249.25"), List.of(paid(1, "2.00", "249.25")),
                                null, List.of(), null))
                .expectResultMessagePayloadMatching(details(d -> {
                    assertThat(d.feesOutstanding()).isEqualTo(eur("0.00"));
                    assertThat(d.dueNow()).isEqualTo(eur("0.00"));
                }));
    }

    @Test
    void aPartialPaymentGoesToPenaltiesThenFeesThenInterestThenPrincipal() {
        // Instalment 1 missed; close of business through Mar 14 charged penalty interest on Mar 13 and 14
        // (days past due 4 and 5 > 3 grace days): 249.25 x 0.073 / 365 = 0.04985 -> 0.05 a day = 0.10.
        // Mar 15 accrues instalment 2: 1.50 x 6/7 = 1.29 less 1.50 x 5/7 = 1.07 already accrued = 0.22.
        // 12.50 = penalties 0.10 + fee 10.00 + interest 2.00 + principal 0.40.
        LocalDate mar15 = LocalDate.parse("2026-03-15");
        fixture.givenCommands(standard(), disburse(D0), close(LocalDate.parse("2026-03-14")))
                .when(repay("12.50", mar15, null))
                .expectEvents(new LoanInterestAccruedEvent(LOAN, mar15, List.of(accrual(2, "0.22"))),
                        new LoanRepaidEvent(LOAN, "tx-repay-" + mar15, mar15, eur("12.50"), RepaymentSource.MANUAL,
                                allocation("0.10", "10.00", "2.00", "0.40"), List.of(paid(1, "2.00", "0.40")),
                                null, List.of(), null))
                .expectResultMessagePayloadMatching(details(d -> {
                    assertThat(d.penaltiesOutstanding()).isEqualTo(eur("0.00"));
                    assertThat(d.feesOutstanding()).isEqualTo(eur("0.00"));
                    assertThat(d.principalOutstanding()).isEqualTo(eur("999.60"));
                    assertThat(d.interestAccrued()).isEqualTo(eur("1.29"));
                    assertThat(d.dueNow()).isEqualTo(eur("248.85")); // 249.25 - 0.40
                }));
    }

    @Test
    void aProductThatAllocatesToPrincipalFirstDoesSo() {
        // Same missed instalment and penalties (0.10); PRINCIPAL, INTEREST, FEES, PENALTIES:
        // 252.00 = principal 249.25 + interest 2.00 + fee 0.75; the penalties stay owed.
        LocalDate mar15 = LocalDate.parse("2026-03-15");
        fixture.givenCommands(application(WEEKLY_PRINCIPAL_FIRST, "1000.00", 4, GOOD), disburse(D0),
                        close(LocalDate.parse("2026-03-14")))
                .when(repay("252.00", mar15, null))
                .expectEventsMatching(payloads(events -> {
                    assertThat(events).hasSize(2);
                    LoanRepaidEvent repaid = (LoanRepaidEvent) events.get(1);
                    assertThat(repaid.allocation()).isEqualTo(allocation("0.00", "0.75", "2.00", "249.25"));
                    assertThat(repaid.lines()).containsExactly(paid(1, "2.00", "249.25"));
                }))
                .expectResultMessagePayloadMatching(details(d -> {
                    assertThat(d.penaltiesOutstanding()).isEqualTo(eur("0.10"));
                    assertThat(d.feesOutstanding()).isEqualTo(eur("9.25"));
                }));
        fixture.givenCommands(application(WEEKLY_PRINCIPAL_FIRST, "1000.00", 4, GOOD), disburse(D0),
                        close(LocalDate.parse("2026-03-14")))
                .when(repay("12.50", mar15, null))
                .expectEventsMatching(payloads(events -> {
                    LoanRepaidEvent repaid = (LoanRepaidEvent) events.get(1);
                    assertThat(repaid.allocation()).isEqualTo(allocation("0.00", "0.00", "0.00", "12.50"));
                    assertThat(repaid.lines()).containsExactly(paid(1, "0.00", "12.50"));
                }));
    }

    @Test
    void anAmountAboveThePayoffIsRefusedNamingThePayoff() {
        // On Mar 9: principal 1000.00 + interest 2.00 + fee 10.00 = 1012.00
        fixture.givenCommands(standard(), disburse(D0))
                .when(repay("1012.01", DUE1, PrepaymentMode.REDUCE_TERM))
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.reason()).isEqualTo(ErrorReason.LOAN_OVERPAYMENT);
                    assertThat(e.metadata()).containsEntry("payoff_amount", "1012.00").containsEntry("loan_id", LOAN);
                }));
    }

    @Test
    void anAmountAboveWhatIsDueNeedsAPrepaymentMode() {
        fixture.givenCommands(standard(), disburse(D0))
                .when(repay("361.25", DUE1, null))
                .expectNoEvents()
                .expectException(invalidFields("prepayment_mode"));
    }

    @Test
    void aPrepaymentThatReducesTheTermKeepsTheRegularPayment() {
        // Mar 9: 561.25 = due 261.25 + 300.00 prepaid; 750.75 - 300.00 = 450.75 left at the regular 251.25:
        //   2: interest 450.75 x 0.002 = 0.9015 -> 0.90, principal 251.25 - 0.90 = 250.35 (+ 300.00 prepaid)
        //   3: interest 200.40 x 0.002 = 0.4008 -> 0.40, principal the rest 200.40; instalment 4 is gone
        fixture.givenCommands(standard(), disburse(D0))
                .when(repay("561.25", DUE1, PrepaymentMode.REDUCE_TERM))
                .expectEvents(new LoanInterestAccruedEvent(LOAN, DUE1, List.of(accrual(1, "2.00"))),
                        new LoanRepaidEvent(LOAN, "tx-repay-" + DUE1, DUE1, eur("561.25"), RepaymentSource.MANUAL,
                                allocation("0.00", "10.00", "2.00", "549.25"),
                                List.of(paid(1, "2.00", "249.25"), paid(2, "0.00", "300.00")),
                                PrepaymentMode.REDUCE_TERM,
                                List.of(line(2, DUE2, "550.35", "0.90"), line(3, DUE3, "200.40", "0.40")),
                                eur("251.25")))
                .expectResultMessagePayloadMatching(details(d -> {
                    assertThat(d.schedule()).hasSize(3);
                    assertThat(d.schedule().get(1).outstanding()).isEqualTo(eur("251.25"));
                    assertThat(d.schedule().get(2).outstanding()).isEqualTo(eur("200.80"));
                    assertThat(d.principalOutstanding()).isEqualTo(eur("450.75"));
                    assertThat(sumOfPrincipals(d)).isEqualTo(eur("1000.00"));
                }));
    }

    @Test
    void aPrepaymentThatReducesTheInstalmentKeepsTheirNumber() {
        // 450.75 left over the same 3 instalments: 450.75 x 0.002 / (1 - 1.002^-3) = 150.85
        //   2: 0.90 + 149.95 (+ 300.00 prepaid); 3: 300.80 x 0.002 = 0.60 + 150.25; 4: 0.30 + the rest 150.55
        fixture.givenCommands(standard(), disburse(D0))
                .when(repay("561.25", DUE1, PrepaymentMode.REDUCE_INSTALMENT))
                .expectEventsMatching(payloads(events -> {
                    LoanRepaidEvent repaid = (LoanRepaidEvent) events.get(1);
                    assertThat(repaid.mode()).isEqualTo(PrepaymentMode.REDUCE_INSTALMENT);
                    assertThat(repaid.rescheduled()).containsExactly(line(2, DUE2, "449.95", "0.90"),
                            line(3, DUE3, "150.25", "0.60"), line(4, DUE4, "150.55", "0.30"));
                    assertThat(repaid.regularPayment()).isEqualTo(eur("150.85"));
                }))
                .expectResultMessagePayloadMatching(details(d -> {
                    assertThat(d.schedule()).hasSize(4);
                    assertThat(d.schedule()).extracting(InstalmentState::outstanding)
                            .containsExactly(eur("0.00"), eur("150.85"), eur("150.85"), eur("150.85"));
                    assertThat(sumOfPrincipals(d)).isEqualTo(eur("1000.00"));
                }));
    }

    @Test
    void instalmentPrincipalsAlwaysAddUpToWhatWasLent() {
        // Prepayments mid-period and on due dates, both modes, twice in one period.
        List<RepayLoanCommand> payments = List.of(
                repay("100.00", LocalDate.parse("2026-03-04"), PrepaymentMode.REDUCE_INSTALMENT),
                repay("50.00", LocalDate.parse("2026-03-06"), PrepaymentMode.REDUCE_TERM),
                repay("300.00", DUE1, PrepaymentMode.REDUCE_TERM),
                repay("40.00", LocalDate.parse("2026-03-12"), PrepaymentMode.REDUCE_INSTALMENT));
        List<Object> given = new ArrayList<>(List.of(standard(), disburse(D0)));
        for (RepayLoanCommand payment : payments) {
            fixture.givenCommands(given)
                    .when(payment)
                    .expectSuccessfulHandlerExecution()
                    .expectResultMessagePayloadMatching(details(d -> {
                        assertThat(sumOfPrincipals(d)).as("principals after %s", payment).isEqualTo(eur("1000.00"));
                        Money unpaid = d.schedule().stream().map(s -> s.principal().minus(s.paidPrincipal()))
                                .reduce(eur("0.00"), Money::plus);
                        assertThat(unpaid).as("unpaid principal after %s", payment).isEqualTo(d.principalOutstanding());
                    }));
            given.add(payment);
        }
    }

    static Stream<Arguments> everyAmortizationDayCountAndMode() {
        List<Arguments> all = new ArrayList<>();
        for (Amortization amortization : Amortization.values()) {
            for (DayCount dayCount : DayCount.values()) {
                for (PrepaymentMode mode : PrepaymentMode.values()) {
                    all.add(Arguments.of(amortization, dayCount, mode));
                }
            }
        }
        return all.stream();
    }

    /**
     * 3,000.00 over 6 months from Jan 31, the first instalment paid on its due date, 700.00 prepaid mid-period
     * (Mar 10), then nothing more: whatever the amortization, day count and mode, the instalments still lend
     * 3,000.00, interest accrues to exactly what the new schedule says, and the payoff quote closes the loan.
     */
    @ParameterizedTest
    @MethodSource("everyAmortizationDayCountAndMode")
    void aMidPeriodPrepaymentKeepsTheBooksWhole(Amortization amortization, DayCount dayCount, PrepaymentMode mode) {
        LoanProduct product = new LoanProduct("M-" + amortization.name().substring(0, 1) + dayCount.ordinal(), 1,
                "Monthly", "EUR", new BigDecimal("500.00"), new BigDecimal("20000.00"), 3, 36, new BigDecimal("0.0795"),
                RepaymentFrequency.MONTHLY, amortization, dayCount, new BigDecimal("0.01"), new BigDecimal("0.10"), 5,
                STANDARD_ORDER, new BigDecimal("10000.00"));
        LocalDate disbursed = LocalDate.parse("2026-01-31");
        Money principal = eur("3000.00");
        List<Instalment> original = ScheduleCalculator.schedule(new ScheduleTerms(principal, product.annualRate(), 6,
                RepaymentFrequency.MONTHLY, amortization, dayCount, disbursed));
        LocalDate lastDue = original.get(5).dueDate();
        Money first = original.get(0).total().plus(eur("30.00")); // with the fee 3000.00 x 0.01
        List<Object> history = new ArrayList<>(List.of(application(product, principal, 6, GOOD, disbursed),
                disburse(disbursed), repay(first.amount().toPlainString(), original.get(0).dueDate(), null),
                repay("700.00", LocalDate.parse("2026-03-10"), mode)));
        fixture.givenCommands(history)
                .when(close(lastDue))
                .expectResultMessagePayloadMatching(details(d -> {
                    assertThat(sumOfPrincipals(d)).isEqualTo(principal);
                    Money unpaidPrincipal = d.schedule().stream().map(i -> i.principal().minus(i.paidPrincipal()))
                            .reduce(eur("0.00"), Money::plus);
                    assertThat(unpaidPrincipal).isEqualTo(d.principalOutstanding());
                    // Every due date has passed: what is accrued and unpaid is exactly the scheduled interest unpaid.
                    Money unpaidInterest = d.schedule().stream().map(i -> i.interest().minus(i.paidInterest()))
                            .reduce(eur("0.00"), Money::plus);
                    assertThat(d.interestAccrued()).isEqualTo(unpaidInterest);
                    assertThat(d.schedule()).allSatisfy(i -> {
                        assertThat(i.principal().isNegative()).isFalse();
                        assertThat(i.interest().isNegative()).isFalse();
                        assertThat(i.paidPrincipal()).isLessThanOrEqualTo(i.principal());
                        assertThat(i.paidInterest()).isLessThanOrEqualTo(i.interest());
                    });
                    if (mode == PrepaymentMode.REDUCE_INSTALMENT) {
                        assertThat(d.schedule()).hasSize(6);
                        for (int k = 3; k < 5; k++) {
                            assertThat(d.schedule().get(k).outstanding()).as("instalment %d", k + 1)
                                    .isLessThan(original.get(k).total());
                        }
                    } else {
                        // About 1,800 left: one instalment fewer, the ones after the current one as before.
                        assertThat(d.schedule()).hasSize(5);
                        for (int k = 2; k < d.schedule().size() - 1; k++) {
                            InstalmentState line = d.schedule().get(k);
                            if (amortization == Amortization.ANNUITY) {
                                assertThat(line.principal().plus(line.interest())).as("instalment %d", k + 1)
                                        .isEqualTo(original.get(k).total());
                            } else {
                                assertThat(line.principal()).as("instalment %d", k + 1).isEqualTo(eur("500.00"));
                            }
                        }
                    }
                }));
        history.add(close(lastDue));
        LocalDate payoff = lastDue.plusDays(1);
        AtomicReference<Money> quoted = new AtomicReference<>();
        fixture.givenCommands(history)
                .when(quote(payoff, payoff))
                .expectResultMessagePayloadMatching(payoffQuote(q -> quoted.set(q.total())));
        fixture.givenCommands(history)
                .when(repay(quoted.get().amount().toPlainString(), payoff, null))
                .expectEventsMatching(payloads(events -> assertThat(events).last()
                        .isEqualTo(new LoanClosedEvent(LOAN, payoff))));
    }

    @Test
    void twoPrepaymentsInOnePeriodKeepThePrincipalPaidOnTheInstalment() {
        // Mar 9: 300.00 prepaid on instalment 2; Mar 11: 0.26 of its accrued interest (0.90 x 2/7) and 99.74
        // more principal. Instalment 2 has 399.74 of principal paid, and the schedule still lends 1,000.00.
        fixture.givenCommands(standard(), disburse(D0), repay("561.25", DUE1, PrepaymentMode.REDUCE_INSTALMENT))
                .when(repay("100.00", LocalDate.parse("2026-03-11"), PrepaymentMode.REDUCE_INSTALMENT))
                .expectEventsMatching(payloads(events -> {
                    LoanRepaidEvent repaid = (LoanRepaidEvent) events.get(events.size() - 1);
                    assertThat(repaid.lines()).containsExactly(paid(2, "0.26", "99.74"));
                }))
                .expectResultMessagePayloadMatching(details(d -> {
                    assertThat(d.principalOutstanding()).isEqualTo(eur("351.01")); // 450.75 - 99.74
                    assertThat(d.schedule().get(1).paidPrincipal()).isEqualTo(eur("399.74"));
                    assertThat(sumOfPrincipals(d)).isEqualTo(eur("1000.00"));
                }));
    }

    /**
     * What a command leaves in the aggregate is what its events rebuild: after each command, the loan replayed
     * from all events so far reads exactly as the command's own answer did (instalments compared by value).
     */
    @Test
    void theScheduleRebuiltFromEventsIsTheOneCommandsLeft() {
        List<Object> commands = List.of(close(LocalDate.parse("2026-03-04")),
                repay("100.00", LocalDate.parse("2026-03-05"), PrepaymentMode.REDUCE_INSTALMENT),
                repay("50.00", LocalDate.parse("2026-03-06"), PrepaymentMode.REDUCE_TERM),
                close(LocalDate.parse("2026-03-12")),
                repay("100.00", LocalDate.parse("2026-03-13"), null),
                close(LocalDate.parse("2026-03-20")),
                repay("400.00", LocalDate.parse("2026-03-20"), PrepaymentMode.REDUCE_TERM),
                close(LocalDate.parse("2026-04-02")));
        List<Object> history = new ArrayList<>(List.of(standard(), disburse(D0)));
        for (Object command : commands) {
            LocalDate date = command instanceof RepayLoanCommand repay ? repay.businessDate()
                    : ((CloseLoanDayCommand) command).businessDate();
            AtomicReference<LoanDetails> working = new AtomicReference<>();
            fixture.givenCommands(history)
                    .when(command)
                    .expectSuccessfulHandlerExecution()
                    .expectResultMessagePayloadMatching(details(working::set));
            history.add(command);
            fixture.givenCommands(history)
                    .when(inspect(date))
                    .expectResultMessagePayloadMatching(details(replayed ->
                            assertThat(replayed).as("after %s", command).isEqualTo(working.get())));
        }
    }

    @Test
    void payingThePayoffRepaysAndClosesTheLoan() {
        // Mar 9: 1000.00 + 2.00 + 10.00; instalment 2 takes the rest of the principal, 3 and 4 are gone.
        fixture.givenCommands(standard(), disburse(D0))
                .when(repay("1012.00", DUE1, null))
                .expectEventsMatching(payloads(events -> {
                    assertThat(events).extracting(Object::getClass).containsExactly(LoanInterestAccruedEvent.class,
                            LoanRepaidEvent.class, LoanClosedEvent.class);
                    LoanRepaidEvent repaid = (LoanRepaidEvent) events.get(1);
                    assertThat(repaid.allocation()).isEqualTo(allocation("0.00", "10.00", "2.00", "1000.00"));
                    assertThat(repaid.lines()).containsExactly(paid(1, "2.00", "249.25"), paid(2, "0.00", "750.75"));
                    assertThat(events.get(2)).isEqualTo(new LoanClosedEvent(LOAN, DUE1));
                }))
                .expectResultMessagePayloadMatching(details(d -> {
                    assertThat(d.status()).isEqualTo(LoanStatus.CLOSED);
                    assertThat(d.principalOutstanding()).isEqualTo(eur("0.00"));
                    assertThat(d.interestAccrued()).isEqualTo(eur("0.00"));
                    assertThat(d.feesOutstanding()).isEqualTo(eur("0.00"));
                    assertThat(sumOfPrincipals(d)).isEqualTo(eur("1000.00"));
                    assertThat(stillOwedOnInstalments(d)).isEqualTo(eur("0.00"));
                }));
    }

    @Test
    void theRegularInstalmentsRepayTheLoanAndCloseIt() {
        // 261.25 (with the fee), 251.25, 251.25, 251.25 on their due dates.
        fixture.givenCommands(standard(), disburse(D0), repay("261.25", DUE1, null), repay("251.25", DUE2, null),
                        repay("251.25", DUE3, null))
                .when(repay("251.25", DUE4, null))
                .expectEvents(new LoanInterestAccruedEvent(LOAN, DUE4, List.of(accrual(4, "0.50"))),
                        new LoanRepaidEvent(LOAN, "tx-repay-" + DUE4, DUE4, eur("251.25"), RepaymentSource.MANUAL,
                                allocation("0.00", "0.00", "0.50", "250.75"), List.of(paid(4, "0.50", "250.75")),
                                null, List.of(), null),
                        new LoanClosedEvent(LOAN, DUE4));
    }

    @Test
    void aClosedOrUndisbursedLoanTakesNoRepayment() {
        fixture.givenCommands(standard(), disburse(D0), repay("1012.00", DUE1, null))
                .when(repay("10.00", DUE2, null))
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.reason()).isEqualTo(ErrorReason.LOAN_NOT_ACTIVE);
                    assertThat(e.metadata()).containsEntry("status", "CLOSED");
                }));
        fixture.givenCommands(standard())
                .when(repay("10.00", DUE1, null))
                .expectNoEvents()
                .expectException(refused(ErrorReason.LOAN_NOT_ACTIVE));
    }

    @Test
    void aRepaymentInAnotherCurrencyOrNotPositiveIsRefused() {
        fixture.givenCommands(standard(), disburse(D0))
                .when(new RepayLoanCommand(LOAN, "tx", new Money(new BigDecimal("10.00"), Currency.getInstance("USD")),
                        DUE1, null, RepaymentSource.MANUAL))
                .expectNoEvents()
                .expectException(invalidFields("amount"));
        fixture.givenCommands(standard(), disburse(D0))
                .when(repay("0.00", DUE1, null))
                .expectNoEvents()
                .expectException(invalidFields("amount"));
    }

    // ---------------------------------------------------------------- close of business

    @Test
    void closingSeveralDaysAtOnceClosesEachDayAndAccruesThePeriodsExactInterest() {
        // 2.00 x k/7 rounded: 0.29, 0.57, 0.86, 1.14, 1.43, 1.71, 2.00 -> daily 0.29, 0.28, 0.29, 0.28, ... = 2.00
        fixture.givenCommands(standard(), disburse(D0))
                .when(close(DUE1))
                .expectEvents(dayClosed(D0, List.of()),
                        dayClosed(LocalDate.parse("2026-03-03"), List.of(accrual(1, "0.29"))),
                        dayClosed(LocalDate.parse("2026-03-04"), List.of(accrual(1, "0.28"))),
                        dayClosed(LocalDate.parse("2026-03-05"), List.of(accrual(1, "0.29"))),
                        dayClosed(LocalDate.parse("2026-03-06"), List.of(accrual(1, "0.28"))),
                        dayClosed(LocalDate.parse("2026-03-07"), List.of(accrual(1, "0.29"))),
                        dayClosed(LocalDate.parse("2026-03-08"), List.of(accrual(1, "0.28"))),
                        dayClosed(DUE1, List.of(accrual(1, "0.29"))))
                .expectResultMessagePayloadMatching(details(d -> {
                    assertThat(d.closedThrough()).isEqualTo(DUE1);
                    assertThat(d.interestAccrued()).isEqualTo(eur("2.00"));
                    assertThat(d.daysPastDue()).isZero();
                }));
    }

    @Test
    void consecutiveDaysCloseOneDayEach() {
        fixture.givenCommands(standard(), disburse(D0), close(D0), close(LocalDate.parse("2026-03-03")))
                .when(close(LocalDate.parse("2026-03-04")))
                .expectEvents(dayClosed(LocalDate.parse("2026-03-04"), List.of(accrual(1, "0.28"))));
    }

    @Test
    void closingADayAgainOrAnEarlierDayChangesNothing() {
        fixture.givenCommands(standard(), disburse(D0), close(LocalDate.parse("2026-03-05")))
                .when(close(LocalDate.parse("2026-03-05")))
                .expectNoEvents()
                .expectResultMessagePayloadMatching(details(d ->
                        assertThat(d.interestAccrued()).isEqualTo(eur("0.86"))));
        fixture.givenCommands(standard(), disburse(D0), close(LocalDate.parse("2026-03-05")))
                .when(close(LocalDate.parse("2026-03-04")))
                .expectNoEvents();
    }

    @Test
    void closeOfBusinessIgnoresALoanThatIsNotActive() {
        fixture.givenCommands(standard())
                .when(close(D0))
                .expectNoEvents();
        fixture.givenCommands(standard(), disburse(D0), repay("1012.00", DUE1, null))
                .when(close(DUE2))
                .expectNoEvents();
    }

    @Test
    void theDailyAccrualsOfEveryPeriodAddUpToItsScheduledInterest() {
        LocalDate disbursed = LocalDate.parse("2024-01-31"); // Feb 29, Mar 31, Apr 30, ...
        Money principal = eur("4007.33");
        List<Instalment> schedule = ScheduleCalculator.schedule(new ScheduleTerms(principal, AWKWARD.annualRate(), 6,
                AWKWARD.frequency(), AWKWARD.amortization(), AWKWARD.dayCount(), disbursed));
        LocalDate last = schedule.get(5).dueDate();
        fixture.givenCommands(application(AWKWARD, principal, 6, GOOD, disbursed), disburse(disbursed))
                .when(close(last))
                .expectEventsMatching(payloads(events -> {
                    assertThat(events).hasSize((int) ChronoUnit.DAYS.between(disbursed, last) + 1);
                    Map<Integer, Money> accrued = new HashMap<>();
                    for (Object event : events) {
                        LoanDayClosedEvent closed = (LoanDayClosedEvent) event;
                        for (LineAmount amount : closed.accruals()) {
                            Instalment instalment = schedule.get(amount.number() - 1);
                            // Accrual never runs ahead of a period: nothing before it starts, nothing after it ends.
                            assertThat(closed.businessDate()).isAfter(amount.number() == 1 ? disbursed
                                    : schedule.get(amount.number() - 2).dueDate());
                            assertThat(closed.businessDate()).isBeforeOrEqualTo(instalment.dueDate());
                            assertThat(amount.amount().isPositive()).isTrue();
                            accrued.merge(amount.number(), amount.amount(), Money::plus);
                        }
                    }
                    for (Instalment instalment : schedule) {
                        assertThat(accrued.get(instalment.number())).as("instalment %d", instalment.number())
                                .isEqualTo(instalment.interest());
                    }
                }));
    }

    @Test
    void aMissedInstalmentAgesTheLoanDayByDayThroughTheBuckets() {
        LocalDate last = DUE1.plusDays(91);
        fixture.givenCommands(standard(), disburse(D0))
                .when(close(last))
                .expectEventsMatching(payloads(events -> {
                    assertThat(events).hasSize((int) ChronoUnit.DAYS.between(D0, last) + 1);
                    DelinquencyBucket previous = DelinquencyBucket.CURRENT;
                    for (Object event : events) {
                        LoanDayClosedEvent closed = (LoanDayClosedEvent) event;
                        long expectedDpd = Math.max(0, ChronoUnit.DAYS.between(DUE1, closed.businessDate()));
                        assertThat(closed.daysPastDue()).as("dpd on %s", closed.businessDate()).isEqualTo(expectedDpd);
                        assertThat(closed.bucket()).isEqualTo(DelinquencyBucket.of(expectedDpd));
                        assertThat(closed.previousBucket()).isEqualTo(previous);
                        previous = closed.bucket();
                    }
                    Map<LocalDate, LoanDayClosedEvent> byDay = new HashMap<>();
                    events.forEach(e -> byDay.put(((LoanDayClosedEvent) e).businessDate(), (LoanDayClosedEvent) e));
                    // The due date itself is not late; the day after is 1 day past due.
                    assertThat(byDay.get(DUE1).daysPastDue()).isZero();
                    assertThat(byDay.get(DUE1).bucket()).isEqualTo(DelinquencyBucket.CURRENT);
                    assertThat(byDay.get(DUE1.plusDays(1)).daysPastDue()).isEqualTo(1);
                    assertThat(byDay.get(DUE1.plusDays(1)).bucket()).isEqualTo(DelinquencyBucket.DPD_1_30);
                    assertThat(byDay.get(DUE1.plusDays(1)).previousBucket()).isEqualTo(DelinquencyBucket.CURRENT);
                    assertThat(byDay.get(DUE1.plusDays(30)).bucket()).isEqualTo(DelinquencyBucket.DPD_1_30);
                    assertThat(byDay.get(DUE1.plusDays(31)).bucket()).isEqualTo(DelinquencyBucket.DPD_31_60);
                    assertThat(byDay.get(DUE1.plusDays(31)).previousBucket()).isEqualTo(DelinquencyBucket.DPD_1_30);
                    assertThat(byDay.get(DUE1.plusDays(61)).bucket()).isEqualTo(DelinquencyBucket.DPD_61_90);
                    assertThat(byDay.get(DUE1.plusDays(91)).bucket()).isEqualTo(DelinquencyBucket.DPD_90_PLUS);
                    // Overdue principal: instalment 1 from Mar 10, 1 and 2 from Mar 17, everything from Mar 31.
                    assertThat(byDay.get(DUE1).overduePrincipal()).isEqualTo(eur("0.00"));
                    assertThat(byDay.get(DUE1.plusDays(1)).overduePrincipal()).isEqualTo(eur("249.25"));
                    assertThat(byDay.get(DUE2.plusDays(1)).overduePrincipal()).isEqualTo(eur("499.00"));
                    assertThat(byDay.get(DUE4.plusDays(1)).overduePrincipal()).isEqualTo(eur("1000.00"));
                }))
                .expectResultMessagePayloadMatching(details(d -> {
                    assertThat(d.daysPastDue()).isEqualTo(91);
                    assertThat(d.bucket()).isEqualTo(DelinquencyBucket.DPD_90_PLUS);
                }));
    }

    @Test
    void penaltyInterestIsChargedOnOverduePrincipalOnlyAfterTheGraceDays() {
        fixture.givenCommands(standard(), disburse(D0))
                .when(close(DUE4.plusDays(1)))
                .expectEventsMatching(payloads(events -> {
                    Map<LocalDate, Money> penalty = new HashMap<>();
                    events.forEach(e -> penalty.put(((LoanDayClosedEvent) e).businessDate(),
                            ((LoanDayClosedEvent) e).penalty()));
                    // 3 grace days: days past due 1, 2, 3 free
                    assertThat(penalty.get(DUE1.plusDays(1))).isEqualTo(eur("0.00"));
                    assertThat(penalty.get(DUE1.plusDays(3))).isEqualTo(eur("0.00"));
                    // 249.25 x 0.073 / 365 = 0.04985 -> 0.05
                    assertThat(penalty.get(DUE1.plusDays(4))).isEqualTo(eur("0.05"));
                    assertThat(penalty.get(DUE2)).isEqualTo(eur("0.05"));
                    // 499.00 x 0.073 / 365 = 0.0998 -> 0.10
                    assertThat(penalty.get(DUE2.plusDays(1))).isEqualTo(eur("0.10"));
                    // 1000.00 x 0.073 / 365 = 0.20
                    assertThat(penalty.get(DUE4.plusDays(1))).isEqualTo(eur("0.20"));
                }))
                .expectResultMessagePayloadMatching(details(d -> {
                    // Mar 13-16: 4 x 0.05; Mar 17-23: 7 x 0.10; Mar 24-30: 7 x 0.15 (749.25 x 0.0002 = 0.14985);
                    // Mar 31: 0.20 -> 0.20 + 0.70 + 1.05 + 0.20 = 2.15
                    assertThat(d.penaltiesOutstanding()).isEqualTo(eur("2.15"));
                }));
    }

    @Test
    void aDelinquentLoanBroughtUpToDateIsCurrentAgain() {
        // Mar 12 (3 days past due) then the due 261.25 (no penalty yet, within grace) paid on Mar 13.
        LocalDate mar13 = LocalDate.parse("2026-03-13");
        fixture.givenCommands(standard(), disburse(D0), close(LocalDate.parse("2026-03-12")),
                        repay("261.25", mar13, null))
                .when(close(mar13))
                .expectEventsMatching(payloads(events -> {
                    LoanDayClosedEvent closed = (LoanDayClosedEvent) events.get(0);
                    assertThat(events).hasSize(1);
                    assertThat(closed.daysPastDue()).isZero();
                    assertThat(closed.bucket()).isEqualTo(DelinquencyBucket.CURRENT);
                    assertThat(closed.previousBucket()).isEqualTo(DelinquencyBucket.DPD_1_30);
                    assertThat(closed.penalty()).isEqualTo(eur("0.00"));
                    assertThat(closed.accruals()).isEmpty(); // accrued by the repayment already
                }));
    }

    @Test
    void delinquencyBucketBoundaries() {
        assertThat(DelinquencyBucket.of(0)).isEqualTo(DelinquencyBucket.CURRENT);
        assertThat(DelinquencyBucket.of(1)).isEqualTo(DelinquencyBucket.DPD_1_30);
        assertThat(DelinquencyBucket.of(30)).isEqualTo(DelinquencyBucket.DPD_1_30);
        assertThat(DelinquencyBucket.of(31)).isEqualTo(DelinquencyBucket.DPD_31_60);
        assertThat(DelinquencyBucket.of(60)).isEqualTo(DelinquencyBucket.DPD_31_60);
        assertThat(DelinquencyBucket.of(61)).isEqualTo(DelinquencyBucket.DPD_61_90);
        assertThat(DelinquencyBucket.of(90)).isEqualTo(DelinquencyBucket.DPD_61_90);
        assertThat(DelinquencyBucket.of(91)).isEqualTo(DelinquencyBucket.DPD_90_PLUS);
    }

    // ---------------------------------------------------------------- payoff quote

    @Test
    void aQuoteForTheBusinessDateIsWhatRepaysTheLoanThatDay() {
        // Closed through Mar 4; on Mar 5 instalment 1 has accrued 2.00 x 3/7 = 0.857 -> 0.86:
        // 1000.00 + 0.86 + fee 10.00 = 1010.86
        LocalDate mar5 = LocalDate.parse("2026-03-05");
        fixture.givenCommands(standard(), disburse(D0), close(LocalDate.parse("2026-03-04")))
                .when(quote(mar5, mar5))
                .expectNoEvents()
                .expectResultMessagePayloadMatching(payoffQuote(q -> assertThat(q).isEqualTo(new PayoffQuote(LOAN,
                        mar5, eur("1000.00"), eur("0.86"), eur("0.00"), eur("10.00"), eur("1010.86")))));
        fixture.givenCommands(standard(), disburse(D0), close(LocalDate.parse("2026-03-04")))
                .when(repay("1010.86", mar5, null))
                .expectEventsMatching(payloads(events -> assertThat(events).last()
                        .isEqualTo(new LoanClosedEvent(LOAN, mar5))));
        fixture.givenCommands(standard(), disburse(D0), close(LocalDate.parse("2026-03-04")))
                .when(repay("1010.87", mar5, null))
                .expectNoEvents()
                .expectException(refusal(e -> assertThat(e.metadata()).containsEntry("payoff_amount", "1010.86")));
    }

    @Test
    void aQuoteForALaterDateIncludesInterestAndPenaltiesToThatDate() {
        // Quoted on Mar 5 for Mar 20, nothing paid:
        //   interest 2.00 + 1.50 + instalment 3's 1.00 x 4/7 = 0.57 -> 4.07
        //   penalties Mar 13-16: 4 x 0.05, Mar 17-19: 3 x 0.10 (none for Mar 20 itself, not closed) -> 0.50
        //   1000.00 + 4.07 + 0.50 + 10.00 = 1014.57
        LocalDate mar5 = LocalDate.parse("2026-03-05");
        LocalDate mar20 = LocalDate.parse("2026-03-20");
        fixture.givenCommands(standard(), disburse(D0), close(LocalDate.parse("2026-03-04")))
                .when(quote(mar20, mar5))
                .expectNoEvents()
                .expectResultMessagePayloadMatching(payoffQuote(q -> assertThat(q).isEqualTo(new PayoffQuote(LOAN,
                        mar20, eur("1000.00"), eur("4.07"), eur("0.50"), eur("10.00"), eur("1014.57")))));
        // Close of business runs until then, and on Mar 20 the quoted amount repays the loan exactly.
        fixture.givenCommands(standard(), disburse(D0), close(LocalDate.parse("2026-03-19")))
                .when(repay("1014.57", mar20, null))
                .expectEventsMatching(payloads(events -> assertThat(events).last()
                        .isEqualTo(new LoanClosedEvent(LOAN, mar20))));
        // Even before anything is late, a later date costs more interest: 2.00 x 4/7 = 1.14 on Mar 6.
        fixture.givenCommands(standard(), disburse(D0), close(LocalDate.parse("2026-03-04")))
                .when(quote(LocalDate.parse("2026-03-06"), mar5))
                .expectResultMessagePayloadMatching(payoffQuote(q -> {
                    assertThat(q.interest()).isEqualTo(eur("1.14"));
                    assertThat(q.total()).isEqualTo(eur("1011.14"));
                }));
    }

    @Test
    void aQuoteForAPastDateOrMoreThanAYearAheadIsRefused() {
        LocalDate mar5 = LocalDate.parse("2026-03-05");
        fixture.givenCommands(standard(), disburse(D0), close(LocalDate.parse("2026-03-04")))
                .when(quote(LocalDate.parse("2026-03-04"), mar5))
                .expectNoEvents()
                .expectException(invalidFields("payoff_date"));
        fixture.givenCommands(standard(), disburse(D0), close(LocalDate.parse("2026-03-04")))
                .when(quote(mar5.plusDays(367), mar5))
                .expectNoEvents()
                .expectException(invalidFields("payoff_date"));
        fixture.givenCommands(standard(), disburse(D0), close(LocalDate.parse("2026-03-04")))
                .when(quote(mar5.plusDays(366), mar5))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents()
                .expectResultMessagePayloadMatching(payoffQuote(q -> {
                    // Everything is due and late by then: all the interest, the fee and a year of penalties.
                    assertThat(q.principal()).isEqualTo(eur("1000.00"));
                    assertThat(q.interest()).isEqualTo(eur("5.00"));
                    assertThat(q.penalties().isPositive()).isTrue();
                    assertThat(q.total()).isEqualTo(q.principal().plus(q.interest()).plus(q.penalties())
                            .plus(q.fees()));
                }));
    }

    @Test
    void onlyAnActiveLoanIsQuoted() {
        fixture.givenCommands(standard())
                .when(quote(D0, D0))
                .expectNoEvents()
                .expectException(refused(ErrorReason.LOAN_NOT_ACTIVE));
    }

    // ---------------------------------------------------------------- write-off and recovery

    /** Closed through Mar 20, nothing paid: interest 4.07; penalties 4 x 0.05 + 4 x 0.10 = 0.60; fee 10.00. */
    private List<Object> writtenOffHistory() {
        return new ArrayList<>(List.of(standard(), disburse(D0), close(LocalDate.parse("2026-03-20")),
                new WriteOffLoanCommand(LOAN, "officer-1", "uncollectable", LocalDate.parse("2026-03-21"), 0)));
    }

    @Test
    void aWriteOffRecordsEverythingOwed() {
        // 1000.00 + 4.07 + 0.60 + 10.00 = 1014.67
        LocalDate mar21 = LocalDate.parse("2026-03-21");
        fixture.givenCommands(standard(), disburse(D0), close(LocalDate.parse("2026-03-20")))
                .when(new WriteOffLoanCommand(LOAN, "officer-1", "uncollectable", mar21, 0))
                .expectEvents(new LoanWrittenOffEvent(LOAN, mar21, "officer-1", "uncollectable", eur("1000.00"),
                        eur("4.07"), eur("0.60"), eur("10.00"), eur("1014.67")))
                .expectResultMessagePayloadMatching(details(d -> {
                    assertThat(d.status()).isEqualTo(LoanStatus.WRITTEN_OFF);
                    assertThat(d.writtenOff()).isEqualTo(eur("1014.67"));
                    assertThat(d.recovered()).isEqualTo(eur("0.00"));
                }));
    }

    @Test
    void aWriteOffBeforeTheMinimumDaysPastDueIsRefused() {
        LocalDate mar21 = LocalDate.parse("2026-03-21");
        int[] daysPastDue = new int[1];
        fixture.givenCommands(standard(), disburse(D0), close(LocalDate.parse("2026-03-20")))
                .when(new InspectLoanCommand(LOAN, mar21))
                .expectResultMessagePayloadMatching(details(d -> daysPastDue[0] = d.daysPastDue()));
        assertThat(daysPastDue[0]).isPositive();
        fixture.givenCommands(standard(), disburse(D0), close(LocalDate.parse("2026-03-20")))
                .when(new WriteOffLoanCommand(LOAN, "officer-1", "uncollectable", mar21, daysPastDue[0] + 1))
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.reason()).isEqualTo(ErrorReason.WRITE_OFF_TOO_EARLY);
                    assertThat(e.metadata()).containsEntry("days_past_due", String.valueOf(daysPastDue[0]))
                            .containsEntry("minimum_days_past_due", String.valueOf(daysPastDue[0] + 1));
                }));
        // Exactly the minimum is enough.
        fixture.givenCommands(standard(), disburse(D0), close(LocalDate.parse("2026-03-20")))
                .when(new WriteOffLoanCommand(LOAN, "officer-1", "uncollectable", mar21, daysPastDue[0]))
                .expectSuccessfulHandlerExecution();
    }

    @Test
    void onlyAnActiveLoanIsWrittenOffAndOnlyWithAReason() {
        fixture.givenCommands(standard())
                .when(new WriteOffLoanCommand(LOAN, "officer-1", "uncollectable", D0, 0))
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.reason()).isEqualTo(ErrorReason.LOAN_NOT_ACTIVE);
                    assertThat(e.metadata()).containsEntry("status", "APPROVED");
                }));
        fixture.givenCommands(standard(), disburse(D0), repay("1012.00", DUE1, null))
                .when(new WriteOffLoanCommand(LOAN, "officer-1", "uncollectable", DUE2, 0))
                .expectNoEvents()
                .expectException(refused(ErrorReason.LOAN_NOT_ACTIVE));
        fixture.givenCommands(writtenOffHistory())
                .when(new WriteOffLoanCommand(LOAN, "officer-1", "again", LocalDate.parse("2026-03-22"), 0))
                .expectNoEvents()
                .expectException(refused(ErrorReason.LOAN_NOT_ACTIVE));
        fixture.givenCommands(standard(), disburse(D0))
                .when(new WriteOffLoanCommand(LOAN, "officer-1", "  ", DUE1, 0))
                .expectNoEvents()
                .expectException(invalidFields("reason"));
    }

    @Test
    void aWrittenOffLoanTakesNoRepaymentAndNoCloseOfBusiness() {
        fixture.givenCommands(writtenOffHistory())
                .when(repay("10.00", LocalDate.parse("2026-03-22"), null))
                .expectNoEvents()
                .expectException(refused(ErrorReason.LOAN_NOT_ACTIVE));
        fixture.givenCommands(writtenOffHistory())
                .when(close(LocalDate.parse("2026-03-25")))
                .expectNoEvents();
    }

    @Test
    void recoveriesAreRecordedUpToTheWrittenOffAmount() {
        LocalDate day = LocalDate.parse("2026-04-01");
        fixture.givenCommands(writtenOffHistory())
                .when(new RecordRecoveryCommand(LOAN, "tx-rec-1", eur("500.00"), day))
                .expectEvents(new LoanRecoveryRecordedEvent(LOAN, "tx-rec-1", day, eur("500.00"), eur("500.00")))
                .expectResultMessagePayloadMatching(details(d -> assertThat(d.recovered()).isEqualTo(eur("500.00"))));
        List<Object> history = writtenOffHistory();
        history.add(new RecordRecoveryCommand(LOAN, "tx-rec-1", eur("500.00"), day));
        // 1014.67 - 500.00 = 514.67 left to recover
        fixture.givenCommands(history)
                .when(new RecordRecoveryCommand(LOAN, "tx-rec-2", eur("514.68"), day))
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.reason()).isEqualTo(ErrorReason.LOAN_OVERPAYMENT);
                    assertThat(e.metadata()).containsEntry("recoverable_amount", "514.67");
                }));
        fixture.givenCommands(history)
                .when(new RecordRecoveryCommand(LOAN, "tx-rec-2", eur("514.67"), day))
                .expectEvents(new LoanRecoveryRecordedEvent(LOAN, "tx-rec-2", day, eur("514.67"), eur("1014.67")));
    }

    @Test
    void recoveriesAreRecordedOnlyOnWrittenOffLoans() {
        fixture.givenCommands(standard(), disburse(D0))
                .when(new RecordRecoveryCommand(LOAN, "tx-rec", eur("10.00"), DUE1))
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.reason()).isEqualTo(ErrorReason.LOAN_NOT_WRITTEN_OFF);
                    assertThat(e.metadata()).containsEntry("status", "ACTIVE");
                }));
        fixture.givenCommands(writtenOffHistory())
                .when(new RecordRecoveryCommand(LOAN, "tx-rec", eur("0.00"), DUE4))
                .expectNoEvents()
                .expectException(invalidFields("amount"));
    }
}
