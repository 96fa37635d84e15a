package org.strongroom.gateway.loan;

import io.grpc.stub.StreamObserver;
import java.time.LocalDate;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.strongroom.account.api.AccountDetails;
import org.strongroom.account.api.AccountFieldRules;
import org.strongroom.account.api.AccountStatus;
import org.strongroom.gateway.command.CommandDispatcher;
import org.strongroom.gateway.command.LockingOperationScope;
import org.strongroom.gateway.grpc.CallerContext;
import org.strongroom.gateway.grpc.Ids;
import org.strongroom.gateway.grpc.MoneyMapper;
import org.strongroom.gateway.grpc.PageTokens;
import org.strongroom.gateway.grpc.ProtoTime;
import org.strongroom.gateway.idempotency.IdempotentExecutor;
import org.strongroom.gateway.projection.ProjectionReads;
import org.strongroom.gateway.security.ObjectAccess;
import org.strongroom.gateway.security.PartnerScope;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.Money;
import org.strongroom.kernel.Violations;
import org.strongroom.loan.api.LoanApi.InstalmentState;
import org.strongroom.loan.api.LoanApi.LoanDetails;
import org.strongroom.loan.api.LoanApi.PayoffQuote;
import org.strongroom.loan.api.LoanApi.PrepaymentMode;
import org.strongroom.loan.api.LoanApi.QuotePayoffCommand;
import org.strongroom.approval.api.ApprovalApi.ApprovalDetails;
import org.strongroom.gateway.teller.TellerMapper;
import org.strongroom.loan.product.LoanProduct;
import org.strongroom.loan.product.LoanProductCatalogue;
import org.strongroom.node.time.BusinessDateService;
import org.strongroom.projections.api.Projections;
import org.strongroom.projections.loan.LoanViews;
import org.strongroom.projections.loan.LoanViews.LoanRow;
import org.strongroom.proto.loan.v1.Allocation;
import org.strongroom.proto.loan.v1.ApplyForLoanRequest;
import org.strongroom.proto.loan.v1.ApplyForLoanResponse;
import org.strongroom.proto.loan.v1.GetLoanRequest;
import org.strongroom.proto.loan.v1.GetLoanResponse;
import org.strongroom.proto.loan.v1.GetPayoffQuoteRequest;
import org.strongroom.proto.loan.v1.GetPayoffQuoteResponse;
import org.strongroom.proto.loan.v1.GetPortfolioSummaryRequest;
import org.strongroom.proto.loan.v1.GetPortfolioSummaryResponse;
import org.strongroom.proto.loan.v1.GetRepaymentScheduleRequest;
import org.strongroom.proto.loan.v1.GetRepaymentScheduleResponse;
import org.strongroom.proto.loan.v1.ListLoanProductsRequest;
import org.strongroom.proto.loan.v1.ListLoanProductsResponse;
import org.strongroom.proto.loan.v1.ListLoansRequest;
import org.strongroom.proto.loan.v1.ListLoansResponse;
import org.strongroom.proto.loan.v1.LoanServiceGrpc;
import org.strongroom.proto.loan.v1.PortfolioLine;
import org.strongroom.proto.loan.v1.RecordRecoveryRequest;
import org.strongroom.proto.loan.v1.RecordRecoveryResponse;
import org.strongroom.proto.loan.v1.RepayLoanRequest;
import org.strongroom.proto.loan.v1.RepayLoanResponse;
import org.strongroom.proto.loan.v1.WriteOffLoanRequest;
import org.strongroom.proto.loan.v1.WriteOffLoanResponse;

/**
 * strongroom.loan.v1.LoanService. Writes go through {@link LoanDesk} inside an idempotent call; a loan
 * is visible to the customer it belongs to (and its agent) and to the bank's staff, and to nobody else:
 * others get NOT_FOUND, as for an id that does not exist.
 */
@Service
public class LoanGrpcService extends LoanServiceGrpc.LoanServiceImplBase {

