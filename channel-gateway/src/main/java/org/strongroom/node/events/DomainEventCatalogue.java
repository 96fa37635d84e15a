package org.strongroom.node.events;

import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Message;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.strongroom.account.api.AccountEvents.AccountClosedEvent;
import org.strongroom.account.api.AccountEvents.AccountFrozenEvent;
import org.strongroom.account.api.AccountEvents.AccountOpenedEvent;
import org.strongroom.account.api.AccountEvents.AccountUnfrozenEvent;
import org.strongroom.account.api.AccountEvents.DebitHeldForReviewEvent;
import org.strongroom.account.api.AccountEvents.FundsDepositedEvent;
import org.strongroom.account.api.AccountEvents.FundsWithdrawnEvent;
import org.strongroom.account.api.AccountEvents.HoldExpiredEvent;
import org.strongroom.account.api.AccountEvents.HoldPlacedEvent;
import org.strongroom.account.api.AccountEvents.HoldReleasedEvent;
import org.strongroom.account.api.AccountEvents.OverdraftLimitChangedEvent;
import org.strongroom.account.api.AccountEvents.TransferCreditedEvent;
import org.strongroom.account.api.AccountEvents.TransferDebitReservedEvent;
import org.strongroom.account.api.AccountEvents.TransferDebitSettledEvent;
import org.strongroom.account.api.AccountEvents.TransferDebitedEvent;
import org.strongroom.account.api.AccountEvents.TransferReservationReleasedEvent;
import org.strongroom.account.api.AccountEvents.TransferStepRefusedEvent;
import org.strongroom.approval.api.ApprovalApi.ApprovalExpiredEvent;
import org.strongroom.approval.api.ApprovalApi.ApprovalGrantedEvent;
import org.strongroom.approval.api.ApprovalApi.ApprovalOperation;
import org.strongroom.approval.api.ApprovalApi.ApprovalRejectedEvent;
import org.strongroom.approval.api.ApprovalApi.ApprovalRequestedEvent;
import org.strongroom.customer.api.CustomerContactUpdatedEvent;
import org.strongroom.customer.api.CustomerRegisteredEvent;
import org.strongroom.gateway.grpc.MoneyMapper;
import org.strongroom.loan.api.LoanApi;
import org.strongroom.proto.events.v1.DelinquencyBucket;
import org.strongroom.proto.events.v1.InstalmentAmount;
import org.strongroom.proto.events.v1.LoanApplied;
import org.strongroom.proto.events.v1.LoanApproved;
import org.strongroom.proto.events.v1.LoanClosed;
import org.strongroom.proto.events.v1.LoanDayClosed;
import org.strongroom.proto.events.v1.LoanDisbursed;
import org.strongroom.proto.events.v1.LoanInterestAccrued;
import org.strongroom.proto.events.v1.LoanRecoveryRecorded;
import org.strongroom.proto.events.v1.LoanReferred;
import org.strongroom.proto.events.v1.LoanRejected;
import org.strongroom.proto.events.v1.LoanRepaid;
import org.strongroom.proto.events.v1.LoanStatus;
import org.strongroom.proto.events.v1.LoanWrittenOff;
import org.strongroom.proto.events.v1.PrepaymentMode;
import org.strongroom.proto.events.v1.RepaymentSource;
import org.strongroom.proto.events.v1.ScheduledInstalment;
import org.strongroom.gateway.grpc.ProtoTime;
import org.strongroom.payment.api.TransferApi.TransferCompletedEvent;
import org.strongroom.payment.api.TransferApi.TransferExecutedEvent;
import org.strongroom.payment.api.TransferApi.TransferFailedEvent;
import org.strongroom.payment.api.TransferApi.TransferRequestedEvent;
import org.strongroom.payment.api.TransferApi.TransferScheduledEvent;
import org.strongroom.proto.error.v1.ErrorReason;
import org.strongroom.proto.events.v1.AccountClosed;
import org.strongroom.proto.events.v1.AccountFrozen;
import org.strongroom.proto.events.v1.AccountOpened;
import org.strongroom.proto.events.v1.AccountProduct;
import org.strongroom.proto.events.v1.AccountUnfrozen;
import org.strongroom.proto.events.v1.ApprovalExpired;
import org.strongroom.proto.events.v1.ApprovalGranted;
import org.strongroom.proto.events.v1.ApprovalKind;
import org.strongroom.proto.events.v1.ApprovalRejected;
import org.strongroom.proto.events.v1.ApprovalRequested;
import org.strongroom.proto.events.v1.CashCounterpartyType;
import org.strongroom.proto.events.v1.CashDirection;
import org.strongroom.proto.events.v1.Counterparty;
import org.strongroom.proto.events.v1.CounterpartyType;
import org.strongroom.proto.events.v1.CustomerContactUpdated;
import org.strongroom.proto.events.v1.CustomerRegistered;
import org.strongroom.proto.events.v1.DebitHeldForReview;
import org.strongroom.proto.events.v1.FreezeScope;
import org.strongroom.proto.events.v1.FundsDeposited;
import org.strongroom.proto.events.v1.FundsWithdrawn;
import org.strongroom.proto.events.v1.HoldExpired;
import org.strongroom.proto.events.v1.HoldPlaced;
import org.strongroom.proto.events.v1.HoldReleased;
import org.strongroom.proto.events.v1.IdentityDocumentType;
import org.strongroom.proto.events.v1.OverdraftLimitChanged;
import org.strongroom.proto.events.v1.TillCashMoved;
import org.strongroom.proto.events.v1.TillClosed;
import org.strongroom.proto.events.v1.TillOpened;
import org.strongroom.proto.events.v1.TransferCompleted;
import org.strongroom.proto.events.v1.TransferExecuted;
import org.strongroom.proto.events.v1.TransferDebited;
import org.strongroom.proto.events.v1.TransferCredited;
import org.strongroom.proto.events.v1.TransferDebitReserved;
import org.strongroom.proto.events.v1.TransferDebitSettled;
import org.strongroom.proto.events.v1.TransferFailed;
import org.strongroom.proto.events.v1.TransferRequested;
import org.strongroom.proto.events.v1.TransferReservationReleased;
import org.strongroom.proto.events.v1.TransferScheduled;
import org.strongroom.proto.events.v1.TransferStep;
import org.strongroom.proto.events.v1.TransferStepRefused;
import org.strongroom.teller.api.TillApi.TillCashMovedEvent;
import org.strongroom.teller.api.TillApi.TillClosedEvent;
import org.strongroom.teller.api.TillApi.TillOpenedEvent;

