package org.strongroom.gateway.teller;

import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.strongroom.gateway.command.EventStoreProbe;
import org.springframework.stereotype.Service;
import org.strongroom.account.api.AccountFieldRules;
import org.strongroom.approval.api.ApprovalApi.ApprovalDetails;
import org.strongroom.gateway.command.CommandDispatcher;
import org.strongroom.gateway.grpc.CallerContext;
import org.strongroom.gateway.grpc.Ids;
import org.strongroom.gateway.grpc.MoneyMapper;
import org.strongroom.gateway.grpc.PageTokens;
import org.strongroom.gateway.idempotency.IdempotentExecutor;
import org.strongroom.gateway.projection.ProjectionReads;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.Money;
import org.strongroom.kernel.Role;
import org.strongroom.kernel.Violations;
import org.strongroom.node.time.BusinessDateService;
import org.strongroom.projections.api.ApprovalQueries.ApprovalPage;
import org.strongroom.projections.api.ApprovalQueries.FindApprovalQuery;
import org.strongroom.projections.api.ApprovalQueries.ListApprovalsQuery;
import org.strongroom.projections.api.Projections;
import org.strongroom.proto.teller.v1.CashCounterpartyType;
import org.strongroom.proto.teller.v1.CloseTillRequest;
import org.strongroom.proto.teller.v1.CloseTillResponse;
import org.strongroom.proto.teller.v1.GetApprovalRequest;
import org.strongroom.proto.teller.v1.GetApprovalResponse;
import org.strongroom.proto.teller.v1.GetTillRequest;
import org.strongroom.proto.teller.v1.GetTillResponse;
import org.strongroom.proto.teller.v1.GrantApprovalRequest;
import org.strongroom.proto.teller.v1.GrantApprovalResponse;
import org.strongroom.proto.teller.v1.ListApprovalsRequest;
import org.strongroom.proto.teller.v1.ListApprovalsResponse;
import org.strongroom.proto.teller.v1.OpenTillRequest;
import org.strongroom.proto.teller.v1.OpenTillResponse;
import org.strongroom.proto.teller.v1.RejectApprovalRequest;
import org.strongroom.proto.teller.v1.RejectApprovalResponse;
import org.strongroom.proto.teller.v1.TellerServiceGrpc;
import org.strongroom.proto.teller.v1.TransferCashRequest;
import org.strongroom.proto.teller.v1.TransferCashResponse;
import org.strongroom.teller.api.TillApi.CashDirection;
import org.strongroom.teller.api.TillApi.CloseTillCommand;
import org.strongroom.teller.api.TillApi.InspectTillCommand;
import org.strongroom.teller.api.TillApi.MoveTillCashCommand;
import org.strongroom.teller.api.TillApi.OpenTillCommand;
import org.strongroom.teller.api.TillApi.TillDetails;

/** strongroom.teller.v1.TellerService: tills and maker-checker approvals; the aggregates decide. */
@Service
public class TellerGrpcService extends TellerServiceGrpc.TellerServiceImplBase {

    static final int APPROVALS_PAGE_DEFAULT = 20;
    static final int APPROVALS_PAGE_MAX = 100;

    private final IdempotentExecutor idempotent;
    private final CommandDispatcher commands;
    private final QueryGateway queries;
    private final ProjectionReads reads;
    private final BusinessDateService businessDate;
    private final ApprovalDesk approvals;
    private final EventStoreProbe eventStore;

    public TellerGrpcService(IdempotentExecutor idempotent, CommandDispatcher commands, QueryGateway queries,
                             ProjectionReads reads, BusinessDateService businessDate, ApprovalDesk approvals,
                             EventStoreProbe eventStore) {
        this.idempotent = idempotent;
        this.commands = commands;
        this.queries = queries;
        this.reads = reads;
        this.businessDate = businessDate;
        this.approvals = approvals;
        this.eventStore = eventStore;
    }

