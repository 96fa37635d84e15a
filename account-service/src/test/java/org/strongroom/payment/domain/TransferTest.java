package org.strongroom.payment.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.strongroom.kernel.Refusals.refusal;
import static org.strongroom.kernel.Refusals.satisfying;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Currency;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.strongroom.account.api.DebitLimits;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.Money;
import org.strongroom.kernel.Refusal;
import org.strongroom.payment.api.TransferApi.CompleteTransferCommand;
import org.strongroom.payment.api.TransferApi.ExecuteScheduledTransferCommand;
import org.strongroom.payment.api.TransferApi.BookTransferCommand;
import org.strongroom.payment.api.TransferApi.DueTransferCommand;
import org.strongroom.payment.api.TransferApi.TransferExecutedEvent;
import org.strongroom.payment.api.TransferApi.TransferOrder;
import org.strongroom.payment.api.TransferApi.FailTransferCommand;
import org.strongroom.payment.api.TransferApi.RequestTransferCommand;
import org.strongroom.payment.api.TransferApi.TransferCompletedEvent;
import org.strongroom.payment.api.TransferApi.TransferDetails;
import org.strongroom.payment.api.TransferApi.TransferFailedEvent;
import org.strongroom.payment.api.TransferApi.TransferRequestedEvent;
import org.strongroom.payment.api.TransferApi.TransferScheduledEvent;
import org.strongroom.payment.api.TransferApi.TransferStatus;

class TransferTest {

    private static final Money AMOUNT = new Money(new BigDecimal("25.00"), Currency.getInstance("EUR"));
    private static final LocalDate TODAY = LocalDate.of(2026, 11, 23);
    private static final LocalDate DUE = TODAY.plusDays(2);
    private static final DebitLimits MOBILE = new DebitLimits("MOBILE", new BigDecimal("100"), new BigDecimal("300"));
    private static final TransferRequestedEvent REQUESTED = new TransferRequestedEvent("tr-1", "a", "b", AMOUNT,
            "rent", DebitLimits.NONE, DebitLimits.NONE);
    private static final TransferScheduledEvent SCHEDULED = new TransferScheduledEvent("tr-1", "a", "b", AMOUNT,
            "rent", MOBILE, DebitLimits.NONE, DUE);
    /** What starting SCHEDULED records: the request, with the limits it was scheduled under. */
    private static final TransferRequestedEvent STARTED = new TransferRequestedEvent("tr-1", "a", "b", AMOUNT,
            "rent", MOBILE, DebitLimits.NONE);