/**
 * Every domain event the bank stores, with the topic it is published on and its protobuf message
 * ({@code proto/strongroom/events/v1}). An event type missing here stops the publisher rather than being
 * skipped; {@code DomainEventCatalogueTest} checks that every event class of the domain is listed.
 */
public final class DomainEventCatalogue {

    public static final String CUSTOMER_TOPIC = "strongroom.customer.events.v1";
    public static final String ACCOUNT_TOPIC = "strongroom.account.events.v1";
    public static final String TRANSFER_TOPIC = "strongroom.transfer.events.v1";
    public static final String TILL_TOPIC = "strongroom.till.events.v1";
    public static final String APPROVAL_TOPIC = "strongroom.approval.events.v1";
    public static final String LOAN_TOPIC = "strongroom.loan.events.v1";
    public static final Set<String> TOPICS = Set.of(CUSTOMER_TOPIC, ACCOUNT_TOPIC, TRANSFER_TOPIC, TILL_TOPIC,
            APPROVAL_TOPIC, LOAN_TOPIC);

    /** A stored event as it goes out: its topic and its message. */
    public record Outgoing(String topic, Message message) {
    }

    private record Mapping<E>(String topic, Function<E, Message> toMessage) {
        Outgoing apply(Object event, Class<E> type) {
            return new Outgoing(topic, toMessage.apply(type.cast(event)));
        }
    }

    private final Map<Class<?>, Mapping<?>> mappings = new LinkedHashMap<>();

    public DomainEventCatalogue() {
        customerEvents();
        accountEvents();
        transferEvents();
        tillEvents();
        approvalEvents();
        loanEvents();
    }

    /** The outgoing message of a stored event; an unknown type is a fault, never a silent skip. */
    public Outgoing toOutgoing(Object event) {
        Mapping<?> mapping = mappings.get(event.getClass());
        if (mapping == null) {
            throw new IllegalStateException("no published form for event type " + event.getClass().getName()
                    + ": add it to DomainEventCatalogue and proto/strongroom/events/v1");
        }
        return apply(mapping, event);
    }

