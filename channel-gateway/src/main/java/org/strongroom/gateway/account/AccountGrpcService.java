package org.strongroom.gateway.account;

import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.stereotype.Service;
import org.strongroom.account.api.AccountCommands.CloseAccountCommand;
import org.strongroom.account.api.AccountCommands.DepositFundsCommand;
import org.strongroom.account.api.AccountCommands.FreezeAccountCommand;
import org.strongroom.account.api.AccountCommands.OpenAccountCommand;
import org.strongroom.account.api.AccountCommands.PlaceHoldCommand;
import org.strongroom.account.api.AccountCommands.ReleaseHoldCommand;
import org.strongroom.account.api.AccountCommands.WithdrawFundsCommand;
import org.strongroom.account.api.AccountDetails;
import org.strongroom.account.api.AccountFieldRules;
import org.strongroom.account.api.Counterparty;
import org.strongroom.account.api.DebitLimits;
import org.strongroom.customer.api.CustomerDetails;
import org.strongroom.gateway.command.CommandDispatcher;
import org.strongroom.gateway.grpc.Ids;
import org.strongroom.gateway.grpc.MoneyMapper;
import org.strongroom.gateway.grpc.PageTokens;
import org.strongroom.gateway.grpc.ProtoTime;
import org.strongroom.gateway.idempotency.IdempotentExecutor;
import org.strongroom.gateway.projection.ProjectionReads;
import org.strongroom.gateway.security.DebitControls;
import org.strongroom.gateway.security.ObjectAccess;
import org.strongroom.gateway.teller.ApprovalDesk;
import org.strongroom.gateway.teller.CashDesk;
import org.strongroom.gateway.teller.TellerMapper;
import org.strongroom.approval.api.ApprovalApi.ApprovalDetails;
import org.strongroom.approval.api.ApprovalApi.ApprovalKind;
import org.strongroom.approval.api.ApprovalApi.ApprovalOperation;
import org.strongroom.account.api.CounterpartyType;
import org.strongroom.teller.api.TillApi.CashDirection;
import org.strongroom.proto.account.v1.ChangeOverdraftLimitRequest;
import org.strongroom.proto.account.v1.ChangeOverdraftLimitResponse;
import org.strongroom.proto.account.v1.PendingApproval;
import org.strongroom.gateway.security.PartnerScope;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.Money;
import org.strongroom.kernel.Role;
import org.strongroom.gateway.grpc.CallerContext;
import org.strongroom.kernel.Violations;
import org.strongroom.projections.api.AccountQueries.AccountPage;
import org.strongroom.projections.api.AccountQueries.ListAccountsQuery;
import org.strongroom.projections.api.AccountQueries.ListTransactionsQuery;
import org.strongroom.projections.api.AccountQueries.TransactionPage;
import org.strongroom.projections.api.FindCustomerQuery;
import org.strongroom.node.NodeProperties;
import org.strongroom.projections.api.Projections;
import org.strongroom.proto.account.v1.AccountServiceGrpc;
import org.strongroom.proto.account.v1.CloseAccountRequest;
import org.strongroom.proto.account.v1.CloseAccountResponse;
import org.strongroom.proto.account.v1.DepositFundsRequest;
import org.strongroom.proto.account.v1.DepositFundsResponse;
import org.strongroom.proto.account.v1.FreezeAccountRequest;
import org.strongroom.proto.account.v1.FreezeAccountResponse;
import org.strongroom.proto.account.v1.GetAccountRequest;
import org.strongroom.proto.account.v1.GetAccountResponse;
import org.strongroom.proto.account.v1.ListAccountsRequest;
import org.strongroom.proto.account.v1.ListAccountsResponse;
import org.strongroom.proto.account.v1.ListTransactionsRequest;
import org.strongroom.proto.account.v1.ListTransactionsResponse;
import org.strongroom.proto.account.v1.OpenAccountRequest;
import org.strongroom.proto.account.v1.OpenAccountResponse;
import org.strongroom.proto.account.v1.PlaceHoldRequest;
import org.strongroom.proto.account.v1.PlaceHoldResponse;
import org.strongroom.proto.account.v1.ReleaseHoldRequest;
import org.strongroom.proto.account.v1.ReleaseHoldResponse;
import org.strongroom.proto.account.v1.UnfreezeAccountRequest;
import org.strongroom.proto.account.v1.UnfreezeAccountResponse;
import org.strongroom.proto.account.v1.WithdrawFundsRequest;
import org.strongroom.proto.account.v1.WithdrawFundsResponse;

