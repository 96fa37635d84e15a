package org.strongroom.gateway.teller;

import org.strongroom.approval.api.ApprovalApi.ApprovalDetails;
import org.strongroom.approval.api.ApprovalApi.ApprovalStatus;
import org.strongroom.gateway.grpc.MoneyMapper;
import org.strongroom.gateway.grpc.ProtoTime;
import org.strongroom.proto.account.v1.PendingApproval;
import org.strongroom.proto.teller.v1.Approval;
import org.strongroom.proto.teller.v1.ApprovalKind;
import org.strongroom.proto.teller.v1.CashCounterpartyType;
import org.strongroom.proto.teller.v1.CashDirection;
import org.strongroom.proto.teller.v1.CashMovement;
import org.strongroom.proto.teller.v1.Till;
import org.strongroom.proto.teller.v1.TillStatus;
import org.strongroom.teller.api.TillApi;
import org.strongroom.teller.api.TillApi.TillDetails;

/** Wire mapping of tills and approvals. */
public final class TellerMapper {

    private TellerMapper() {
    }

    public static Till toProto(TillDetails till) {
        Till.Builder builder = Till.newBuilder()
                .setTillId(till.tillId())
                .setBranchId(till.branchId())
                .setTellerId(till.tellerId())
                .setBusinessDate(ProtoTime.toProto(till.businessDate()))
                .setCurrencyCode(till.currencyCode())
                .setStatus(till.status() == TillApi.TillStatus.OPEN ? TillStatus.TILL_STATUS_OPEN
                        : TillStatus.TILL_STATUS_CLOSED)
                .setCash(MoneyMapper.toProto(till.cash()))
                .setOpeningFloat(MoneyMapper.toProto(till.openingFloat()));
        if (till.counted() != null) {
            builder.setCounted(MoneyMapper.toProto(till.counted())).setVariance(MoneyMapper.toProto(till.variance()));
        }
        for (TillApi.CashMovement movement : till.movements()) {
            builder.addMovements(CashMovement.newBuilder()
                    .setMovementId(movement.movementId())
                    .setDirection(movement.direction() == TillApi.CashDirection.IN ? CashDirection.CASH_DIRECTION_IN
                            : CashDirection.CASH_DIRECTION_OUT)
                    .setAmount(MoneyMapper.toProto(movement.amount()))
                    .setCounterpartyType(toProto(movement.counterpartyType()))
                    .setCounterpartyReference(movement.reference())
                    .setCashAfter(MoneyMapper.toProto(movement.cashAfter()))
                    .setCreateTime(ProtoTime.toProto(movement.createTime())));
        }
        return builder.build();
    }

    static CashCounterpartyType toProto(TillApi.CashCounterpartyType type) {
        return switch (type) {
            case ACCOUNT -> CashCounterpartyType.CASH_COUNTERPARTY_TYPE_ACCOUNT;
            case TILL -> CashCounterpartyType.CASH_COUNTERPARTY_TYPE_TILL;
            case VAULT -> CashCounterpartyType.CASH_COUNTERPARTY_TYPE_VAULT;
        };
    }

    public static Approval toProto(ApprovalDetails approval) {
        Approval.Builder builder = Approval.newBuilder()
                .setApprovalId(approval.approvalId())
                .setKind(switch (approval.operation().kind()) {
                    case CASH_DEPOSIT -> ApprovalKind.APPROVAL_KIND_CASH_DEPOSIT;
                    case CASH_WITHDRAWAL -> ApprovalKind.APPROVAL_KIND_CASH_WITHDRAWAL;
                    case UNFREEZE -> ApprovalKind.APPROVAL_KIND_UNFREEZE;
                    case OVERDRAFT_CHANGE -> ApprovalKind.APPROVAL_KIND_OVERDRAFT_CHANGE;
                    case DEBIT_REVIEW -> ApprovalKind.APPROVAL_KIND_DEBIT_REVIEW;
                    case LOAN_DECISION -> ApprovalKind.APPROVAL_KIND_LOAN_DECISION;
                    case CLEARING_CREDIT -> ApprovalKind.APPROVAL_KIND_CLEARING_CREDIT;
                    case CLEARING_DEBIT -> ApprovalKind.APPROVAL_KIND_CLEARING_DEBIT;
                    case LOAN_WRITE_OFF -> ApprovalKind.APPROVAL_KIND_LOAN_WRITE_OFF;
                })
                .setStatus(toProto(approval.status()))
                .setBranchId(approval.branchId())
                .setAccountId(approval.operation().accountId())
                .setMakerId(approval.makerId())
                .setRequestTime(ProtoTime.toProto(approval.requestTime()))
                .setExpireTime(ProtoTime.toProto(approval.expireTime()));
        if (approval.operation().tillId() != null) {
            builder.setTillId(approval.operation().tillId());
        }
        if (approval.operation().amount() != null) {
            builder.setAmount(MoneyMapper.toProto(approval.operation().amount()));
        }
        if (approval.operation().reason() != null) {
            builder.setReason(approval.operation().reason());
        }
        if (approval.operation().transactionId() != null) {
            builder.setTransactionId(approval.operation().transactionId());
        }
        if (approval.operation().counterpartyReference() != null) {
            builder.setCounterpartyReference(approval.operation().counterpartyReference());
        }
        if (approval.checkerDeskId() != null) {
            builder.setCheckerDeskId(approval.checkerDeskId());
        }
        if (approval.checkerId() != null) {
            builder.setCheckerId(approval.checkerId());
        }
        if (approval.decisionReason() != null) {
            builder.setDecisionReason(approval.decisionReason());
        }
        if (approval.decisionTime() != null) {
            builder.setDecisionTime(ProtoTime.toProto(approval.decisionTime()));
        }
        return builder.build();
    }

    public static org.strongroom.proto.teller.v1.ApprovalStatus toProto(ApprovalStatus status) {
        return switch (status) {
            case PENDING -> org.strongroom.proto.teller.v1.ApprovalStatus.APPROVAL_STATUS_PENDING;
            case APPROVED -> org.strongroom.proto.teller.v1.ApprovalStatus.APPROVAL_STATUS_APPROVED;
            case REJECTED -> org.strongroom.proto.teller.v1.ApprovalStatus.APPROVAL_STATUS_REJECTED;
            case EXPIRED -> org.strongroom.proto.teller.v1.ApprovalStatus.APPROVAL_STATUS_EXPIRED;
        };
    }

    static ApprovalStatus fromProto(org.strongroom.proto.teller.v1.ApprovalStatus status) {
        return switch (status) {
            case APPROVAL_STATUS_PENDING -> ApprovalStatus.PENDING;
            case APPROVAL_STATUS_APPROVED -> ApprovalStatus.APPROVED;
            case APPROVAL_STATUS_REJECTED -> ApprovalStatus.REJECTED;
            case APPROVAL_STATUS_EXPIRED -> ApprovalStatus.EXPIRED;
            case APPROVAL_STATUS_UNSPECIFIED, UNRECOGNIZED -> null;
        };
    }

    public static PendingApproval pending(ApprovalDetails approval) {
        return PendingApproval.newBuilder().setApprovalId(approval.approvalId())
                .setExpireTime(ProtoTime.toProto(approval.expireTime())).build();
    }
}