    @SuppressWarnings("unchecked")
    private static <E> Outgoing apply(Mapping<E> mapping, Object event) {
        return mapping.apply(event, (Class<E>) event.getClass());
    }

    public Set<Class<?>> eventTypes() {
        return Collections.unmodifiableSet(mappings.keySet());
    }

    private <E> void add(Class<E> type, String topic, Function<E, Message> toMessage) {
        mappings.put(type, new Mapping<>(topic, toMessage));
    }

    private void customerEvents() {
        add(CustomerRegisteredEvent.class, CUSTOMER_TOPIC, e -> CustomerRegistered.newBuilder()
                .setCustomerId(e.customerId())
                .setFullName(e.fullName())
                .setDateOfBirth(ProtoTime.toProto(e.dateOfBirth()))
                .setIdentityDocumentTypeValue(number(IdentityDocumentType.getDescriptor(), e.identityDocument().type()))
                .setIdentityDocumentIssuingCountryCode(e.identityDocument().issuingCountryCode())
                .setIdentityDocumentNumber(e.identityDocument().number())
                .setEmail(text(e.email()))
                .setPhoneNumber(text(e.phoneNumber()))
                .setResidentialCountryCode(text(e.residentialCountryCode()))
                .setRegistrationBusinessDate(ProtoTime.toProto(e.registrationBusinessDate()))
                .build());
        add(CustomerContactUpdatedEvent.class, CUSTOMER_TOPIC, e -> CustomerContactUpdated.newBuilder()
                .setCustomerId(e.customerId()).setEmail(text(e.email())).setPhoneNumber(text(e.phoneNumber()))
                .build());
    }