    static final int LOANS_PAGE_DEFAULT = 20;
    static final int LOANS_PAGE_MAX = 100;
    /** Far beyond any product: a term in the thousands is an input error, not a loan. */
    static final int MAX_INSTALMENTS = 600;
    /** A page token's time lies between these (a forged one beyond them would overflow the database's). */
    private static final java.time.Instant EARLIEST_CURSOR = java.time.Instant.parse("2000-01-01T00:00:00Z");
    private static final java.time.Instant LATEST_CURSOR = java.time.Instant.parse("9999-12-31T23:59:59Z");

    private final IdempotentExecutor idempotent;
    private final CommandDispatcher commands;
    private final LoanDesk desk;
    private final LoanProductCatalogue products;
    private final CreditProfiles profiles;
    private final LoanViews views;
    private final ObjectAccess access;
    private final ProjectionReads reads;
    private final BusinessDateService businessDate;

    public LoanGrpcService(IdempotentExecutor idempotent, CommandDispatcher commands, LoanDesk desk,
                           LoanProductCatalogue products, CreditProfiles profiles, LoanViews views, ObjectAccess access,
                           ProjectionReads reads, BusinessDateService businessDate) {
        this.idempotent = idempotent;
        this.commands = commands;
        this.desk = desk;
        this.products = products;
        this.profiles = profiles;
        this.views = views;
        this.access = access;
        this.reads = reads;
        this.businessDate = businessDate;
    }

    @Override
    public void listLoanProducts(ListLoanProductsRequest request, StreamObserver<ListLoanProductsResponse> response) {
        ListLoanProductsResponse.Builder answer = ListLoanProductsResponse.newBuilder();
        products.currentVersions().forEach(product -> answer.addProducts(LoanMapper.toProto(product)));
        reply(response, answer.build());
    }

    @Override
    public void applyForLoan(ApplyForLoanRequest request, StreamObserver<ApplyForLoanResponse> response) {
        // Whose loan it would be comes first: another customer's ids read as unknown whatever else is wrong.
        String customerId = Ids.require("customer_id", request.getCustomerId());
        access.requireCustomer(customerId);
        Violations violations = new Violations();
        String accountId = id("account_id", request.getAccountId(), violations);
        Money principal = MoneyMapper.positive("principal", request.hasPrincipal(), request.getPrincipal(), violations);
        Money income = MoneyMapper.positive("declared_monthly_income", request.hasDeclaredMonthlyIncome(),
                request.getDeclaredMonthlyIncome(), violations);
        if (request.getInstalments() < 1 || request.getInstalments() > MAX_INSTALMENTS) {
            violations.add("instalments", "must be between 1 and " + MAX_INSTALMENTS);
        }
        if (request.getProductCode().isEmpty()) {
            violations.add("product_code", "is required");
        }
        violations.throwIfAny();
        LoanProduct product = products.current(request.getProductCode()).orElseThrow(() -> DomainException.notFound(
                ErrorReason.LOAN_PRODUCT_NOT_FOUND, "no loan product " + request.getProductCode(),
                Map.of("product_code", request.getProductCode())));
        // The account must be the applicant's own: anything else reads as an unknown account.
        AccountDetails account = access.findAccount(accountId)
                .filter(found -> found.customerId().equals(customerId))
                .orElseThrow(() -> ObjectAccess.accountNotFound(accountId));
        if (account.status() != AccountStatus.OPEN) {
            throw DomainException.rule(ErrorReason.ACCOUNT_CLOSED, "the account is closed",
                    Map.of("account_id", accountId));
        }
        String currency = account.balance().currency().getCurrencyCode();
        if (!currency.equals(product.currencyCode())) {
            violations.add("account_id", "the account is in " + currency + "; product " + product.code() + " lends "
                    + product.currencyCode());
        }
        // The product's own terms too, so that every bad field is reported at once (the loan checks them again).
        product.termViolations(principal, request.getInstalments())
                .forEach(violation -> violations.add(violation.field(), violation.description()));
        if (!income.currency().getCurrencyCode().equals(product.currencyCode())) {
            violations.add("declared_monthly_income.currency_code", "must be " + product.currencyCode());
        }
        violations.throwIfAny();
        var profile = profiles.profile(account, income, businessDate.current());
        String loanId = UUID.randomUUID().toString();
        ApplyForLoanResponse answer = idempotent.execute(LoanServiceGrpc.getApplyForLoanMethod().getFullMethodName(),
                request, ApplyForLoanResponse.parser(), accountId, () -> {
                    // One unit of work: the application, its decision and a disbursement's deposit are
                    // appended and reach the views together.
                    LoanDesk.Applied applied = LockingOperationScope.inOneUnitOfWork(() -> desk.apply(loanId, customerId,
                            accountId, product, principal, request.getInstalments(), profile, request.getRequestId()));
                    return ApplyForLoanResponse.newBuilder()
                            .setLoan(LoanMapper.toProto(applied.loan()))
                            .setDisbursementTransactionId(applied.disbursementTransactionId()).build();
                });
        reply(response, answer);
    }

