package org.strongroom.gateway.payment;

import io.grpc.stub.StreamObserver;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.stereotype.Service;
import org.strongroom.account.api.AccountFieldRules;
import org.strongroom.gateway.command.CommandDispatcher;
import org.strongroom.gateway.grpc.Deadlines;
import org.strongroom.gateway.grpc.Ids;
import org.strongroom.gateway.grpc.MoneyMapper;
import org.strongroom.gateway.grpc.PageTokens;
import org.strongroom.gateway.grpc.ProtoTime;
import org.strongroom.gateway.idempotency.IdempotentExecutor;
import org.strongroom.gateway.projection.ProjectionReads;
import org.strongroom.gateway.security.DebitControls;
import org.strongroom.gateway.security.ObjectAccess;
import org.strongroom.gateway.security.PartnerScope;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.Money;
import org.strongroom.kernel.Violations;
import org.strongroom.node.time.BusinessDateService;
import org.strongroom.payment.api.TransferApi.RequestTransferCommand;
import org.strongroom.payment.api.TransferApi.TransferOrder;
import org.strongroom.payment.application.InternalTransfers;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.payment.api.TransferApi.TransferDetails;
import org.strongroom.payment.api.TransferApi.TransferStatus;
import org.strongroom.projections.api.Projections;
import org.strongroom.projections.api.TransferQueries.FindTransferQuery;
import org.strongroom.projections.api.TransferQueries.ListTransfersQuery;
import org.strongroom.projections.api.TransferQueries.TransferPage;
import org.strongroom.projections.api.TransferQueries.TransferView;
import org.strongroom.proto.payment.v1.GetTransferRequest;
import org.strongroom.proto.payment.v1.GetTransferResponse;
import org.strongroom.proto.payment.v1.ListTransfersRequest;
import org.strongroom.proto.payment.v1.ListTransfersResponse;
import org.strongroom.proto.payment.v1.PaymentServiceGrpc;
import org.strongroom.proto.payment.v1.Transfer;
import org.strongroom.proto.payment.v1.TransferFundsRequest;
import org.strongroom.proto.payment.v1.TransferFundsResponse;

/** strongroom.payment.v1.PaymentService: transfers are requested here and carried out by the transfer process. */
@Service
public class PaymentGrpcService extends PaymentServiceGrpc.PaymentServiceImplBase {