    private void accountEvents() {
        add(AccountOpenedEvent.class, ACCOUNT_TOPIC, e -> AccountOpened.newBuilder()
                .setAccountId(e.accountId())
                .setCustomerId(e.customerId())
                .setProductValue(number(AccountProduct.getDescriptor(), e.product()))
                .setCurrencyCode(e.currencyCode())
                .setOverdraftLimit(MoneyMapper.toProto(e.overdraftLimit()))
                .setOpeningBusinessDate(ProtoTime.toProto(e.openingBusinessDate()))
                .build());
        add(FundsDepositedEvent.class, ACCOUNT_TOPIC, e -> FundsDeposited.newBuilder()
                .setAccountId(e.accountId()).setTransactionId(e.transactionId())
                .setAmount(MoneyMapper.toProto(e.amount())).setCounterparty(counterparty(e.counterparty()))
                .setBalanceAfter(MoneyMapper.toProto(e.balanceAfter()))
                .build());
        add(FundsWithdrawnEvent.class, ACCOUNT_TOPIC, e -> FundsWithdrawn.newBuilder()
                .setAccountId(e.accountId()).setTransactionId(e.transactionId())
                .setAmount(MoneyMapper.toProto(e.amount())).setCounterparty(counterparty(e.counterparty()))
                .setBalanceAfter(MoneyMapper.toProto(e.balanceAfter()))
                .build());
        add(HoldPlacedEvent.class, ACCOUNT_TOPIC, e -> {
            HoldPlaced.Builder hold = HoldPlaced.newBuilder().setAccountId(e.accountId()).setHoldId(e.holdId())
                    .setAmount(MoneyMapper.toProto(e.amount())).setReason(text(e.reason()));
            if (e.expireTime() != null) {
                hold.setExpireTime(ProtoTime.toProto(e.expireTime()));
            }
            return hold.build();
        });
        add(DebitHeldForReviewEvent.class, ACCOUNT_TOPIC, e -> DebitHeldForReview.newBuilder()
                .setAccountId(e.accountId()).setTransactionId(e.transactionId())
                .setAmount(MoneyMapper.toProto(e.amount())).setCounterparty(counterparty(e.counterparty()))
                .setChannel(text(e.channel())).setRule(text(e.rule()))
                .build());
        add(HoldReleasedEvent.class, ACCOUNT_TOPIC, e -> HoldReleased.newBuilder()
                .setAccountId(e.accountId()).setHoldId(e.holdId()).setAmount(MoneyMapper.toProto(e.amount()))
                .build());
        add(HoldExpiredEvent.class, ACCOUNT_TOPIC, e -> HoldExpired.newBuilder()
                .setAccountId(e.accountId()).setHoldId(e.holdId()).setAmount(MoneyMapper.toProto(e.amount()))
                .build());
        add(AccountFrozenEvent.class, ACCOUNT_TOPIC, e -> AccountFrozen.newBuilder()
                .setAccountId(e.accountId()).setScopeValue(number(FreezeScope.getDescriptor(), e.scope()))
                .setReason(text(e.reason()))
                .build());
        add(AccountUnfrozenEvent.class, ACCOUNT_TOPIC, e -> AccountUnfrozen.newBuilder()
                .setAccountId(e.accountId()).setReason(text(e.reason()))
                .build());
        add(TransferDebitReservedEvent.class, ACCOUNT_TOPIC, e -> TransferDebitReserved.newBuilder()
                .setAccountId(e.accountId()).setTransferId(e.transferId()).setTargetAccountId(e.targetAccountId())
                .setAmount(MoneyMapper.toProto(e.amount()))
                .build());
        add(TransferCreditedEvent.class, ACCOUNT_TOPIC, e -> TransferCredited.newBuilder()
                .setAccountId(e.accountId()).setTransferId(e.transferId()).setSourceAccountId(e.sourceAccountId())
                .setAmount(MoneyMapper.toProto(e.amount())).setBalanceAfter(MoneyMapper.toProto(e.balanceAfter()))
                .build());
        add(TransferDebitedEvent.class, ACCOUNT_TOPIC, e -> TransferDebited.newBuilder()
                .setAccountId(e.accountId()).setTransferId(e.transferId()).setTargetAccountId(e.targetAccountId())
                .setAmount(MoneyMapper.toProto(e.amount())).setBalanceAfter(MoneyMapper.toProto(e.balanceAfter()))
                .build());
        add(TransferDebitSettledEvent.class, ACCOUNT_TOPIC, e -> TransferDebitSettled.newBuilder()
                .setAccountId(e.accountId()).setTransferId(e.transferId()).setTargetAccountId(e.targetAccountId())
                .setAmount(MoneyMapper.toProto(e.amount())).setBalanceAfter(MoneyMapper.toProto(e.balanceAfter()))
                .build());
        add(TransferReservationReleasedEvent.class, ACCOUNT_TOPIC, e -> TransferReservationReleased.newBuilder()
                .setAccountId(e.accountId()).setTransferId(e.transferId()).setTargetAccountId(e.targetAccountId())
                .setAmount(MoneyMapper.toProto(e.amount())).setReasonValue(reason(e.reason()))
                .build());
        add(TransferStepRefusedEvent.class, ACCOUNT_TOPIC, e -> TransferStepRefused.newBuilder()
                .setAccountId(e.accountId()).setTransferId(e.transferId())
                .setStepValue(number(TransferStep.getDescriptor(), e.step()))
                .setOtherAccountId(text(e.otherAccountId())).setAmount(MoneyMapper.toProto(e.amount()))
                .setReasonValue(reason(e.reason())).setMessage(text(e.message()))
                .build());
        add(OverdraftLimitChangedEvent.class, ACCOUNT_TOPIC, e -> OverdraftLimitChanged.newBuilder()
                .setAccountId(e.accountId()).setPreviousLimit(MoneyMapper.toProto(e.previousLimit()))
                .setOverdraftLimit(MoneyMapper.toProto(e.overdraftLimit())).setReason(text(e.reason()))
                .build());
        add(AccountClosedEvent.class, ACCOUNT_TOPIC, e -> AccountClosed.newBuilder()
                .setAccountId(e.accountId())
                .build());
    }