/** strongroom.account.v1.AccountService: wire mapping; the Account aggregate decides. */
@Service
public class AccountGrpcService extends AccountServiceGrpc.AccountServiceImplBase {

    static final int ACCOUNTS_PAGE_DEFAULT = 20;
    static final int ACCOUNTS_PAGE_MAX = 100;
    static final int TRANSACTIONS_PAGE_DEFAULT = 50;
    static final int TRANSACTIONS_PAGE_MAX = 200;
    /** Holds longer than this are a mistake in the caller's clock or units. */
    static final Duration MAX_HOLD_DURATION = Duration.ofDays(400);

    private static final CommandDispatcher.NotFound ACCOUNT_NOT_FOUND = new CommandDispatcher.NotFound(
            ErrorReason.ACCOUNT_NOT_FOUND, "account_id", "no such account");

    private final IdempotentExecutor idempotent;
    private final CommandDispatcher commands;
    private final QueryGateway queries;
    private final ProjectionReads reads;
    private final Clock clock;
    private final NodeProperties properties;
    private final ObjectAccess access;
    private final CashDesk cash;
    private final ApprovalDesk approvals;
    private final DebitControls controls;
    private final ClearingDesk clearing;

    public AccountGrpcService(IdempotentExecutor idempotent, CommandDispatcher commands, QueryGateway queries,
                              ProjectionReads reads, Clock clock, NodeProperties properties, ObjectAccess access,
                              CashDesk cash, ApprovalDesk approvals, DebitControls controls, ClearingDesk clearing) {
        this.controls = controls;
        this.clearing = clearing;
        this.access = access;
        this.cash = cash;
        this.approvals = approvals;
        this.idempotent = idempotent;
        this.commands = commands;
        this.queries = queries;
        this.reads = reads;
        this.clock = clock;
        this.properties = properties;
    }

    @Override
    public void openAccount(OpenAccountRequest request, StreamObserver<OpenAccountResponse> response) {
        String customerId = Ids.require("customer_id", request.getCustomerId());
        access.requireCustomer(customerId);
        reply(response, idempotent.execute(AccountServiceGrpc.getOpenAccountMethod().getFullMethodName(), request,
                OpenAccountResponse.parser(), () -> {
                    Violations violations = new Violations();
                    AccountFieldRules.checkCurrency(request.getCurrencyCode(), violations);
                    if (AccountMapper.fromProto(request.getProduct()) == null) {
                        violations.add("product", "is required");
                    }
                    Money overdraft = request.hasOverdraftLimit()
                            ? MoneyMapper.fromProto("overdraft_limit", true, request.getOverdraftLimit(), violations)
                            : null;
                    if (overdraft != null) {
                        AccountFieldRules.checkOverdraft(overdraft, AccountMapper.fromProto(request.getProduct()),
                                AccountFieldRules.CURRENCIES.contains(request.getCurrencyCode())
                                        ? java.util.Currency.getInstance(request.getCurrencyCode()) : null,
                                violations);
                    }
                    violations.throwIfAny();
                    boolean creditAsked = overdraft != null && overdraft.isPositive();
                    if (creditAsked && !isBranchStaff(CallerContext.current().role())) {
                        // Nobody grants itself credit: only branch staff may ask, and a supervisor decides.
                        throw DomainException.forbidden(ErrorReason.CREDIT_NOT_PERMITTED,
                                "an overdraft is asked for by branch staff and granted by a supervisor",
                                Map.of("role", CallerContext.current().role().name()));
                    }
                    reads.requireServing(Projections.CUSTOMER_VIEW);
                    CustomerDetails customer = queries.query(new FindCustomerQuery(customerId),
                                    ResponseTypes.optionalInstanceOf(CustomerDetails.class)).join()
                            .orElseThrow(() -> DomainException.notFound(ErrorReason.CUSTOMER_NOT_FOUND,
                                    "no such customer", Map.of("customer_id", customerId)));
                    String accountId = UUID.randomUUID().toString();
                    // Every account opens without credit; an overdraft asked for waits for a supervisor.
                    AccountDetails account = commands.create(new OpenAccountCommand(accountId, customerId,
                            customer.dateOfBirth(), AccountMapper.fromProto(request.getProduct()),
                            request.getCurrencyCode(), null), request.getRequestId());
                    OpenAccountResponse.Builder answer = OpenAccountResponse.newBuilder()
                            .setAccount(AccountMapper.toProto(account));
                    if (creditAsked) {
                        ApprovalDetails approval = approvals.request(new ApprovalOperation(
                                ApprovalKind.OVERDRAFT_CHANGE, accountId, null, overdraft,
                                "overdraft asked for at opening"), request.getRequestId());
                        answer.setPendingApproval(TellerMapper.pending(approval));
                    }
                    return answer.build();
                }));
    }