    static final int TRANSFERS_PAGE_DEFAULT = 20;
    static final int TRANSFERS_PAGE_MAX = 100;
    /** Time kept back from the caller's deadline to answer with the transfer as it stands. */
    private static final long ANSWER_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
    /** Each look is a database query: often enough for a prompt answer, rarely enough not to load the database. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private static final CommandDispatcher.NotFound ACCOUNT_NOT_FOUND = new CommandDispatcher.NotFound(
            org.strongroom.kernel.ErrorReason.ACCOUNT_NOT_FOUND, "account_id", "no such account");

    private final IdempotentExecutor idempotent;
    private final CommandDispatcher commands;
    private final QueryGateway queries;
    private final ProjectionReads reads;
    private final ObjectAccess access;
    private final DebitControls controls;
    private final BusinessDateService businessDate;
    private final InternalTransfers transfers;
    private final JdbcTemplate jdbc;

    private final org.strongroom.gateway.command.EventStoreProbe eventStore;

    public PaymentGrpcService(IdempotentExecutor idempotent, CommandDispatcher commands, QueryGateway queries,
                              ProjectionReads reads, ObjectAccess access,
                              DebitControls controls, BusinessDateService businessDate, InternalTransfers transfers,
                              JdbcTemplate jdbc, org.strongroom.gateway.command.EventStoreProbe eventStore) {
        this.eventStore = eventStore;
        this.transfers = transfers;
        this.jdbc = jdbc;
        this.idempotent = idempotent;
        this.commands = commands;
        this.queries = queries;
        this.reads = reads;
        this.access = access;
        this.controls = controls;
        this.businessDate = businessDate;
    }

    @Override
    public void transferFunds(TransferFundsRequest request, StreamObserver<TransferFundsResponse> response) {
        String source = Ids.require("source_account_id", request.getSourceAccountId());
        String target = Ids.require("target_account_id", request.getTargetAccountId());
        access.requireAccount(source, PartnerScope.PAYMENTS_INITIATE);
        Violations violations = new Violations();
        Money amount = MoneyMapper.positive("amount", request.hasAmount(), request.getAmount(), violations);
        String reference = AccountFieldRules.checkText("reference", request.getReference(), violations);
        LocalDate executionDate = null;
        if (request.hasExecutionDate()) {
            executionDate = ProtoTime.fromProto(request.getExecutionDate());
            if (executionDate == null) {
                violations.add("execution_date", "must be a calendar date with year, month and day");
            }
        }
        if (source.equals(target)) {
            violations.add("target_account_id", "must be another account than the source");
        }
        violations.throwIfAny();
        // Both accounts must exist before anything is recorded (any account of the bank may receive): one
        // look-up in the event store, outside any transaction.
        java.util.Set<String> existing = eventStore.existing("Account", source, target);
        if (!existing.contains(source)) {
            throw DomainException.notFound(ErrorReason.ACCOUNT_NOT_FOUND, "no such account",
                    Map.of("source_account_id", source));
        }
        if (!existing.contains(target)) {
            throw DomainException.notFound(ErrorReason.ACCOUNT_NOT_FOUND, "no such account",
                    Map.of("target_account_id", target));
        }
        String transferId = UUID.randomUUID().toString();
        LocalDate dated = executionDate;
        // Transfers arriving together share one commit (group commit): the group takes both accounts' locks
        // of every transfer in it up front, in sorted order.
        TransferFundsResponse requested = idempotent.executeGrouped(PaymentServiceGrpc.getTransferFundsMethod()
                .getFullMethodName(), request, TransferFundsResponse.parser(), List.of(source, target), () -> {
                    // The transfer judges the date against the business date, inside the idempotent call: a
                    // retry after close of business gets the first outcome, not a date now in the past.
                    LocalDate today = businessDate.current();
                    TransferDetails transfer = dated == null || dated.equals(today)
                            // Now: debit, credit and the transfer's record in this one transaction.
                            ? transfers.transfer(new TransferOrder(transferId, source, target, amount, reference,
                                    controls.channelLimits(), controls.roleLimits()),
                                    commands.scope(request.getRequestId(), ACCOUNT_NOT_FOUND, jdbc))
                            // Later: recorded SCHEDULED; close of business carries it out on its date.
                            : commands.create(new RequestTransferCommand(transferId, source, target, amount,
                                    reference, controls.channelLimits(), controls.roleLimits(), dated, today),
                                    request.getRequestId());
                    return TransferFundsResponse.newBuilder().setTransfer(toProto(transfer)).build();
                });
        // Decided in its own transaction (COMPLETED, FAILED or SCHEDULED), and the read-your-writes views,
        // the transfer view among them, have it. Only a retry naming a transfer an earlier release left
        // PENDING waits for its process to end it, within the deadline.
        Transfer answer = requested.getTransfer().getStatus() == org.strongroom.proto.payment.v1.TransferStatus
                .TRANSFER_STATUS_PENDING
                ? awaitEnd(requested.getTransfer().getTransferId(), requested.getTransfer())
                : requested.getTransfer();
        reply(response, TransferFundsResponse.newBuilder().setTransfer(answer).build());
    }

    private Transfer awaitEnd(String transferId, Transfer asRequested) {
        while (Deadlines.remainingNanos() > ANSWER_MARGIN_NANOS) {
            Optional<TransferView> view = find(transferId);
            // The process's last step wrote the transfer and account views in its own transaction.
            if (view.isPresent() && view.get().transfer().status() != TransferStatus.PENDING) {
                return toProto(view.get().transfer());
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        return find(transferId).map(view -> toProto(view.transfer())).orElse(asRequested);
    }

    @Override
    public void getTransfer(GetTransferRequest request, StreamObserver<GetTransferResponse> response) {
        String transferId = Ids.require("transfer_id", request.getTransferId());
        TransferDetails transfer = find(transferId).map(TransferView::transfer)
                .filter(this::visible)
                .orElseThrow(() -> DomainException.notFound(ErrorReason.TRANSFER_NOT_FOUND, "no such transfer",
                        Map.of("transfer_id", transferId)));
        reply(response, GetTransferResponse.newBuilder().setTransfer(toProto(transfer)).build());
    }

    @Override
    public void listTransfers(ListTransfersRequest request, StreamObserver<ListTransfersResponse> response) {
        String accountId = Ids.require("account_id", request.getAccountId());
        access.requireAccount(accountId, PartnerScope.TRANSACTIONS_READ);
        access.findAccount(accountId).orElseThrow(() -> ObjectAccess.accountNotFound(accountId));
        int pageSize = PageTokens.pageSize(request.getPageSize(), TRANSFERS_PAGE_DEFAULT, TRANSFERS_PAGE_MAX);
        String list = "transfers:" + accountId;
        long before = PageTokens.decodePosition(list, request.getPageToken(), Long.MAX_VALUE);
        reads.requireServing(Projections.TRANSFER_VIEW);
        TransferPage page = queries.query(new ListTransfersQuery(accountId, before, pageSize), TransferPage.class)
                .join();
        ListTransfersResponse.Builder answer = ListTransfersResponse.newBuilder();
        page.transfers().forEach(transfer -> answer.addTransfers(toProto(transfer)));
        if (page.more()) {
            answer.setNextPageToken(PageTokens.encode(list, Long.toString(page.lastPosition())));
        }
        reply(response, answer.build());
    }

    /** A transfer is visible to whoever may read its source's or its target's transactions. */
    private boolean visible(TransferDetails transfer) {
        for (String accountId : new String[] {transfer.sourceAccountId(), transfer.targetAccountId()}) {
            try {
                access.requireAccount(accountId, PartnerScope.TRANSACTIONS_READ);
                return true;
            } catch (DomainException refused) {
                // try the other side
            }
        }
        return false;
    }