    private void transferEvents() {
        add(TransferRequestedEvent.class, TRANSFER_TOPIC, e -> TransferRequested.newBuilder()
                .setTransferId(e.transferId()).setSourceAccountId(e.sourceAccountId())
                .setTargetAccountId(e.targetAccountId()).setAmount(MoneyMapper.toProto(e.amount()))
                .setReference(text(e.reference()))
                .build());
        add(TransferScheduledEvent.class, TRANSFER_TOPIC, e -> TransferScheduled.newBuilder()
                .setTransferId(e.transferId()).setSourceAccountId(e.sourceAccountId())
                .setTargetAccountId(e.targetAccountId()).setAmount(MoneyMapper.toProto(e.amount()))
                .setReference(text(e.reference())).setExecutionDate(ProtoTime.toProto(e.executionDate()))
                .build());
        add(TransferExecutedEvent.class, TRANSFER_TOPIC, e -> TransferExecuted.newBuilder()
                .setTransferId(e.transferId()).setSourceAccountId(e.sourceAccountId())
                .setTargetAccountId(e.targetAccountId()).setAmount(MoneyMapper.toProto(e.amount()))
                .setReference(text(e.reference())).setCompleted(e.completed())
                .setFailureReasonValue(e.completed() ? 0 : reason(e.failureReason()))
                .setFailureMessage(text(e.failureMessage()))
                .build());
        add(TransferCompletedEvent.class, TRANSFER_TOPIC, e -> TransferCompleted.newBuilder()
                .setTransferId(e.transferId()).setSourceAccountId(e.sourceAccountId())
                .setTargetAccountId(e.targetAccountId()).setAmount(MoneyMapper.toProto(e.amount()))
                .build());
        add(TransferFailedEvent.class, TRANSFER_TOPIC, e -> TransferFailed.newBuilder()
                .setTransferId(e.transferId()).setSourceAccountId(e.sourceAccountId())
                .setTargetAccountId(e.targetAccountId()).setAmount(MoneyMapper.toProto(e.amount()))
                .setReasonValue(reason(e.reason())).setMessage(text(e.message()))
                .build());
    }

    private void tillEvents() {
        add(TillOpenedEvent.class, TILL_TOPIC, e -> TillOpened.newBuilder()
                .setTillId(e.tillId()).setBranchId(e.branchId()).setTellerId(e.tellerId())
                .setBusinessDate(ProtoTime.toProto(e.businessDate())).setCurrencyCode(e.currencyCode())
                .setOpeningFloat(MoneyMapper.toProto(e.openingFloat()))
                .build());
        add(TillCashMovedEvent.class, TILL_TOPIC, e -> TillCashMoved.newBuilder()
                .setTillId(e.tillId()).setMovementId(e.movementId())
                .setDirectionValue(number(CashDirection.getDescriptor(), e.direction()))
                .setAmount(MoneyMapper.toProto(e.amount()))
                .setCounterpartyTypeValue(number(CashCounterpartyType.getDescriptor(), e.counterpartyType()))
                .setReference(text(e.reference())).setCashAfter(MoneyMapper.toProto(e.cashAfter()))
                .build());
        add(TillClosedEvent.class, TILL_TOPIC, e -> TillClosed.newBuilder()
                .setTillId(e.tillId()).setExpected(MoneyMapper.toProto(e.expected()))
                .setCounted(MoneyMapper.toProto(e.counted())).setVariance(MoneyMapper.toProto(e.variance()))
                .build());
    }

    private void approvalEvents() {
        add(ApprovalRequestedEvent.class, APPROVAL_TOPIC, e -> {
            ApprovalOperation operation = e.operation();
            ApprovalRequested.Builder requested = ApprovalRequested.newBuilder()
                    .setApprovalId(e.approvalId())
                    .setKindValue(number(ApprovalKind.getDescriptor(), operation.kind()))
                    .setAccountId(text(operation.accountId()))
                    .setTillId(text(operation.tillId()))
                    .setReason(text(operation.reason()))
                    .setTransactionId(text(operation.transactionId()))
                    .setBranchId(text(e.branchId()))
                    .setMakerId(text(e.makerId()))
                    .setCounterpartyReference(text(operation.counterpartyReference()))
                    .setCheckerDeskId(text(e.checkerDeskId()));
            if (operation.amount() != null) {
                requested.setAmount(MoneyMapper.toProto(operation.amount()));
            }
            if (e.expireTime() != null) {
                requested.setExpireTime(ProtoTime.toProto(e.expireTime()));
            }
            return requested.build();
        });
        add(ApprovalGrantedEvent.class, APPROVAL_TOPIC, e -> ApprovalGranted.newBuilder()
                .setApprovalId(e.approvalId()).setMakerId(text(e.makerId())).setCheckerId(text(e.checkerId()))
                .build());
        add(ApprovalRejectedEvent.class, APPROVAL_TOPIC, e -> ApprovalRejected.newBuilder()
                .setApprovalId(e.approvalId()).setMakerId(text(e.makerId())).setCheckerId(text(e.checkerId()))
                .setReason(text(e.reason()))
                .build());
        add(ApprovalExpiredEvent.class, APPROVAL_TOPIC, e -> ApprovalExpired.newBuilder()
                .setApprovalId(e.approvalId()).setMakerId(text(e.makerId()))
                .build());
    }