    private static boolean isBranchStaff(Role role) {
        return role == Role.TELLER || role == Role.SUPERVISOR;
    }

    @Override
    public void getAccount(GetAccountRequest request, StreamObserver<GetAccountResponse> response) {
        String accountId = Ids.require("account_id", request.getAccountId());
        access.requireAccount(accountId, PartnerScope.BALANCES_READ);
        AccountDetails account = findAccount(accountId);
        reply(response, GetAccountResponse.newBuilder().setAccount(AccountMapper.toProto(account)).build());
    }

    @Override
    public void listAccounts(ListAccountsRequest request, StreamObserver<ListAccountsResponse> response) {
        String customerId = Ids.require("customer_id", request.getCustomerId());
        int pageSize = PageTokens.pageSize(request.getPageSize(), ACCOUNTS_PAGE_DEFAULT, ACCOUNTS_PAGE_MAX);
        String list = "accounts:" + customerId;
        long after = PageTokens.decodePosition(list, request.getPageToken(), -1);
        java.util.Set<String> visible = access.visibleAccounts(PartnerScope.BALANCES_READ);
        if (visible == null) {
            access.requireCustomer(customerId);
        }
        reads.requireServing(Projections.CUSTOMER_VIEW, Projections.ACCOUNT_VIEW);
        boolean known = queries.query(new FindCustomerQuery(customerId),
                ResponseTypes.optionalInstanceOf(CustomerDetails.class)).join().isPresent();
        if (!known) {
            throw ObjectAccess.customerNotFound(customerId);
        }
        AccountPage page = queries.query(new ListAccountsQuery(customerId, after, pageSize, visible),
                AccountPage.class).join();
        if (visible != null && after < 0 && page.accounts().isEmpty()) {
            // A partner learns of a customer only through the accounts its consent grants.
            throw ObjectAccess.customerNotFound(customerId);
        }
        ListAccountsResponse.Builder answer = ListAccountsResponse.newBuilder();
        page.accounts().forEach(account -> answer.addAccounts(AccountMapper.toProto(account)));
        if (page.more()) {
            answer.setNextPageToken(PageTokens.encode(list, Long.toString(page.lastPosition())));
        }
        reply(response, answer.build());
    }