    private FixtureConfiguration<Transfer> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Transfer.class);
        fixture.registerAnnotatedCommandHandler(new TransferCommandHandler(fixture.getRepository()));
    }

    private static RequestTransferCommand request(LocalDate executionDate) {
        return request(executionDate, AMOUNT, MOBILE);
    }

    private static RequestTransferCommand request(LocalDate executionDate, Money amount, DebitLimits limits) {
        return new RequestTransferCommand("tr-1", "a", "b", amount, "rent", limits, DebitLimits.NONE, executionDate,
                TODAY);
    }

    @Test
    void aRequestedTransferIsPending() {
        fixture.givenNoPriorActivity()
                .when(new RequestTransferCommand("tr-1", "a", "b", AMOUNT, "rent", DebitLimits.NONE, DebitLimits.NONE,
                        null, TODAY))
                .expectEvents(REQUESTED);
    }

    @Test
    void aTransferDatedTheBusinessDateStartsAtOnce() {
        fixture.givenNoPriorActivity().when(request(TODAY)).expectEvents(STARTED)
                .expectResultMessagePayloadMatching(satisfying(TransferDetails.class, details -> {
                    assertThat(details.status()).isEqualTo(TransferStatus.PENDING);
                    assertThat(details.executionDate()).isNull();
                }));
    }

    @Test
    void aTransferDatedLaterIsScheduledAndMovesNothing() {
        fixture.givenNoPriorActivity().when(request(DUE)).expectEvents(SCHEDULED)
                .expectResultMessagePayloadMatching(satisfying(TransferDetails.class, details -> {
                    assertThat(details.status()).isEqualTo(TransferStatus.SCHEDULED);
                    assertThat(details.executionDate()).isEqualTo(DUE);
                }));
    }

    @Test
    void aDateBeforeTheBusinessDateIsRefused() {
        fixture.givenNoPriorActivity().when(request(TODAY.minusDays(1)))
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.refusal()).isEqualTo(Refusal.INVALID_INPUT);
                    assertThat(e.violations()).singleElement()
                            .satisfies(v -> assertThat(v.field()).isEqualTo("execution_date"));
                }));
    }

    @Test
    void aTransferMayBeDatedAtMost366DaysAhead() {
        fixture.givenNoPriorActivity().when(request(TODAY.plusDays(366)))
                .expectEvents(new TransferScheduledEvent("tr-1", "a", "b", AMOUNT, "rent", MOBILE, DebitLimits.NONE,
                        TODAY.plusDays(366)));
        fixture.givenNoPriorActivity().when(request(TODAY.plusDays(367)))
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.refusal()).isEqualTo(Refusal.INVALID_INPUT);
                    assertThat(e.violations()).singleElement()
                            .satisfies(v -> assertThat(v.field()).isEqualTo("execution_date"));
                }));
    }

    @Test
    void theLimitPerTransactionIsJudgedWhenScheduling() {
        Money tooMuch = new Money(new BigDecimal("100.01"), AMOUNT.currency());
        fixture.givenNoPriorActivity().when(request(DUE, tooMuch, MOBILE))
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.reason()).isEqualTo(ErrorReason.TRANSACTION_LIMIT_EXCEEDED);
                    assertThat(e.metadata()).containsEntry("channel", "MOBILE").containsEntry("limit", "100");
                }));
        DebitLimits partner = DebitLimits.ofRole("PARTNER", new BigDecimal("50"), null);
        fixture.givenNoPriorActivity()
                .when(new RequestTransferCommand("tr-1", "a", "b", new Money(new BigDecimal("50.01"),
                        AMOUNT.currency()), "rent", MOBILE, partner, DUE, TODAY))
                .expectNoEvents()
                .expectException(refusal(e -> assertThat(e.metadata()).containsEntry("channel", "role:PARTNER")));
    }

    private static final TransferOrder ORDER = new TransferOrder("tr-1", "a", "b", AMOUNT, "rent", MOBILE,
            DebitLimits.NONE);

    @Test
    void aTransferCarriedOutNowIsRecordedCompletedOrFailedAtOnce() {
        fixture.givenNoPriorActivity().when(new BookTransferCommand("tr-1", ORDER, null, null))
                .expectEvents(new TransferExecutedEvent("tr-1", "a", "b", AMOUNT, "rent", null, null))
                .expectResultMessagePayloadMatching(satisfying(TransferDetails.class,
                        details -> assertThat(details.status()).isEqualTo(TransferStatus.COMPLETED)));
        fixture.givenNoPriorActivity()
                .when(new BookTransferCommand("tr-1", ORDER, "INSUFFICIENT_FUNDS", "not enough"))
                .expectEvents(new TransferExecutedEvent("tr-1", "a", "b", AMOUNT, "rent", "INSUFFICIENT_FUNDS",
                        "not enough"))
                .expectResultMessagePayloadMatching(satisfying(TransferDetails.class, details -> {
                    assertThat(details.status()).isEqualTo(TransferStatus.FAILED);
                    assertThat(details.failureReason()).isEqualTo("INSUFFICIENT_FUNDS");
                }));
    }

    @Test
    void onOrAfterItsDateAScheduledTransferAnswersItsOrderWithTheLimitsItWasScheduledUnder() {
        fixture.given(SCHEDULED).when(new DueTransferCommand("tr-1", DUE)).expectNoEvents()
                .expectResultMessagePayload(ORDER);
        fixture.given(SCHEDULED).when(new DueTransferCommand("tr-1", DUE.plusDays(3))).expectResultMessagePayload(ORDER);
        fixture.given(SCHEDULED).when(new ExecuteScheduledTransferCommand("tr-1", DUE, null, null))
                .expectEvents(new TransferExecutedEvent("tr-1", "a", "b", AMOUNT, "rent", null, null));
    }

    @Test
    void beforeItsDateAScheduledTransferRefusesToStart() {
        for (Object early : new Object[] {new DueTransferCommand("tr-1", DUE.minusDays(1)),
                new ExecuteScheduledTransferCommand("tr-1", DUE.minusDays(1), null, null)}) {
            fixture.given(SCHEDULED).when(early)
                    .expectNoEvents()
                    .expectException(refusal(e -> {
                        assertThat(e.reason()).isEqualTo(ErrorReason.TRANSFER_NOT_DUE);
                        assertThat(e.metadata()).containsEntry("execution_date", DUE.toString())
                                .containsEntry("business_date", DUE.minusDays(1).toString());
                    }));
        }
    }

    @Test
    void carryingOutAgainChangesNothingAndAnswersTheTransfer() {
        TransferExecutedEvent done = new TransferExecutedEvent("tr-1", "a", "b", AMOUNT, "rent", null, null);
        fixture.given(SCHEDULED, done).when(new DueTransferCommand("tr-1", DUE)).expectNoEvents()
                .expectResultMessagePayload(null);
        fixture.given(SCHEDULED, done).when(new ExecuteScheduledTransferCommand("tr-1", DUE.plusDays(1), null, null))
                .expectNoEvents()
                .expectResultMessagePayloadMatching(satisfying(TransferDetails.class, details -> {
                    assertThat(details.status()).isEqualTo(TransferStatus.COMPLETED);
                    assertThat(details.executionDate()).isEqualTo(DUE);
                }));
        // A transfer that was started by the earlier process is not scheduled any more.
        fixture.given(SCHEDULED, STARTED).when(new DueTransferCommand("tr-1", DUE)).expectNoEvents()
                .expectResultMessagePayload(null);
    }

    @Test
    void aScheduledTransferKeepsTheTimeItWasAskedFor() {
        Instant asked = Instant.parse("2026-11-23T10:00:00Z");
        fixture.givenCurrentTime(asked).andGiven(SCHEDULED).andGivenCurrentTime(asked.plus(Duration.ofDays(2)))
                .when(new ExecuteScheduledTransferCommand("tr-1", DUE, "ACCOUNT_CLOSED", "closed"))
                .expectResultMessagePayloadMatching(satisfying(TransferDetails.class, details -> {
                    assertThat(details.status()).isEqualTo(TransferStatus.FAILED);
                    assertThat(details.requestTime()).isEqualTo(asked);
                    assertThat(details.updateTime()).isEqualTo(asked.plus(Duration.ofDays(2)));
                }));
    }

    @Test
    void aScheduledTransferCannotEndBeforeItStarts() {
        fixture.given(SCHEDULED).when(new CompleteTransferCommand("tr-1")).expectNoEvents();
        fixture.given(SCHEDULED).when(new FailTransferCommand("tr-1", "X", "early")).expectNoEvents();
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