    private void loanEvents() {
        add(LoanApi.LoanAppliedEvent.class, LOAN_TOPIC, e -> LoanApplied.newBuilder()
                .setLoanId(e.loanId()).setCustomerId(e.customerId()).setAccountId(e.accountId())
                .setProductCode(e.product().code()).setProductVersion(e.product().version())
                .setPrincipal(MoneyMapper.toProto(e.principal())).setInstalments(e.instalments())
                .setDecisionOutcome(e.decision().outcome().name()).setDecisionScore(e.decision().score())
                .addAllDecisionReasons(e.decision().reasons()).setScorecardVersion(e.decision().scorecardVersion())
                .setStatusValue(number(LoanStatus.getDescriptor(), e.status()))
                .addAllReferralReasons(e.referralReasons())
                .setApplicationDate(ProtoTime.toProto(e.applicationDate())).setApplicantId(text(e.applicantId()))
                .build());
        add(LoanApi.LoanReferredEvent.class, LOAN_TOPIC, e -> LoanReferred.newBuilder()
                .setLoanId(e.loanId()).setApprovalId(e.approvalId()).build());
        add(LoanApi.LoanApprovedEvent.class, LOAN_TOPIC, e -> LoanApproved.newBuilder()
                .setLoanId(e.loanId()).setApprovalId(text(e.approvalId())).setOfficerId(text(e.officerId())).build());
        add(LoanApi.LoanRejectedEvent.class, LOAN_TOPIC, e -> LoanRejected.newBuilder()
                .setLoanId(e.loanId()).setApprovalId(text(e.approvalId())).setOfficerId(text(e.officerId()))
                .setReason(text(e.reason())).build());
        add(LoanApi.LoanDisbursedEvent.class, LOAN_TOPIC, e -> LoanDisbursed.newBuilder()
                .setLoanId(e.loanId()).setTransactionId(e.transactionId()).setAccountId(e.accountId())
                .setDisbursementDate(ProtoTime.toProto(e.disbursementDate()))
                .setPrincipal(MoneyMapper.toProto(e.principal())).setFee(MoneyMapper.toProto(e.fee()))
                .addAllSchedule(e.schedule().stream().map(DomainEventCatalogue::scheduled).toList()).build());
        add(LoanApi.LoanInterestAccruedEvent.class, LOAN_TOPIC, e -> LoanInterestAccrued.newBuilder()
                .setLoanId(e.loanId()).setBusinessDate(ProtoTime.toProto(e.businessDate()))
                .addAllAccruals(e.accruals().stream().map(DomainEventCatalogue::accrual).toList()).build());
        add(LoanApi.LoanRepaidEvent.class, LOAN_TOPIC, e -> {
            LoanRepaid.Builder repaid = LoanRepaid.newBuilder()
                    .setLoanId(e.loanId()).setTransactionId(e.transactionId())
                    .setBusinessDate(ProtoTime.toProto(e.businessDate())).setAmount(MoneyMapper.toProto(e.amount()))
                    .setSourceValue(number(RepaymentSource.getDescriptor(), e.source()))
                    .setPenalties(MoneyMapper.toProto(e.allocation().penalties()))
                    .setFees(MoneyMapper.toProto(e.allocation().fees()))
                    .setInterest(MoneyMapper.toProto(e.allocation().interest()))
                    .setPrincipal(MoneyMapper.toProto(e.allocation().principal()))
                    .addAllInstalments(e.lines().stream().map(line -> InstalmentAmount.newBuilder()
                            .setNumber(line.number()).setInterest(MoneyMapper.toProto(line.interest()))
                            .setPrincipal(MoneyMapper.toProto(line.principal())).build()).toList())
                    .addAllRescheduled(e.rescheduled().stream().map(DomainEventCatalogue::scheduled).toList());
            if (e.mode() != null) {
                repaid.setPrepaymentModeValue(number(PrepaymentMode.getDescriptor(), e.mode()));
            }
            return repaid.build();
        });
        add(LoanApi.LoanClosedEvent.class, LOAN_TOPIC, e -> LoanClosed.newBuilder()
                .setLoanId(e.loanId()).setBusinessDate(ProtoTime.toProto(e.businessDate())).build());
        add(LoanApi.LoanDayClosedEvent.class, LOAN_TOPIC, e -> LoanDayClosed.newBuilder()
                .setLoanId(e.loanId()).setBusinessDate(ProtoTime.toProto(e.businessDate()))
                .addAllAccruals(e.accruals().stream().map(DomainEventCatalogue::accrual).toList())
                .setPenalty(MoneyMapper.toProto(e.penalty()))
                .setOverduePrincipal(MoneyMapper.toProto(e.overduePrincipal())).setDaysPastDue(e.daysPastDue())
                .setBucketValue(number(DelinquencyBucket.getDescriptor(), e.bucket()))
                .setPreviousBucketValue(number(DelinquencyBucket.getDescriptor(), e.previousBucket())).build());
        add(LoanApi.LoanWrittenOffEvent.class, LOAN_TOPIC, e -> LoanWrittenOff.newBuilder()
                .setLoanId(e.loanId()).setBusinessDate(ProtoTime.toProto(e.businessDate()))
                .setOfficerId(text(e.officerId())).setReason(text(e.reason()))
                .setPrincipal(MoneyMapper.toProto(e.principal())).setInterest(MoneyMapper.toProto(e.interest()))
                .setPenalties(MoneyMapper.toProto(e.penalties())).setFees(MoneyMapper.toProto(e.fees()))
                .setTotal(MoneyMapper.toProto(e.total())).build());
        add(LoanApi.LoanRecoveryRecordedEvent.class, LOAN_TOPIC, e -> LoanRecoveryRecorded.newBuilder()
                .setLoanId(e.loanId()).setTransactionId(e.transactionId())
                .setBusinessDate(ProtoTime.toProto(e.businessDate())).setAmount(MoneyMapper.toProto(e.amount()))
                .setRecoveredTotal(MoneyMapper.toProto(e.recoveredTotal())).build());
    }

