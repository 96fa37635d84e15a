package org.strongroom.approval.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.strongroom.kernel.Refusals.refusal;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Currency;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.strongroom.approval.api.ApprovalApi.ApprovalExpiredEvent;
import org.strongroom.approval.api.ApprovalApi.ApprovalGrantedEvent;
import org.strongroom.approval.api.ApprovalApi.ApprovalKind;
import org.strongroom.approval.api.ApprovalApi.ApprovalOperation;
import org.strongroom.approval.api.ApprovalApi.ApprovalRejectedEvent;
import org.strongroom.approval.api.ApprovalApi.ApprovalRequestedEvent;
import org.strongroom.approval.api.ApprovalApi.GrantApprovalCommand;
import org.strongroom.approval.api.ApprovalApi.RejectApprovalCommand;
import org.strongroom.approval.api.ApprovalApi.RequestApprovalCommand;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.Money;
import org.strongroom.kernel.Refusal;

class ApprovalTest {

    private static final String APPROVAL = "3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a";
    private static final Instant NOW = Instant.parse("2026-11-23T09:00:00Z");
    private static final Instant EXPIRY = NOW.plus(Duration.ofHours(4));
    /** Persisted with every scheduled deadline: renaming it strands stored ones. */
    private static final String EXPIRY_DEADLINE = "approval-expiry";
    private static final ApprovalOperation CASH = new ApprovalOperation(ApprovalKind.CASH_DEPOSIT,
            "0b6f2a4e-3c1d-4f8a-9e27-6d5c4b3a2f10", "7d1b3c9e-2a4f-4e6b-8c1d-9f0a2b3c4d5e",
            new Money(new BigDecimal("20000.00"), Currency.getInstance("EUR")), null);

    private FixtureConfiguration<Approval> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Approval.class);
        fixture.registerAnnotatedCommandHandler(new ApprovalCommandHandler(fixture.getRepository()));
        fixture.givenCurrentTime(NOW);
    }

    private static ApprovalRequestedEvent requested() {
        return new ApprovalRequestedEvent(APPROVAL, CASH, "branch-1", "teller-1", EXPIRY);
    }

    @Test
    void aRequestWaitsAndSchedulesItsExpiry() {
        fixture.givenNoPriorActivity()
                .when(new RequestApprovalCommand(APPROVAL, CASH, "branch-1", "teller-1", EXPIRY))
                .expectEvents(requested())
                .expectScheduledDeadlineWithName(EXPIRY, EXPIRY_DEADLINE);
    }

    @Test
    void anotherSupervisorOfTheBranchGrants() {
        fixture.given(requested())
                .when(new GrantApprovalCommand(APPROVAL, "supervisor-1", "branch-1", NOW.plusSeconds(60)))
                .expectEvents(new ApprovalGrantedEvent(APPROVAL, "teller-1", "supervisor-1"));
    }

    @Test
    void theMakerCannotDecideItsOwnRequest() {
        fixture.given(requested())
                .when(new GrantApprovalCommand(APPROVAL, "teller-1", "branch-1", NOW))
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.refusal()).isEqualTo(Refusal.FORBIDDEN);
                    assertThat(e.reason()).isEqualTo(ErrorReason.SELF_APPROVAL_FORBIDDEN);
                }));
        fixture.given(requested())
                .when(new RejectApprovalCommand(APPROVAL, "teller-1", "branch-1", "changed my mind", NOW))
                .expectNoEvents()
                .expectException(refusal(e -> assertThat(e.reason()).isEqualTo(ErrorReason.SELF_APPROVAL_FORBIDDEN)));
    }

    @Test
    void aSupervisorOfAnotherBranchCannotDecide() {
        fixture.given(requested())
                .when(new GrantApprovalCommand(APPROVAL, "supervisor-9", "branch-9", NOW))
                .expectNoEvents()
                .expectException(refusal(e -> assertThat(e.reason()).isEqualTo(ErrorReason.APPROVAL_OTHER_BRANCH)));
    }

    @Test
    void aRejectionRecordsWhoAndWhy() {
        fixture.given(requested())
                .when(new RejectApprovalCommand(APPROVAL, "supervisor-1", "branch-1", "customer not present", NOW))
                .expectEvents(new ApprovalRejectedEvent(APPROVAL, "teller-1", "supervisor-1", "customer not present"));
    }

    @Test
    void aDecidedRequestCannotBeDecidedAgain() {
        fixture.given(requested(), new ApprovalGrantedEvent(APPROVAL, "teller-1", "supervisor-1"))
                .when(new RejectApprovalCommand(APPROVAL, "supervisor-2", "branch-1", "too late", NOW))
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.reason()).isEqualTo(ErrorReason.APPROVAL_NOT_PENDING);
                    assertThat(e.metadata()).containsEntry("status", "APPROVED");
                }));
    }

    @Test
    void aRequestNobodyDecidesExpiresUnchanged() {
        fixture.givenCommands(new RequestApprovalCommand(APPROVAL, CASH, "branch-1", "teller-1", EXPIRY))
                .whenThenTimeAdvancesTo(EXPIRY)
                .expectTriggeredDeadlinesWithName(EXPIRY_DEADLINE)
                .expectEvents(new ApprovalExpiredEvent(APPROVAL, "teller-1"));
    }

    @Test
    void aDecidedRequestDoesNotExpire() {
        fixture.givenCommands(new RequestApprovalCommand(APPROVAL, CASH, "branch-1", "teller-1", EXPIRY),
                        new GrantApprovalCommand(APPROVAL, "supervisor-1", "branch-1", NOW))
                .whenThenTimeAdvancesTo(EXPIRY)
                .expectTriggeredDeadlinesWithName(EXPIRY_DEADLINE)
                .expectNoEvents();
    }

    @Test
    void aDecisionAfterTheExpiryInstantIsRefusedEvenBeforeTheDeadlineFires() {
        fixture.given(requested())
                .when(new GrantApprovalCommand(APPROVAL, "supervisor-1", "branch-1", EXPIRY))
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.reason()).isEqualTo(ErrorReason.APPROVAL_NOT_PENDING);
                    assertThat(e.metadata()).containsEntry("status", "EXPIRED");
                }));
    }
}