    @Override
    public void depositFunds(DepositFundsRequest request, StreamObserver<DepositFundsResponse> response) {
        String accountId = Ids.require("account_id", request.getAccountId());
        access.requireAccount(accountId, null);
        reply(response, mutate(AccountServiceGrpc.getDepositFundsMethod().getFullMethodName(), request,
                DepositFundsResponse.parser(), accountId, () -> {
                    Posting posting = posting(request.hasAmount(), request.getAmount(), request.hasCounterparty(),
                            request.getCounterparty());
                    if (posting.isCash()) {
                        CashOutcome outcome = cash(CashDirection.IN, accountId, posting, DebitLimits.NONE,
                                request.getRequestId());
                        DepositFundsResponse.Builder answer = DepositFundsResponse.newBuilder()
                                .setAccount(AccountMapper.toProto(outcome.account()));
                        outcome.pending().ifPresentOrElse(answer::setPendingApproval,
                                () -> answer.setTransactionId(outcome.transactionId()));
                        return answer.build();
                    }
                    if (clearing.needsApproval(posting.amount(), true)) {
                        Adjustment pending = adjustment(ApprovalKind.CLEARING_CREDIT, accountId, posting,
                                request.getRequestId());
                        return DepositFundsResponse.newBuilder().setAccount(AccountMapper.toProto(pending.account()))
                                .setPendingApproval(pending.approval()).build();
                    }
                    AccountDetails account = sendToAccount(new DepositFundsCommand(accountId, posting.transactionId(),
                            posting.amount(), posting.counterparty()), request.getRequestId(), ACCOUNT_NOT_FOUND);
                    return DepositFundsResponse.newBuilder().setAccount(AccountMapper.toProto(account))
                            .setTransactionId(posting.transactionId()).build();
                }));
    }

    @Override
    public void withdrawFunds(WithdrawFundsRequest request, StreamObserver<WithdrawFundsResponse> response) {
        String accountId = Ids.require("account_id", request.getAccountId());
        access.requireAccount(accountId, PartnerScope.PAYMENTS_INITIATE);
        reply(response, mutate(AccountServiceGrpc.getWithdrawFundsMethod().getFullMethodName(), request,
                WithdrawFundsResponse.parser(), accountId, () -> {
                    Posting posting = posting(request.hasAmount(), request.getAmount(), request.hasCounterparty(),
                            request.getCounterparty());
                    if (posting.isCash()) {
                        CashOutcome outcome = cash(CashDirection.OUT, accountId, posting, controls.channelLimits(),
                                request.getRequestId());
                        WithdrawFundsResponse.Builder answer = WithdrawFundsResponse.newBuilder()
                                .setAccount(AccountMapper.toProto(outcome.account()));
                        outcome.pending().ifPresentOrElse(answer::setPendingApproval,
                                () -> answer.setTransactionId(outcome.transactionId()));
                        return answer.build();
                    }
                    if (clearing.needsApproval(posting.amount(), false)) {
                        Adjustment pending = adjustment(ApprovalKind.CLEARING_DEBIT, accountId, posting,
                                request.getRequestId());
                        return WithdrawFundsResponse.newBuilder().setAccount(AccountMapper.toProto(pending.account()))
                                .setPendingApproval(pending.approval()).build();
                    }
                    java.time.Instant reviewUntil = approvals.expiry();
                    AccountDetails account = sendToAccount(new WithdrawFundsCommand(accountId, posting.transactionId(),
                            posting.amount(), posting.counterparty(), controls.channelLimits(), controls.roleLimits(),
                            controls.velocity(reviewUntil)), request.getRequestId(), ACCOUNT_NOT_FOUND);
                    Optional<org.strongroom.account.api.Hold> review = account.holds().stream()
                            .filter(hold -> hold.holdId().equals(posting.transactionId())).findFirst();
                    if (review.isPresent()) {
                        // The velocity rule held the debit (hold id = transaction id): file it for review.
                        ApprovalDetails approval = approvals.request(new ApprovalOperation(ApprovalKind.DEBIT_REVIEW,
                                        accountId, null, posting.amount(), review.get().reason(),
                                        posting.transactionId()), properties.getApprovals().getReviewBranch(),
                                reviewUntil, request.getRequestId());
                        return WithdrawFundsResponse.newBuilder().setAccount(AccountMapper.toProto(account))
                                .setPendingApproval(TellerMapper.pending(approval)).build();
                    }
                    return WithdrawFundsResponse.newBuilder().setAccount(AccountMapper.toProto(account))
                            .setTransactionId(posting.transactionId()).build();
                }));
    }

    /** A deposit's or withdrawal's checked input, with every bad field reported at once. */
    private record Posting(String transactionId, Money amount, Counterparty counterparty) {

        boolean isCash() {
            return counterparty.type() == CounterpartyType.TILL;
        }
    }