    private Optional<TransferView> find(String transferId) {
        reads.requireServing(Projections.TRANSFER_VIEW);
        return queries.query(new FindTransferQuery(transferId), ResponseTypes.optionalInstanceOf(TransferView.class))
                .join();
    }

    static Transfer toProto(TransferDetails transfer) {
        Transfer.Builder builder = Transfer.newBuilder()
                .setTransferId(transfer.transferId())
                .setSourceAccountId(transfer.sourceAccountId())
                .setTargetAccountId(transfer.targetAccountId())
                .setAmount(MoneyMapper.toProto(transfer.amount()))
                .setReference(transfer.reference())
                .setStatus(switch (transfer.status()) {
                    case PENDING -> org.strongroom.proto.payment.v1.TransferStatus.TRANSFER_STATUS_PENDING;
                    case COMPLETED -> org.strongroom.proto.payment.v1.TransferStatus.TRANSFER_STATUS_COMPLETED;
                    case FAILED -> org.strongroom.proto.payment.v1.TransferStatus.TRANSFER_STATUS_FAILED;
                    case SCHEDULED -> org.strongroom.proto.payment.v1.TransferStatus.TRANSFER_STATUS_SCHEDULED;
                })
                .setRequestTime(ProtoTime.toProto(transfer.requestTime()))
                .setUpdateTime(ProtoTime.toProto(transfer.updateTime()));
        if (transfer.failureReason() != null) {
            builder.setFailureReason(transfer.failureReason());
        }
        if (transfer.failureMessage() != null) {
            builder.setFailureMessage(transfer.failureMessage());
        }
        if (transfer.executionDate() != null) {
            builder.setExecutionDate(ProtoTime.toProto(transfer.executionDate()));
        }
        return builder.build();
    }

    private static <R> void reply(StreamObserver<R> response, R answer) {
        response.onNext(answer);
        response.onCompleted();
    }
}