    private static ScheduledInstalment scheduled(LoanApi.ScheduledLine line) {
        return ScheduledInstalment.newBuilder().setNumber(line.number())
                .setDueDate(ProtoTime.toProto(line.dueDate())).setPrincipal(MoneyMapper.toProto(line.principal()))
                .setInterest(MoneyMapper.toProto(line.interest())).build();
    }

    private static InstalmentAmount accrual(LoanApi.LineAmount line) {
        return InstalmentAmount.newBuilder().setNumber(line.number()).setInterest(MoneyMapper.toProto(line.amount()))
                .build();
    }

    private static Counterparty counterparty(org.strongroom.account.api.Counterparty counterparty) {
        return Counterparty.newBuilder()
                .setTypeValue(number(CounterpartyType.getDescriptor(), counterparty.type()))
                .setReference(text(counterparty.reference()))
                .build();
    }

    /**
     * The proto number of a domain enum constant: the proto value named like the constant after the
     * enum's prefix (AccountProduct.CURRENT is ACCOUNT_PRODUCT_CURRENT). A constant without a proto twin
     * is a fault.
     */
    static int number(EnumDescriptor descriptor, Enum<?> value) {
        return number(descriptor, value.name());
    }

    private static int number(EnumDescriptor descriptor, String value) {
        EnumValueDescriptor twin = descriptor.findValueByName(prefix(descriptor) + value);
        if (twin == null) {
            throw new IllegalStateException(descriptor.getFullName() + " has no value for " + value);
        }
        return twin.getNumber();
    }

    static String prefix(EnumDescriptor descriptor) {
        String unspecified = descriptor.getValues().get(0).getName();
        return unspecified.substring(0, unspecified.length() - "UNSPECIFIED".length());
    }

    /** An ErrorReason name as the catalogue's number (the two enums are kept in step by a test). */
    private static int reason(String name) {
        if (name == null) {
            return ErrorReason.ERROR_REASON_UNSPECIFIED_VALUE;
        }
        EnumValueDescriptor twin = ErrorReason.getDescriptor().findValueByName("ERROR_REASON_" + name);
        return twin == null ? ErrorReason.ERROR_REASON_UNSPECIFIED_VALUE : twin.getNumber();
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }
}