    /** A manual clearing adjustment filed for a supervisor: the account as it stands, and the request. */
    private record Adjustment(AccountDetails account, PendingApproval approval) {
    }

    /**
     * Files branch staff's clearing entry above the threshold for a supervisor of the branch. The account
     * must be able to take it now (open, same currency); the grant decides funds and freezes.
     */
    private Adjustment adjustment(ApprovalKind kind, String accountId, Posting posting, String requestId) {
        AccountDetails account = findAccount(accountId);
        requireOpenIn(account, posting.amount());
        ApprovalDetails approval = approvals.request(new ApprovalOperation(kind, accountId, null, posting.amount(),
                "manual clearing adjustment", null, posting.counterparty().reference()), requestId);
        return new Adjustment(account, TellerMapper.pending(approval));
    }

    /** Refuses a request that the account could not take: closed, or another currency. */
    private static void requireOpenIn(AccountDetails account, Money amount) {
        if (!amount.currency().equals(account.balance().currency())) {
            throw DomainException.rule(ErrorReason.CURRENCY_MISMATCH,
                    "the amount is in " + amount.currency() + " but the account holds "
                            + account.balance().currency(),
                    Map.of("account_id", account.accountId(),
                            "account_currency_code", account.balance().currency().getCurrencyCode(),
                            "amount_currency_code", amount.currency().getCurrencyCode()));
        }
        if (account.status() == org.strongroom.account.api.AccountStatus.CLOSED) {
            throw DomainException.rule(ErrorReason.ACCOUNT_CLOSED, "the account is closed",
                    Map.of("account_id", account.accountId()));
        }
    }

    /** A cash operation's result: posted now (account after it, transaction id), or waiting for approval. */
    private record CashOutcome(AccountDetails account, String transactionId, Optional<PendingApproval> pending) {
    }

    /**
     * Cash through the caller's own till: above the branch's threshold it waits for a supervisor (the
     * account is answered as it is), otherwise the account and the till change together now.
     */
    private CashOutcome cash(CashDirection intoTill, String accountId, Posting posting, DebitLimits limits,
                             String requestId) {
        CashDesk.requireCashier();
        String tillId = posting.counterparty().reference();
        if (!Ids.isId(tillId)) {
            throw DomainException.invalidField("counterparty.reference", "must be the id of your open till");
        }
        cash.ownTill(tillId, requestId);
        if (cash.needsApproval(posting.amount())) {
            AccountDetails account = findAccount(accountId);
            ApprovalDetails approval = approvals.request(new ApprovalOperation(intoTill == CashDirection.IN
                    ? ApprovalKind.CASH_DEPOSIT : ApprovalKind.CASH_WITHDRAWAL, accountId, tillId, posting.amount(),
                    null), requestId);
            return new CashOutcome(account, "", Optional.of(TellerMapper.pending(approval)));
        }
        CashDesk.Posted posted = cash.post(intoTill, accountId, tillId, posting.amount(), limits, true, requestId,
                Map.of());
        return new CashOutcome(posted.account(), posted.transactionId(), Optional.empty());
    }

    private static Posting posting(boolean hasAmount, com.google.type.Money amountField, boolean hasCounterparty,
                                   org.strongroom.proto.account.v1.Counterparty counterpartyField) {
        Violations violations = new Violations();
        Money amount = MoneyMapper.positive("amount", hasAmount, amountField, violations);
        Counterparty counterparty = AccountMapper.fromProto(hasCounterparty, counterpartyField);
        AccountFieldRules.checkCounterparty(counterparty, violations);
        violations.throwIfAny();
        return new Posting(UUID.randomUUID().toString(), amount, counterparty);
    }