    @Override
    public void openTill(OpenTillRequest request, StreamObserver<OpenTillResponse> response) {
        CallerContext caller = CallerContext.current();
        Violations violations = new Violations();
        Money opening = MoneyMapper.fromProto("opening_float", request.hasOpeningFloat(), request.getOpeningFloat(),
                violations);
        if (opening != null && opening.isNegative()) {
            violations.add("opening_float", "must not be negative");
        }
        violations.throwIfAny();
        var date = businessDate.current();
        String tillId = CashDesk.tillId(caller.branchId(), caller.principalId(), date);
        reply(response, idempotent.execute(TellerServiceGrpc.getOpenTillMethod().getFullMethodName(), request,
                OpenTillResponse.parser(), tillId, () -> {
                    // Under the till's lock: no concurrent open can slip between this check and the create.
                    if (eventStore.exists(tillId, "Till")) {
                        throw DomainException.alreadyExists(ErrorReason.TILL_ALREADY_OPEN,
                                "the teller already opened a till at this branch today",
                                Map.of("till_id", tillId, "business_date", date.toString()));
                    }
                    TillDetails till = commands.create(new OpenTillCommand(tillId, caller.branchId(),
                            caller.principalId(), date, opening), request.getRequestId());
                    return OpenTillResponse.newBuilder().setTill(TellerMapper.toProto(till)).build();
                }));
    }

    @Override
    public void getTill(GetTillRequest request, StreamObserver<GetTillResponse> response) {
        String tillId = Ids.require("till_id", request.getTillId());
        CallerContext caller = CallerContext.current();
        // Staff see their own branch's tills; auditors every till.
        String branch = caller.role() == Role.AUDITOR ? null : caller.branchId();
        TillDetails till = commands.send(new InspectTillCommand(tillId, caller.principalId(), branch, false),
                UUID.randomUUID().toString(), CashDesk.TILL_NOT_FOUND);
        reply(response, GetTillResponse.newBuilder().setTill(TellerMapper.toProto(till)).build());
    }

    @Override
    public void transferCash(TransferCashRequest request, StreamObserver<TransferCashResponse> response) {
        String tillId = Ids.require("till_id", request.getTillId());
        Violations violations = new Violations();
        Money amount = MoneyMapper.positive("amount", request.hasAmount(), request.getAmount(), violations);
        CashDirection direction = switch (request.getDirection()) {
            case CASH_DIRECTION_IN -> CashDirection.IN;
            case CASH_DIRECTION_OUT -> CashDirection.OUT;
            default -> {
                violations.add("direction", "is required: IN or OUT");
                yield null;
            }
        };
        boolean toTill = request.getCounterpartyType() == CashCounterpartyType.CASH_COUNTERPARTY_TYPE_TILL;
        if (!toTill && request.getCounterpartyType() != CashCounterpartyType.CASH_COUNTERPARTY_TYPE_VAULT) {
            violations.add("counterparty_type", "is required: VAULT or TILL");
        }
        String otherTill = null;
        if (toTill) {
            otherTill = request.getCounterpartyTillId();
            if (otherTill.isEmpty()) {
                violations.add("counterparty_till_id", "is required for a transfer between tills");
            } else if (otherTill.equals(tillId)) {
                violations.add("counterparty_till_id", "must be another till");
            } else {
                try {
                    Ids.require("counterparty_till_id", otherTill);
                } catch (DomainException e) {
                    violations.add("counterparty_till_id", "must be an id as returned by the bank (lower-case UUID)");
                }
            }
        }
        violations.throwIfAny();
        String other = otherTill;
        reply(response, idempotent.execute(TellerServiceGrpc.getTransferCashMethod().getFullMethodName(), request,
                TransferCashResponse.parser(), tillId, () -> {
                    CallerContext caller = CallerContext.current();
                    String movementId = UUID.randomUUID().toString();
                    var counterpartyType = toTill ? org.strongroom.teller.api.TillApi.CashCounterpartyType.TILL
                            : org.strongroom.teller.api.TillApi.CashCounterpartyType.VAULT;
                    TillDetails till = commands.send(new MoveTillCashCommand(tillId, movementId, direction, amount,
                                    counterpartyType, toTill ? other : caller.branchId(), caller.principalId(), true),
                            request.getRequestId(), CashDesk.TILL_NOT_FOUND);
                    if (toTill) {
                        // The other till must be of this branch; it receives (or gives) the same cash.
                        commands.send(new InspectTillCommand(other, caller.principalId(), caller.branchId(), false),
                                request.getRequestId(), CashDesk.TILL_NOT_FOUND);
                        commands.send(new MoveTillCashCommand(other, movementId,
                                        direction == CashDirection.IN ? CashDirection.OUT : CashDirection.IN, amount,
                                        org.strongroom.teller.api.TillApi.CashCounterpartyType.TILL, tillId,
                                        caller.principalId(), false),
                                request.getRequestId(), CashDesk.TILL_NOT_FOUND);
                    }
                    return TransferCashResponse.newBuilder().setTill(TellerMapper.toProto(till)).build();
                }));
    }