    @Override
    public void getLoan(GetLoanRequest request, StreamObserver<GetLoanResponse> response) {
        LoanDetails loan = visibleLoan(request.getLoanId());
        reply(response, GetLoanResponse.newBuilder().setLoan(LoanMapper.toProto(loan)).build());
    }

    @Override
    public void listLoans(ListLoansRequest request, StreamObserver<ListLoansResponse> response) {
        String customerId = Ids.require("customer_id", request.getCustomerId());
        access.requireCustomer(customerId);
        int pageSize = PageTokens.pageSize(request.getPageSize(), LOANS_PAGE_DEFAULT, LOANS_PAGE_MAX);
        String list = "loans:" + customerId;
        LoanViews.LoanCursor after = cursor(PageTokens.decode(list, request.getPageToken()));
        reads.requireServing(Projections.LOAN_VIEW);
        List<LoanRow> rows = views.byCustomer(customerId, pageSize + 1, after);
        ListLoansResponse.Builder answer = ListLoansResponse.newBuilder();
        rows.stream().limit(pageSize).forEach(row -> answer.addLoans(LoanMapper.toProto(row)));
        if (rows.size() > pageSize) {
            LoanRow last = rows.get(pageSize - 1);
            answer.setNextPageToken(PageTokens.encode(list, last.createTime().getEpochSecond() + "."
                    + last.createTime().getNano() + "/" + last.loanId()));
        }
        reply(response, answer.build());
    }

    @Override
    public void getRepaymentSchedule(GetRepaymentScheduleRequest request,
                                     StreamObserver<GetRepaymentScheduleResponse> response) {
        String loanId = Ids.require("loan_id", request.getLoanId());
        reads.requireServing(Projections.LOAN_VIEW);
        LoanRow loan = views.find(loanId).filter(row -> visible(row.customerId()))
                .orElseThrow(() -> loanNotFound(loanId));
        Currency currency = Currency.getInstance(loan.currencyCode());
        GetRepaymentScheduleResponse.Builder answer = GetRepaymentScheduleResponse.newBuilder().setLoanId(loanId);
        Money total = Money.zero(currency);
        for (var row : views.instalments(loanId)) {
            InstalmentState line = LoanMapper.fromView(row, currency);
            answer.addInstalments(LoanMapper.toProto(line));
            total = total.plus(line.outstanding());
        }
        reply(response, answer.setTotalOutstanding(MoneyMapper.toProto(total)).build());
    }