    @Override
    public void placeHold(PlaceHoldRequest request, StreamObserver<PlaceHoldResponse> response) {
        String accountId = Ids.require("account_id", request.getAccountId());
        access.requireAccount(accountId, null);
        reply(response, mutate(AccountServiceGrpc.getPlaceHoldMethod().getFullMethodName(), request,
                PlaceHoldResponse.parser(), accountId, () -> {
                    Violations violations = new Violations();
                    Money amount = MoneyMapper.positive("amount", request.hasAmount(), request.getAmount(), violations);
                    AccountFieldRules.checkText("reason", request.getReason(), violations);
                    Instant expireTime = null;
                    if (request.hasExpireTime()) {
                        expireTime = ProtoTime.fromProto(request.getExpireTime());
                        Instant now = clock.instant();
                        if (expireTime == null || !expireTime.isAfter(now)) {
                            violations.add("expire_time", "must be in the future");
                        } else if (expireTime.isAfter(now.plus(MAX_HOLD_DURATION))) {
                            violations.add("expire_time", "must be within " + MAX_HOLD_DURATION.toDays() + " days");
                        }
                    }
                    violations.throwIfAny();
                    String holdId = UUID.randomUUID().toString();
                    AccountDetails account = commands.send(new PlaceHoldCommand(accountId, holdId, amount,
                            request.getReason(), expireTime), request.getRequestId(), ACCOUNT_NOT_FOUND);
                    return PlaceHoldResponse.newBuilder().setAccount(AccountMapper.toProto(account))
                            .setHoldId(holdId).build();
                }));
    }

    @Override
    public void releaseHold(ReleaseHoldRequest request, StreamObserver<ReleaseHoldResponse> response) {
        String accountId = Ids.require("account_id", request.getAccountId());
        access.requireAccount(accountId, null);
        String holdId = Ids.require("hold_id", request.getHoldId());
        reply(response, mutate(AccountServiceGrpc.getReleaseHoldMethod().getFullMethodName(), request,
                ReleaseHoldResponse.parser(), accountId, () -> ReleaseHoldResponse.newBuilder()
                        .setAccount(AccountMapper.toProto(sendToAccount(new ReleaseHoldCommand(accountId, holdId),
                                request.getRequestId(), ACCOUNT_NOT_FOUND))).build()));
    }

    @Override
    public void freezeAccount(FreezeAccountRequest request, StreamObserver<FreezeAccountResponse> response) {
        String accountId = Ids.require("account_id", request.getAccountId());
        access.requireAccount(accountId, null);
        reply(response, mutate(AccountServiceGrpc.getFreezeAccountMethod().getFullMethodName(), request,
                FreezeAccountResponse.parser(), accountId, () -> FreezeAccountResponse.newBuilder()
                        .setAccount(AccountMapper.toProto(sendToAccount(new FreezeAccountCommand(accountId,
                                        AccountMapper.fromProto(request.getScope()), request.getReason()),
                                request.getRequestId(), ACCOUNT_NOT_FOUND))).build()));
    }

    @Override
    public void unfreezeAccount(UnfreezeAccountRequest request, StreamObserver<UnfreezeAccountResponse> response) {
        String accountId = Ids.require("account_id", request.getAccountId());
        access.requireAccount(accountId, null);
        reply(response, mutate(AccountServiceGrpc.getUnfreezeAccountMethod().getFullMethodName(), request,
                UnfreezeAccountResponse.parser(), accountId, () -> {
                    String reason = AccountFieldRules.checkText("reason", request.getReason());
                    AccountDetails account = findAccount(accountId);
                    if (account.status() == org.strongroom.account.api.AccountStatus.CLOSED) {
                        throw DomainException.rule(ErrorReason.ACCOUNT_CLOSED, "the account is closed",
                                Map.of("account_id", accountId));
                    }
                    if (account.freezeScope() == null) {
                        throw DomainException.rule(ErrorReason.ACCOUNT_NOT_FROZEN, "the account is not frozen",
                                Map.of("account_id", accountId));
                    }
                    // Every unfreeze waits for a supervisor of the branch (maker-checker).
                    ApprovalDetails approval = approvals.request(new ApprovalOperation(ApprovalKind.UNFREEZE,
                            accountId, null, null, reason), request.getRequestId());
                    return UnfreezeAccountResponse.newBuilder().setAccount(AccountMapper.toProto(account))
                            .setPendingApproval(TellerMapper.pending(approval)).build();
                }));
    }