    @Override
    public void closeTill(CloseTillRequest request, StreamObserver<CloseTillResponse> response) {
        String tillId = Ids.require("till_id", request.getTillId());
        Violations violations = new Violations();
        Money counted = MoneyMapper.fromProto("counted", request.hasCounted(), request.getCounted(), violations);
        if (counted != null && counted.isNegative()) {
            violations.add("counted", "must not be negative");
        }
        violations.throwIfAny();
        reply(response, idempotent.execute(TellerServiceGrpc.getCloseTillMethod().getFullMethodName(), request,
                CloseTillResponse.parser(), tillId, () -> {
                    TillDetails till = commands.send(new CloseTillCommand(tillId,
                            CallerContext.current().principalId(), counted), request.getRequestId(),
                            CashDesk.TILL_NOT_FOUND);
                    return CloseTillResponse.newBuilder().setTill(TellerMapper.toProto(till)).build();
                }));
    }

    @Override
    public void listApprovals(ListApprovalsRequest request, StreamObserver<ListApprovalsResponse> response) {
        int pageSize = PageTokens.pageSize(request.getPageSize(), APPROVALS_PAGE_DEFAULT, APPROVALS_PAGE_MAX);
        String branch = visibleBranch();
        String list = "approvals:" + branch + ":" + request.getStatus();
        long before = PageTokens.decodePosition(list, request.getPageToken(), Long.MAX_VALUE);
        reads.requireServing(Projections.APPROVAL_VIEW);
        ApprovalPage page = queries.query(new ListApprovalsQuery(branch, TellerMapper.fromProto(request.getStatus()),
                before, pageSize), ApprovalPage.class).join();
        ListApprovalsResponse.Builder answer = ListApprovalsResponse.newBuilder();
        page.approvals().forEach(approval -> answer.addApprovals(TellerMapper.toProto(approval)));
        if (page.more()) {
            answer.setNextPageToken(PageTokens.encode(list, Long.toString(page.lastPosition())));
        }
        reply(response, answer.build());
    }

    @Override
    public void getApproval(GetApprovalRequest request, StreamObserver<GetApprovalResponse> response) {
        String approvalId = Ids.require("approval_id", request.getApprovalId());
        reply(response, GetApprovalResponse.newBuilder().setApproval(TellerMapper.toProto(findApproval(approvalId)))
                .build());
    }

    @Override
    public void grantApproval(GrantApprovalRequest request, StreamObserver<GrantApprovalResponse> response) {
        String approvalId = Ids.require("approval_id", request.getApprovalId());
        findApproval(approvalId);
        reply(response, idempotent.execute(TellerServiceGrpc.getGrantApprovalMethod().getFullMethodName(), request,
                GrantApprovalResponse.parser(), approvalId, () -> {
                    ApprovalDesk.Granted granted = approvals.grant(approvalId, request.getRequestId());
                    return GrantApprovalResponse.newBuilder()
                            .setApproval(TellerMapper.toProto(granted.approval()))
                            .setTransactionId(granted.transactionId()).build();
                }));
    }

    @Override
    public void rejectApproval(RejectApprovalRequest request, StreamObserver<RejectApprovalResponse> response) {
        String approvalId = Ids.require("approval_id", request.getApprovalId());
        AccountFieldRules.checkText("reason", request.getReason());
        findApproval(approvalId);
        reply(response, idempotent.execute(TellerServiceGrpc.getRejectApprovalMethod().getFullMethodName(), request,
                RejectApprovalResponse.parser(), approvalId, () -> {
                    ApprovalDetails rejected = approvals.reject(approvalId, request.getReason(),
                            request.getRequestId());
                    return RejectApprovalResponse.newBuilder()
                            .setApproval(TellerMapper.toProto(rejected)).build();
                }));
    }

    /** Staff see their branch's approvals; auditors every branch's. */
    private static String visibleBranch() {
        CallerContext caller = CallerContext.current();
        return caller.role() == Role.AUDITOR ? null : caller.branchId();
    }

    private ApprovalDetails findApproval(String approvalId) {
        reads.requireServing(Projections.APPROVAL_VIEW);
        Optional<ApprovalDetails> approval = queries.query(new FindApprovalQuery(approvalId),
                ResponseTypes.optionalInstanceOf(ApprovalDetails.class)).join();
        String branch = visibleBranch();
        return approval.filter(found -> branch == null || found.decidedAt(branch))
                .orElseThrow(() -> DomainException.notFound(ErrorReason.APPROVAL_NOT_FOUND, "no such approval",
                        Map.of("approval_id", approvalId)));
    }

    private static <R> void reply(StreamObserver<R> response, R answer) {
        response.onNext(answer);
        response.onCompleted();
    }
}