    @Override
    public void repayLoan(RepayLoanRequest request, StreamObserver<RepayLoanResponse> response) {
        Violations violations = new Violations();
        String loanId = id("loan_id", request.getLoanId(), violations);
        Money amount = MoneyMapper.positive("amount", request.hasAmount(), request.getAmount(), violations);
        PrepaymentMode mode = switch (request.getPrepaymentMode()) {
            case PREPAYMENT_MODE_UNSPECIFIED -> null;
            case PREPAYMENT_MODE_REDUCE_TERM -> PrepaymentMode.REDUCE_TERM;
            case PREPAYMENT_MODE_REDUCE_INSTALMENT -> PrepaymentMode.REDUCE_INSTALMENT;
            case UNRECOGNIZED -> {
                violations.add("prepayment_mode", "must be REDUCE_TERM or REDUCE_INSTALMENT");
                yield null;
            }
        };
        violations.throwIfAny();
        RepayLoanResponse answer = idempotent.execute(LoanServiceGrpc.getRepayLoanMethod().getFullMethodName(),
                request, RepayLoanResponse.parser(), loanId, () -> {
                    LoanDetails before = visibleLoan(loanId, request.getRequestId());
                    LoanDesk.Repaid repaid = desk.repay(before, amount, mode, request.getRequestId());
                    return RepayLoanResponse.newBuilder()
                            .setLoan(LoanMapper.toProto(repaid.after()))
                            .setAllocation(allocation(repaid))
                            .setTransactionId(repaid.transactionId()).build();
                });
        reply(response, answer);
    }

    @Override
    public void getPayoffQuote(GetPayoffQuoteRequest request, StreamObserver<GetPayoffQuoteResponse> response) {
        Violations violations = new Violations();
        String loanId = id("loan_id", request.getLoanId(), violations);
        LocalDate today = businessDate.current();
        LocalDate date = request.hasPayoffDate() ? ProtoTime.date("payoff_date", request.getPayoffDate(), violations)
                : today;
        violations.throwIfAny();
        visibleLoan(loanId);
        PayoffQuote quote = commands.send(new QuotePayoffCommand(loanId, date, today), "quote", LoanDesk.LOAN_NOT_FOUND);
        reply(response, GetPayoffQuoteResponse.newBuilder()
                .setLoanId(loanId)
                .setPayoffDate(ProtoTime.toProto(quote.payoffDate()))
                .setPrincipal(MoneyMapper.toProto(quote.principal()))
                .setInterest(MoneyMapper.toProto(quote.interest()))
                .setPenalties(MoneyMapper.toProto(quote.penalties()))
                .setFees(MoneyMapper.toProto(quote.fees()))
                .setTotal(MoneyMapper.toProto(quote.total())).build());
    }

    @Override
    public void writeOffLoan(WriteOffLoanRequest request, StreamObserver<WriteOffLoanResponse> response) {
        Violations violations = new Violations();
        String loanId = id("loan_id", request.getLoanId(), violations);
        String reason = AccountFieldRules.checkText("reason", request.getReason(), violations);
        violations.throwIfAny();
        WriteOffLoanResponse answer = idempotent.execute(LoanServiceGrpc.getWriteOffLoanMethod().getFullMethodName(),
                request, WriteOffLoanResponse.parser(), loanId, () -> {
                    LoanDetails loan = visibleLoan(loanId, request.getRequestId());
                    // A write-off is a maker-checker request: another supervisor grants it.
                    ApprovalDetails approval = desk.requestWriteOff(loanId, reason, request.getRequestId());
                    return WriteOffLoanResponse.newBuilder().setLoan(LoanMapper.toProto(loan))
                            .setPendingApproval(TellerMapper.pending(approval)).build();
                });
        reply(response, answer);
    }

    @Override
    public void recordRecovery(RecordRecoveryRequest request, StreamObserver<RecordRecoveryResponse> response) {
        Violations violations = new Violations();
        String loanId = id("loan_id", request.getLoanId(), violations);
        Money amount = MoneyMapper.positive("amount", request.hasAmount(), request.getAmount(), violations);
        violations.throwIfAny();
        RecordRecoveryResponse answer = idempotent.execute(LoanServiceGrpc.getRecordRecoveryMethod()
                .getFullMethodName(), request, RecordRecoveryResponse.parser(), loanId, () -> {
                    LoanDetails before = visibleLoan(loanId, request.getRequestId());
                    LoanDesk.Repaid recovered = desk.recover(before, amount, request.getRequestId());
                    return RecordRecoveryResponse.newBuilder()
                            .setLoan(LoanMapper.toProto(recovered.after()))
                            .setTransactionId(recovered.transactionId()).build();
                });
        reply(response, answer);
    }