    @Override
    public void changeOverdraftLimit(ChangeOverdraftLimitRequest request,
                                     StreamObserver<ChangeOverdraftLimitResponse> response) {
        String accountId = Ids.require("account_id", request.getAccountId());
        access.requireAccount(accountId, null);
        reply(response, mutate(AccountServiceGrpc.getChangeOverdraftLimitMethod().getFullMethodName(), request,
                ChangeOverdraftLimitResponse.parser(), accountId, () -> {
                    Violations violations = new Violations();
                    Money limit = MoneyMapper.fromProto("overdraft_limit", request.hasOverdraftLimit(),
                            request.getOverdraftLimit(), violations);
                    if (limit != null && limit.isNegative()) {
                        violations.add("overdraft_limit", "must not be negative");
                    }
                    String reason = AccountFieldRules.checkText("reason", request.getReason(), violations);
                    violations.throwIfAny();
                    AccountDetails account = findAccount(accountId);
                    if (account.product() == org.strongroom.account.api.AccountProduct.SAVINGS && limit.isPositive()) {
                        throw DomainException.invalidField("overdraft_limit",
                                "only CURRENT accounts may have an overdraft");
                    }
                    requireOpenIn(account, limit);
                    ApprovalDetails approval = approvals.request(new ApprovalOperation(ApprovalKind.OVERDRAFT_CHANGE,
                            accountId, null, limit, reason), request.getRequestId());
                    return ChangeOverdraftLimitResponse.newBuilder().setAccount(AccountMapper.toProto(account))
                            .setPendingApproval(TellerMapper.pending(approval)).build();
                }));
    }

    @Override
    public void closeAccount(CloseAccountRequest request, StreamObserver<CloseAccountResponse> response) {
        String accountId = Ids.require("account_id", request.getAccountId());
        access.requireAccount(accountId, null);
        reply(response, mutate(AccountServiceGrpc.getCloseAccountMethod().getFullMethodName(), request,
                CloseAccountResponse.parser(), accountId, () -> CloseAccountResponse.newBuilder()
                        .setAccount(AccountMapper.toProto(sendToAccount(new CloseAccountCommand(accountId),
                                request.getRequestId(), ACCOUNT_NOT_FOUND))).build()));
    }

    @Override
    public void listTransactions(ListTransactionsRequest request, StreamObserver<ListTransactionsResponse> response) {
        String accountId = Ids.require("account_id", request.getAccountId());
        access.requireAccount(accountId, PartnerScope.TRANSACTIONS_READ);
        int pageSize = PageTokens.pageSize(request.getPageSize(), TRANSACTIONS_PAGE_DEFAULT, TRANSACTIONS_PAGE_MAX);
        String list = "transactions:" + accountId;
        long before = PageTokens.decodePosition(list, request.getPageToken(), Long.MAX_VALUE);
        findAccount(accountId);
        reads.requireServing(Projections.ACCOUNT_TRANSACTIONS);
        TransactionPage page = queries.query(new ListTransactionsQuery(accountId, before, pageSize),
                TransactionPage.class).join();
        ListTransactionsResponse.Builder answer = ListTransactionsResponse.newBuilder();
        page.transactions().forEach(transaction -> answer.addTransactions(AccountMapper.toProto(transaction)));
        if (page.more()) {
            answer.setNextPageToken(PageTokens.encode(list, Long.toString(page.lastSequence())));
        }
        reply(response, answer.build());
    }

    private AccountDetails sendToAccount(Object command, String requestId, CommandDispatcher.NotFound notFound) {
        return commands.send(command, requestId, notFound);
    }

    private AccountDetails findAccount(String accountId) {
        return access.findAccount(accountId).orElseThrow(() -> ObjectAccess.accountNotFound(accountId));
    }

    private <R extends com.google.protobuf.Message> R mutate(String method, com.google.protobuf.Message request,
                                                             com.google.protobuf.Parser<R> parser, String accountId,
                                                             java.util.function.Supplier<R> action) {
        return idempotent.execute(method, request, parser, accountId, () -> action.get());
    }

    private static <R> void reply(StreamObserver<R> response, R answer) {
        response.onNext(answer);
        response.onCompleted();
    }
}
