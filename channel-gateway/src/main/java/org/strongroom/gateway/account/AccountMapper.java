package org.strongroom.gateway.account;

import org.strongroom.account.api.AccountDetails;
import org.strongroom.account.api.AccountProduct;
import org.strongroom.account.api.CounterpartyType;
import org.strongroom.account.api.FreezeScope;
import org.strongroom.account.api.Hold;
import org.strongroom.gateway.grpc.MoneyMapper;
import org.strongroom.gateway.grpc.ProtoTime;
import org.strongroom.projections.api.AccountQueries.TransactionView;
import org.strongroom.proto.account.v1.Account;
import org.strongroom.proto.account.v1.AccountStatus;
import org.strongroom.proto.account.v1.Counterparty;
import org.strongroom.proto.account.v1.Freeze;
import org.strongroom.proto.account.v1.Transaction;
import org.strongroom.proto.account.v1.TransactionDirection;

/** Maps accounts and postings to the wire contract; generated classes stop here. */
final class AccountMapper {

    private AccountMapper() {
    }

    static Account toProto(AccountDetails details) {
        Account.Builder account = Account.newBuilder()
                .setAccountId(details.accountId())
                .setCustomerId(details.customerId())
                .setProduct(toProto(details.product()))
                .setCurrencyCode(details.balance().currency().getCurrencyCode())
                .setBalance(MoneyMapper.toProto(details.balance()))
                .setAvailable(MoneyMapper.toProto(details.available()))
                .setOverdraftLimit(MoneyMapper.toProto(details.overdraftLimit()))
                .setStatus(switch (details.status()) {
                    case OPEN -> AccountStatus.ACCOUNT_STATUS_OPEN;
                    case CLOSED -> AccountStatus.ACCOUNT_STATUS_CLOSED;
                })
                .setOpeningBusinessDate(ProtoTime.toProto(details.openingBusinessDate()))
                .setCreateTime(ProtoTime.toProto(details.createTime()))
                .setUpdateTime(ProtoTime.toProto(details.updateTime()));
        for (Hold hold : details.holds()) {
            org.strongroom.proto.account.v1.Hold.Builder wire = org.strongroom.proto.account.v1.Hold.newBuilder()
                    .setHoldId(hold.holdId())
                    .setAmount(MoneyMapper.toProto(hold.amount()))
                    .setReason(hold.reason());
            if (hold.expireTime() != null) {
                wire.setExpireTime(ProtoTime.toProto(hold.expireTime()));
            }
            account.addHolds(wire);
        }
        if (details.freezeScope() != null) {
            account.setFreeze(Freeze.newBuilder().setScope(toProto(details.freezeScope()))
                    .setReason(details.freezeReason()));
        }
        return account.build();
    }

    static Transaction toProto(TransactionView view) {
        Transaction.Builder transaction = Transaction.newBuilder()
                .setTransactionId(view.transactionId())
                .setAccountId(view.accountId())
                .setDirection(switch (view.direction()) {
                    case CREDIT -> TransactionDirection.TRANSACTION_DIRECTION_CREDIT;
                    case DEBIT -> TransactionDirection.TRANSACTION_DIRECTION_DEBIT;
                })
                .setAmount(MoneyMapper.toProto(view.amount()))
                .setBalanceAfter(MoneyMapper.toProto(view.balanceAfter()))
                .setCounterparty(Counterparty.newBuilder()
                        .setType(toProto(view.counterparty().type()))
                        .setReference(view.counterparty().reference()))
                .setCreateTime(ProtoTime.toProto(view.createTime()));
        if (view.requestId() != null) {
            transaction.setRequestId(view.requestId());
        }
        if (view.channel() != null) {
            transaction.setChannel(view.channel());
        }
        if (view.businessDate() != null) {
            transaction.setBusinessDate(ProtoTime.toProto(view.businessDate()));
        }
        return transaction.build();
    }

    static org.strongroom.proto.account.v1.AccountProduct toProto(AccountProduct product) {
        return switch (product) {
            case CURRENT -> org.strongroom.proto.account.v1.AccountProduct.ACCOUNT_PRODUCT_CURRENT;
            case SAVINGS -> org.strongroom.proto.account.v1.AccountProduct.ACCOUNT_PRODUCT_SAVINGS;
        };
    }

    static AccountProduct fromProto(org.strongroom.proto.account.v1.AccountProduct product) {
        return switch (product) {
            case ACCOUNT_PRODUCT_CURRENT -> AccountProduct.CURRENT;
            case ACCOUNT_PRODUCT_SAVINGS -> AccountProduct.SAVINGS;
            case ACCOUNT_PRODUCT_UNSPECIFIED, UNRECOGNIZED -> null;
        };
    }

    static org.strongroom.proto.account.v1.FreezeScope toProto(FreezeScope scope) {
        return switch (scope) {
            case DEBITS -> org.strongroom.proto.account.v1.FreezeScope.FREEZE_SCOPE_DEBITS;
            case ALL -> org.strongroom.proto.account.v1.FreezeScope.FREEZE_SCOPE_ALL;
        };
    }

    static FreezeScope fromProto(org.strongroom.proto.account.v1.FreezeScope scope) {
        return switch (scope) {
            case FREEZE_SCOPE_DEBITS -> FreezeScope.DEBITS;
            case FREEZE_SCOPE_ALL -> FreezeScope.ALL;
            case FREEZE_SCOPE_UNSPECIFIED, UNRECOGNIZED -> null;
        };
    }

    static org.strongroom.proto.account.v1.CounterpartyType toProto(CounterpartyType type) {
        return switch (type) {
            case EXTERNAL_CLEARING -> org.strongroom.proto.account.v1.CounterpartyType.COUNTERPARTY_TYPE_EXTERNAL_CLEARING;
            case TILL -> org.strongroom.proto.account.v1.CounterpartyType.COUNTERPARTY_TYPE_TILL;
            case TRANSFER -> org.strongroom.proto.account.v1.CounterpartyType.COUNTERPARTY_TYPE_TRANSFER;
            case LOAN -> org.strongroom.proto.account.v1.CounterpartyType.COUNTERPARTY_TYPE_LOAN;
            case LOAN_RECOVERY -> org.strongroom.proto.account.v1.CounterpartyType.COUNTERPARTY_TYPE_LOAN_RECOVERY;
        };
    }

    static org.strongroom.account.api.Counterparty fromProto(boolean present, Counterparty counterparty) {
        if (!present) {
            return null;
        }
        CounterpartyType type = switch (counterparty.getType()) {
            case COUNTERPARTY_TYPE_EXTERNAL_CLEARING -> CounterpartyType.EXTERNAL_CLEARING;
            case COUNTERPARTY_TYPE_TILL -> CounterpartyType.TILL;
            // Transfers and loans name their counterparty themselves; a client cannot.
            case COUNTERPARTY_TYPE_TRANSFER, COUNTERPARTY_TYPE_LOAN, COUNTERPARTY_TYPE_LOAN_RECOVERY -> null;
            case COUNTERPARTY_TYPE_UNSPECIFIED, UNRECOGNIZED -> null;
        };
        return new org.strongroom.account.api.Counterparty(type, counterparty.getReference());
    }
}