    @Override
    public void getPortfolioSummary(GetPortfolioSummaryRequest request,
                                    StreamObserver<GetPortfolioSummaryResponse> response) {
        reads.requireServing(Projections.LOAN_VIEW);
        GetPortfolioSummaryResponse.Builder answer = GetPortfolioSummaryResponse.newBuilder()
                .setBusinessDate(ProtoTime.toProto(businessDate.current()));
        for (LoanViews.PortfolioRow row : views.portfolio()) {
            Currency currency = Currency.getInstance(row.currencyCode());
            answer.addLines(PortfolioLine.newBuilder()
                    .setProductCode(row.productCode())
                    .setDelinquencyBucket(LoanMapper.bucket(
                            org.strongroom.loan.api.LoanApi.DelinquencyBucket.valueOf(row.delinquencyBucket())))
                    .setLoanCount(row.loans())
                    .setPrincipalOutstanding(LoanMapper.money(row.principalOutstanding(), currency))
                    .setTotalOutstanding(LoanMapper.money(row.totalOutstanding(), currency)));
        }
        reply(response, answer.build());
    }

    /** The keyset position in a page token ("seconds.nanos/loan id"), or null for the first page. */
    private static LoanViews.LoanCursor cursor(String position) {
        if (position == null) {
            return null;
        }
        int dot = position.indexOf('.');
        int slash = position.indexOf('/');
        try {
            if (dot > 0 && slash > dot && Ids.isId(position.substring(slash + 1))) {
                java.time.Instant at = java.time.Instant.ofEpochSecond(Long.parseLong(position.substring(0, dot)),
                        Long.parseLong(position.substring(dot + 1, slash)));
                if (!at.isBefore(EARLIEST_CURSOR) && !at.isAfter(LATEST_CURSOR)) {
                    return new LoanViews.LoanCursor(at, position.substring(slash + 1));
                }
            }
        } catch (RuntimeException e) {
            // not a position this service wrote
        }
        throw DomainException.invalidField("page_token", "is not a page token of this list");
    }

    /** Where a repayment went: the loan before it (accrued to today) less the loan after it. */
    private static Allocation allocation(LoanDesk.Repaid repaid) {
        LoanDetails before = repaid.before();
        LoanDetails after = repaid.after();
        return Allocation.newBuilder()
                .setPenalties(MoneyMapper.toProto(before.penaltiesOutstanding().minus(after.penaltiesOutstanding())))
                .setFees(MoneyMapper.toProto(before.feesOutstanding().minus(after.feesOutstanding())))
                .setInterest(MoneyMapper.toProto(before.interestAccrued().minus(after.interestAccrued())))
                .setPrincipal(MoneyMapper.toProto(before.principalOutstanding().minus(after.principalOutstanding())))
                .build();
    }

    private LoanDetails visibleLoan(String loanId) {
        return visibleLoan(Ids.require("loan_id", loanId), "read");
    }

    /** The loan as of today, if the caller may see it; NOT_FOUND otherwise. */
    private LoanDetails visibleLoan(String loanId, String requestId) {
        LoanDetails loan = desk.inspect(loanId, requestId);
        if (!visible(loan.customerId())) {
            throw loanNotFound(loanId);
        }
        return loan;
    }

    private boolean visible(String customerId) {
        return ObjectAccess.boundCustomer(CallerContext.current()).map(customerId::equals).orElse(true);
    }

    private static DomainException loanNotFound(String loanId) {
        return DomainException.notFound(ErrorReason.LOAN_NOT_FOUND, "no such loan", Map.of("loan_id", loanId));
    }

    private static String id(String field, String value, Violations violations) {
        if (value.isEmpty()) {
            violations.add(field, "is required");
            return null;
        }
        if (!Ids.isId(value)) {
            violations.add(field, "must be an id as returned by the bank (lower-case UUID)");
            return null;
        }
        return value;
    }

    private static <R> void reply(StreamObserver<R> response, R answer) {
        response.onNext(answer);
        response.onCompleted();
    }
}
