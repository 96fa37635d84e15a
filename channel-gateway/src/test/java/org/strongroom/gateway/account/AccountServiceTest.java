package org.strongroom.gateway.account;

import org.strongroom.proto.account.v1.OpenAccountResponse;
import org.strongroom.proto.teller.v1.Approval;
import org.strongroom.proto.teller.v1.ApprovalKind;
import org.strongroom.proto.teller.v1.GetApprovalRequest;
import org.strongroom.proto.teller.v1.GrantApprovalRequest;
import org.strongroom.proto.teller.v1.TellerServiceGrpc;
import org.strongroom.gateway.AccountFixtures;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.strongroom.gateway.GrpcErrors.assertError;
import static org.strongroom.gateway.GrpcErrors.assertInvalidFields;

import com.google.protobuf.Timestamp;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.type.Date;
import com.google.type.Money;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.gateway.grpc.CallerContextInterceptor;
import org.strongroom.node.NodeTest;
import org.strongroom.node.TestTokens;
import org.strongroom.proto.account.v1.Account;
import org.strongroom.proto.account.v1.AccountProduct;
import org.strongroom.proto.account.v1.AccountServiceGrpc;
import org.strongroom.proto.account.v1.AccountServiceGrpc.AccountServiceBlockingStub;
import org.strongroom.proto.account.v1.AccountStatus;
import org.strongroom.proto.account.v1.CloseAccountRequest;
import org.strongroom.proto.account.v1.Counterparty;
import org.strongroom.proto.account.v1.CounterpartyType;
import org.strongroom.proto.account.v1.DepositFundsRequest;
import org.strongroom.proto.account.v1.DepositFundsResponse;
import org.strongroom.proto.account.v1.Freeze;
import org.strongroom.proto.account.v1.FreezeAccountRequest;
import org.strongroom.proto.account.v1.FreezeScope;
import org.strongroom.proto.account.v1.GetAccountRequest;
import org.strongroom.proto.account.v1.Hold;
import org.strongroom.proto.account.v1.ListAccountsRequest;
import org.strongroom.proto.account.v1.ListAccountsResponse;
import org.strongroom.proto.account.v1.ListTransactionsRequest;
import org.strongroom.proto.account.v1.ListTransactionsResponse;
import org.strongroom.proto.account.v1.OpenAccountRequest;
import org.strongroom.proto.account.v1.PlaceHoldRequest;
import org.strongroom.proto.account.v1.PlaceHoldResponse;
import org.strongroom.proto.account.v1.ReleaseHoldRequest;
import org.strongroom.proto.account.v1.Transaction;
import org.strongroom.proto.account.v1.TransactionDirection;
import org.strongroom.proto.account.v1.UnfreezeAccountRequest;
import org.strongroom.proto.account.v1.WithdrawFundsRequest;
import org.strongroom.proto.account.v1.WithdrawFundsResponse;
import org.strongroom.proto.admin.v1.ListProjectionsRequest;
import org.strongroom.proto.admin.v1.Projection;
import org.strongroom.proto.admin.v1.ProjectionAdminServiceGrpc;
import org.strongroom.proto.admin.v1.ProjectionState;
import org.strongroom.proto.customer.v1.CustomerServiceGrpc;
import org.strongroom.proto.customer.v1.CustomerServiceGrpc.CustomerServiceBlockingStub;
import org.strongroom.proto.customer.v1.IdentityDocument;
import org.strongroom.proto.customer.v1.IdentityDocumentType;
import org.strongroom.proto.customer.v1.RegisterCustomerRequest;

/**
 * AccountService over a real gRPC channel: every RPC, every error path (status code, ErrorInfo reason and
 * BadRequest fields), idempotency and read-your-writes; plus ProjectionAdminService.ListProjections.
 */
class AccountServiceTest extends NodeTest {

    /** Own document-number range: the database is shared with the other test classes. */
    private static final AtomicInteger DOCUMENTS = new AtomicInteger(500000);

    private static final Date BUSINESS_DATE = Date.newBuilder().setYear(2026).setMonth(11).setDay(23).build();
    private static final Date ADULT = Date.newBuilder().setYear(1980).setMonth(5).setDay(17).build();

    @Autowired
    JdbcTemplate jdbc;

    // ---------------------------------------------------------------------------------------------- stubs

    private static Metadata tellerHeaders() {
        Metadata headers = TestTokens.staff("teller-acc-1", "TELLER", "branch-31");
        headers.put(CallerContextInterceptor.CORRELATION, "corr-acc");
        return headers;
    }

    private AccountServiceBlockingStub teller() {
        return AccountServiceGrpc.newBlockingStub(channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(tellerHeaders()))
                .withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private AccountServiceBlockingStub customer(String principal) {
        return as(AccountServiceGrpc.newBlockingStub(channel()), principal, "CUSTOMER", "MOBILE")
                .withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private CustomerServiceBlockingStub customers() {
        return CustomerServiceGrpc.newBlockingStub(channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(tellerHeaders()))
                .withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    // -------------------------------------------------------------------------------------------- helpers

    private String newCustomer(Date dateOfBirth) {
        return customers().registerCustomer(RegisterCustomerRequest.newBuilder()
                        .setRequestId(UUID.randomUUID().toString())
                        .setFullName("Ada Lovelace")
                        .setDateOfBirth(dateOfBirth)
                        .setIdentityDocument(IdentityDocument.newBuilder()
                                .setType(IdentityDocumentType.IDENTITY_DOCUMENT_TYPE_PASSPORT)
                                .setIssuingCountryCode("GB")
                                .setNumber("A" + DOCUMENTS.incrementAndGet()))
                        .setEmail("ada@example.com")
                        .setPhoneNumber("+442071838750")
                        .setResidentialCountryCode("GB")
                        .build())
                .getCustomer().getCustomerId();
    }

    private String newCustomer() {
        return newCustomer(ADULT);
    }

    private static String rid() {
        return UUID.randomUUID().toString();
    }

    private static Money money(String currency, long units, int nanos) {
        return Money.newBuilder().setCurrencyCode(currency).setUnits(units).setNanos(nanos).build();
    }

    private static Money eur(long units, int nanos) {
        return money("EUR", units, nanos);
    }

    private static Money eur(long units) {
        return eur(units, 0);
    }

    private static Counterparty clearing(String reference) {
        return Counterparty.newBuilder().setType(CounterpartyType.COUNTERPARTY_TYPE_EXTERNAL_CLEARING)
                .setReference(reference).build();
    }

    private static OpenAccountRequest.Builder opening(String customerId, AccountProduct product, String currency) {
        return OpenAccountRequest.newBuilder().setRequestId(rid()).setCustomerId(customerId).setProduct(product)
                .setCurrencyCode(currency);
    }

    /**
     * Opens an account as the teller; an overdraft asked for is then granted by a supervisor of the
     * branch (maker-checker), and the account is answered as it stands after the grant.
     */
    private Account open(String customerId, AccountProduct product, String currency, Money overdraft) {
        OpenAccountRequest.Builder request = opening(customerId, product, currency);
        if (overdraft != null) {
            request.setOverdraftLimit(overdraft);
        }
        OpenAccountResponse opened = teller().openAccount(request.build());
        if (!opened.hasPendingApproval()) {
            return opened.getAccount();
        }
        supervisor().grantApproval(GrantApprovalRequest.newBuilder().setRequestId(rid())
                .setApprovalId(opened.getPendingApproval().getApprovalId()).build());
        return get(opened.getAccount().getAccountId());
    }

    private TellerServiceGrpc.TellerServiceBlockingStub supervisor() {
        return as(TellerServiceGrpc.newBlockingStub(channel()), TestTokens.staff("sup-acc-1", "SUPERVISOR",
                "branch-31")).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    /** A EUR current account of a new adult customer with the given overdraft. */
    private Account openEur(Money overdraft) {
        return open(newCustomer(), AccountProduct.ACCOUNT_PRODUCT_CURRENT, "EUR", overdraft);
    }

    private static DepositFundsRequest.Builder depositing(String accountId, Money amount) {
        return DepositFundsRequest.newBuilder().setRequestId(rid()).setAccountId(accountId).setAmount(amount)
                .setCounterparty(clearing("pay-in-" + UUID.randomUUID()));
    }

    private static WithdrawFundsRequest.Builder withdrawing(String accountId, Money amount) {
        return WithdrawFundsRequest.newBuilder().setRequestId(rid()).setAccountId(accountId).setAmount(amount)
                .setCounterparty(clearing("pay-out-" + UUID.randomUUID()));
    }

    private static PlaceHoldRequest.Builder holding(String accountId, Money amount) {
        return PlaceHoldRequest.newBuilder().setRequestId(rid()).setAccountId(accountId).setAmount(amount)
                .setReason("card authorisation");
    }

    /** Money arriving through the clearing feed (immediate at any amount). */
    private DepositFundsResponse deposit(String accountId, Money amount) {
        return new AccountFixtures(channel()).clearingFeed().depositFunds(depositing(accountId, amount).build());
    }

    private WithdrawFundsResponse withdraw(String accountId, Money amount) {
        return teller().withdrawFunds(withdrawing(accountId, amount).build());
    }

    private PlaceHoldResponse hold(String accountId, Money amount) {
        return teller().placeHold(holding(accountId, amount).build());
    }

    private Account get(String accountId) {
        return teller().getAccount(GetAccountRequest.newBuilder().setAccountId(accountId).build()).getAccount();
    }

    private Account freeze(String accountId, FreezeScope scope, String reason) {
        return teller().freezeAccount(FreezeAccountRequest.newBuilder().setRequestId(rid()).setAccountId(accountId)
                .setScope(scope).setReason(reason).build()).getAccount();
    }

    /** An unfreeze is a request a supervisor of the branch grants (maker-checker); answers the account after. */
    private Account unfreeze(String accountId, String reason) {
        var pending = teller().unfreezeAccount(UnfreezeAccountRequest.newBuilder().setRequestId(rid())
                .setAccountId(accountId).setReason(reason).build());
        assertThat(pending.getAccount().hasFreeze()).as("still frozen until granted").isTrue();
        as(TellerServiceGrpc.newBlockingStub(channel()), TestTokens.staff("supervisor-acc", "SUPERVISOR", "branch-31"))
                .withDeadlineAfter(20, TimeUnit.SECONDS)
                .grantApproval(GrantApprovalRequest.newBuilder().setRequestId(rid())
                        .setApprovalId(pending.getPendingApproval().getApprovalId()).build());
        return get(accountId);
    }

    private Account release(String accountId, String holdId) {
        return teller().releaseHold(ReleaseHoldRequest.newBuilder().setRequestId(rid()).setAccountId(accountId)
                .setHoldId(holdId).build()).getAccount();
    }

    private Account close(String accountId) {
        return teller().closeAccount(CloseAccountRequest.newBuilder().setRequestId(rid()).setAccountId(accountId)
                .build()).getAccount();
    }

    private List<Account> listAccounts(String customerId, int pageSize, String token) {
        return teller().listAccounts(ListAccountsRequest.newBuilder().setCustomerId(customerId)
                .setPageSize(pageSize).setPageToken(token).build()).getAccountsList();
    }

    private ListTransactionsResponse transactions(String accountId, int pageSize, String token) {
        return teller().listTransactions(ListTransactionsRequest.newBuilder().setAccountId(accountId)
                .setPageSize(pageSize).setPageToken(token).build());
    }

    private long eventCount(String aggregateId) {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ?",
                Long.class, aggregateId);
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    /** INVALID_ARGUMENT / INVALID_FIELD naming exactly these fields, in any order. */
    private static void assertInvalidFieldsInAnyOrder(ThrowingCallable call, String... fields) {
        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, call);
        assertThat(error).as("expected INVALID_ARGUMENT").isNotNull();
        assertError(() -> {
            throw error;
        }, Status.Code.INVALID_ARGUMENT, "INVALID_FIELD");
        List<BadRequest> badRequests = StatusProto.fromThrowable(error).getDetailsList().stream()
                .filter(any -> any.is(BadRequest.class)).map(any -> {
                    try {
                        return any.unpack(BadRequest.class);
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        throw new AssertionError(e);
                    }
                }).toList();
        assertThat(badRequests).hasSize(1);
        assertThat(badRequests.get(0).getFieldViolationsList()).extracting(BadRequest.FieldViolation::getField)
                .containsExactlyInAnyOrder(fields);
    }

    // ---------------------------------------------------------------------------------------- OpenAccount

    @Test
    void aTellersOverdraftAtOpeningOpensWithoutCreditUntilASupervisorGrantsIt() {
        String customerId = newCustomer();
        OpenAccountResponse opened = teller().openAccount(opening(customerId, AccountProduct.ACCOUNT_PRODUCT_CURRENT,
                "EUR").setOverdraftLimit(eur(500, 500_000_000)).build());
        assertThat(opened.getAccount().getOverdraftLimit()).isEqualTo(eur(0));
        assertThat(opened.getAccount().getAvailable()).isEqualTo(eur(0));
        assertThat(opened.hasPendingApproval()).isTrue();
        String accountId = opened.getAccount().getAccountId();
        assertError(() -> teller().withdrawFunds(withdrawing(accountId, eur(1)).build()),
                Status.Code.FAILED_PRECONDITION, "INSUFFICIENT_FUNDS");

        Approval approval = supervisor().getApproval(GetApprovalRequest.newBuilder()
                .setApprovalId(opened.getPendingApproval().getApprovalId()).build()).getApproval();
        assertThat(approval.getKind()).isEqualTo(ApprovalKind.APPROVAL_KIND_OVERDRAFT_CHANGE);
        assertThat(approval.getAmount()).isEqualTo(eur(500, 500_000_000));
        assertThat(approval.getMakerId()).isEqualTo("teller-acc-1");
        assertThat(approval.getAccountId()).isEqualTo(accountId);
        // The maker cannot grant its own request, even as a supervisor would.
        assertError(() -> as(TellerServiceGrpc.newBlockingStub(channel()), TestTokens.staff("teller-acc-1",
                        "SUPERVISOR", "branch-31")).grantApproval(GrantApprovalRequest.newBuilder().setRequestId(rid())
                        .setApprovalId(approval.getApprovalId()).build()),
                Status.Code.PERMISSION_DENIED, "SELF_APPROVAL_FORBIDDEN");

        supervisor().grantApproval(GrantApprovalRequest.newBuilder().setRequestId(rid())
                .setApprovalId(approval.getApprovalId()).build());
        assertThat(get(accountId).getOverdraftLimit()).isEqualTo(eur(500, 500_000_000));
        assertThat(get(accountId).getAvailable()).isEqualTo(eur(500, 500_000_000));
    }

    @Test
    void opensACurrentAccountWithAnOverdraft() {
        String customerId = newCustomer();
        Account account = open(customerId, AccountProduct.ACCOUNT_PRODUCT_CURRENT, "EUR", eur(500, 500_000_000));

        assertThat(UUID.fromString(account.getAccountId()).toString()).isEqualTo(account.getAccountId());
        assertThat(account.getCustomerId()).isEqualTo(customerId);
        assertThat(account.getProduct()).isEqualTo(AccountProduct.ACCOUNT_PRODUCT_CURRENT);
        assertThat(account.getCurrencyCode()).isEqualTo("EUR");
        assertThat(account.getBalance()).isEqualTo(eur(0));
        assertThat(account.getOverdraftLimit()).isEqualTo(eur(500, 500_000_000));
        assertThat(account.getAvailable()).isEqualTo(eur(500, 500_000_000));
        assertThat(account.getHoldsList()).isEmpty();
        assertThat(account.hasFreeze()).isFalse();
        assertThat(account.getStatus()).isEqualTo(AccountStatus.ACCOUNT_STATUS_OPEN);
        assertThat(account.getOpeningBusinessDate()).isEqualTo(BUSINESS_DATE);
        assertThat(account.hasCreateTime()).isTrue();

        assertThat(get(account.getAccountId())).isEqualTo(account);
    }

    @Test
    void opensASavingsAccountWithoutOverdraft() {
        String customerId = newCustomer();
        Account account = open(customerId, AccountProduct.ACCOUNT_PRODUCT_SAVINGS, "GBP", null);
        assertThat(account.getProduct()).isEqualTo(AccountProduct.ACCOUNT_PRODUCT_SAVINGS);
        assertThat(account.getCurrencyCode()).isEqualTo("GBP");
        assertThat(account.getBalance()).isEqualTo(money("GBP", 0, 0));
        assertThat(account.getOverdraftLimit()).isEqualTo(money("GBP", 0, 0));
        assertThat(account.getAvailable()).isEqualTo(money("GBP", 0, 0));
        assertThat(account.getStatus()).isEqualTo(AccountStatus.ACCOUNT_STATUS_OPEN);

        // An explicit zero overdraft is no overdraft, and allowed on savings.
        Account zero = open(customerId, AccountProduct.ACCOUNT_PRODUCT_SAVINGS, "GBP", money("GBP", 0, 0));
        assertThat(zero.getOverdraftLimit()).isEqualTo(money("GBP", 0, 0));
    }

    @Test
    void aCustomerOfExactlyEighteenMayOpenButOneDayYoungerMayNot() {
        String eighteen = newCustomer(Date.newBuilder().setYear(2008).setMonth(11).setDay(23).build());
        Account account = open(eighteen, AccountProduct.ACCOUNT_PRODUCT_SAVINGS, "EUR", null);
        assertThat(account.getStatus()).isEqualTo(AccountStatus.ACCOUNT_STATUS_OPEN);

        String seventeen = newCustomer(Date.newBuilder().setYear(2008).setMonth(11).setDay(24).build());
        ErrorInfo info = assertError(() -> open(seventeen, AccountProduct.ACCOUNT_PRODUCT_SAVINGS, "EUR", null),
                Status.Code.FAILED_PRECONDITION, "CUSTOMER_UNDERAGE");
        assertThat(info.getMetadataMap()).containsEntry("customer_id", seventeen).containsEntry("minimum_age", "18");
        assertThat(listAccounts(seventeen, 0, "")).isEmpty();
    }

    @Test
    void openingForAnUnknownCustomerIsNotFound() {
        String unknown = UUID.randomUUID().toString();
        ErrorInfo info = assertError(() -> open(unknown, AccountProduct.ACCOUNT_PRODUCT_CURRENT, "EUR", null),
                Status.Code.NOT_FOUND, "CUSTOMER_NOT_FOUND");
        assertThat(info.getMetadataMap()).containsEntry("customer_id", unknown);
    }

    @Test
    void malformedCustomerIdIsInvalid() {
        assertInvalidFields(() -> open("", AccountProduct.ACCOUNT_PRODUCT_CURRENT, "EUR", null), "customer_id");
        assertInvalidFields(() -> open("customer-1", AccountProduct.ACCOUNT_PRODUCT_CURRENT, "EUR", null),
                "customer_id");
        assertInvalidFields(() -> open(UUID.randomUUID().toString().toUpperCase(),
                AccountProduct.ACCOUNT_PRODUCT_CURRENT, "EUR", null), "customer_id");
    }

    @Test
    void invalidOpeningsNameTheFieldAndOpenNothing() {
        String customerId = newCustomer();
        assertInvalidFields(() -> open(customerId, AccountProduct.ACCOUNT_PRODUCT_CURRENT, "XXX", null),
                "currency_code");
        assertInvalidFields(() -> open(customerId, AccountProduct.ACCOUNT_PRODUCT_CURRENT, "eur", null),
                "currency_code");
        assertInvalidFields(() -> open(customerId, AccountProduct.ACCOUNT_PRODUCT_CURRENT, "", null),
                "currency_code");
        assertInvalidFields(() -> open(customerId, AccountProduct.ACCOUNT_PRODUCT_UNSPECIFIED, "EUR", null),
                "product");
        assertInvalidFields(() -> open(customerId, AccountProduct.ACCOUNT_PRODUCT_SAVINGS, "EUR", eur(100)),
                "overdraft_limit");
        assertInvalidFields(() -> open(customerId, AccountProduct.ACCOUNT_PRODUCT_CURRENT, "EUR",
                money("USD", 100, 0)), "overdraft_limit");
        assertInvalidFields(() -> open(customerId, AccountProduct.ACCOUNT_PRODUCT_CURRENT, "EUR",
                eur(0, 1_000_000)), "overdraft_limit");
        assertInvalidFields(() -> open(customerId, AccountProduct.ACCOUNT_PRODUCT_CURRENT, "EUR", eur(-100)),
                "overdraft_limit");
        assertInvalidFields(() -> teller().openAccount(opening(customerId, AccountProduct.ACCOUNT_PRODUCT_CURRENT,
                "EUR").setRequestId("").build()), "request_id");
        assertThat(listAccounts(customerId, 0, "")).isEmpty();
    }

    @Test
    void allBadFieldsOfAnOpeningAreReportedAtOnce() {
        // docs/errors.md: "All bad fields of a request are reported at once."
        String customerId = newCustomer();
        assertInvalidFieldsInAnyOrder(() -> open(customerId, AccountProduct.ACCOUNT_PRODUCT_UNSPECIFIED, "XXX",
                null), "currency_code", "product");
        assertInvalidFieldsInAnyOrder(() -> open(customerId, AccountProduct.ACCOUNT_PRODUCT_UNSPECIFIED, "XXX",
                eur(0, 1_000_000)), "currency_code", "product", "overdraft_limit");
    }

    @Test
    void openingIsIdempotent() {
        String customerId = newCustomer();
        OpenAccountRequest request = opening(customerId, AccountProduct.ACCOUNT_PRODUCT_CURRENT, "CHF").build();
        Account first = teller().openAccount(request).getAccount();
        Account again = teller().openAccount(request).getAccount();
        assertThat(again).isEqualTo(first);
        assertThat(listAccounts(customerId, 0, "")).extracting(Account::getAccountId)
                .containsExactly(first.getAccountId());

        assertError(() -> teller().openAccount(request.toBuilder().setCurrencyCode("USD").build()),
                Status.Code.ALREADY_EXISTS, "REQUEST_ID_REUSED");
        assertThat(listAccounts(customerId, 0, "")).hasSize(1);
    }

    // ----------------------------------------------------------------------------------------- GetAccount

    @Test
    void writesAreReadableAtOnceByAnotherCaller() {
        Account opened = openEur(eur(100));
        DepositFundsResponse deposited = deposit(opened.getAccountId(), eur(42, 420_000_000));

        // No waiting, no retry: another caller's (the owner's, on mobile) very next read reflects the write.
        Account read = customer(opened.getCustomerId()).getAccount(GetAccountRequest.newBuilder()
                .setAccountId(opened.getAccountId()).build()).getAccount();
        assertThat(read.getBalance()).isEqualTo(eur(42, 420_000_000));
        assertThat(read.getAvailable()).isEqualTo(eur(142, 420_000_000));
        assertThat(read).isEqualTo(deposited.getAccount());
    }

    @Test
    void unknownAccountIsNotFound() {
        String unknown = UUID.randomUUID().toString();
        ErrorInfo info = assertError(() -> get(unknown), Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND");
        assertThat(info.getMetadataMap()).containsEntry("account_id", unknown);
    }

    @Test
    void aCustomerIdIsNoAccountId() {
        String customerId = newCustomer();
        ErrorInfo info = assertError(() -> get(customerId), Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND");
        assertThat(info.getMetadataMap()).containsEntry("account_id", customerId);
        assertError(() -> transactions(customerId, 0, ""), Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND");
    }

    @Test
    void commandsToACustomerIdAreNotFoundNeverInternal() {
        String customerId = newCustomer();
        // The id names another kind of aggregate: still no such account, never INTERNAL.
        assertError(() -> deposit(customerId, eur(10)), Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND");
        assertError(() -> withdraw(customerId, eur(10)), Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND");
        assertError(() -> hold(customerId, eur(10)), Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND");
        assertError(() -> freeze(customerId, FreezeScope.FREEZE_SCOPE_ALL, "x"), Status.Code.NOT_FOUND,
                "ACCOUNT_NOT_FOUND");
        assertError(() -> close(customerId), Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND");
        assertThat(eventCount(customerId)).isEqualTo(1);
    }

    @Test
    void malformedAccountIdIsInvalid() {
        assertInvalidFields(() -> get(""), "account_id");
        assertInvalidFields(() -> get("12345"), "account_id");
        assertInvalidFields(() -> get(UUID.randomUUID().toString().toUpperCase()), "account_id");
        assertInvalidFields(() -> deposit("nope", eur(1)), "account_id");
        assertInvalidFields(() -> withdraw("nope", eur(1)), "account_id");
        assertInvalidFields(() -> hold("nope", eur(1)), "account_id");
        assertInvalidFields(() -> release("nope", UUID.randomUUID().toString()), "account_id");
        assertInvalidFields(() -> freeze("nope", FreezeScope.FREEZE_SCOPE_ALL, "x"), "account_id");
        assertInvalidFields(() -> unfreeze("nope", "x"), "account_id");
        assertInvalidFields(() -> close("nope"), "account_id");
        assertInvalidFields(() -> transactions("nope", 0, ""), "account_id");
    }

    // --------------------------------------------------------------------------------------- ListAccounts

    @Test
    void listsACustomersAccountsPageByPageInOpeningOrder() {
        String customerId = newCustomer();
        List<String> opened = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            opened.add(open(customerId, i % 2 == 0 ? AccountProduct.ACCOUNT_PRODUCT_CURRENT
                    : AccountProduct.ACCOUNT_PRODUCT_SAVINGS, "EUR", null).getAccountId());
        }
        // Someone else's accounts never show up.
        open(newCustomer(), AccountProduct.ACCOUNT_PRODUCT_CURRENT, "EUR", null);

        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String token = "";
        do {
            ListAccountsResponse page = teller().listAccounts(ListAccountsRequest.newBuilder()
                    .setCustomerId(customerId).setPageSize(2).setPageToken(token).build());
            page.getAccountsList().forEach(account -> {
                assertThat(account.getCustomerId()).isEqualTo(customerId);
                seen.add(account.getAccountId());
            });
            pageSizes.add(page.getAccountsCount());
            token = page.getNextPageToken();
        } while (!token.isEmpty() && pageSizes.size() < 10);

        assertThat(pageSizes).containsExactly(2, 2, 1);
        assertThat(seen).containsExactlyElementsOf(opened);

        // 0 means the default (20): everything on one page, no token.
        ListAccountsResponse all = teller().listAccounts(ListAccountsRequest.newBuilder()
                .setCustomerId(customerId).build());
        assertThat(all.getAccountsList()).extracting(Account::getAccountId).containsExactlyElementsOf(opened);
        assertThat(all.getNextPageToken()).isEmpty();

        // Exactly a page full: the last page, so no token.
        ListAccountsResponse five = teller().listAccounts(ListAccountsRequest.newBuilder()
                .setCustomerId(customerId).setPageSize(5).build());
        assertThat(five.getAccountsList()).extracting(Account::getAccountId).containsExactlyElementsOf(opened);
        assertThat(five.getNextPageToken()).isEmpty();
    }

    /** Opens {@code count} accounts for the customer from 8 threads at once; returns their ids. */
    private Set<String> openConcurrently(String customerId, int count) throws Exception {
        Set<String> opened = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(pool.submit(() -> opened.add(
                        open(customerId, AccountProduct.ACCOUNT_PRODUCT_SAVINGS, "USD", null).getAccountId())));
            }
            for (Future<?> future : futures) {
                future.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(opened).hasSize(count);
        return opened;
    }

    @Test
    void pageSizeOverOneHundredIsCapped() throws Exception {
        String customerId = newCustomer();
        // 101 accounts, opened concurrently to keep the test short (opening order is covered above).
        Set<String> opened = openConcurrently(customerId, 101);

        ListAccountsResponse first = teller().listAccounts(ListAccountsRequest.newBuilder()
                .setCustomerId(customerId).setPageSize(1000).build());
        assertThat(first.getAccountsCount()).isEqualTo(100);
        assertThat(first.getNextPageToken()).isNotEmpty();
        assertThat(first.getAccountsList()).extracting(Account::getAccountId).doesNotHaveDuplicates()
                .allMatch(opened::contains);
        // 0 means 20.
        ListAccountsResponse defaultPage = teller().listAccounts(ListAccountsRequest.newBuilder()
                .setCustomerId(customerId).build());
        assertThat(defaultPage.getAccountsCount()).isEqualTo(20);
        assertThat(defaultPage.getNextPageToken()).isNotEmpty();
    }

    @Test
    void accountsOpenedConcurrentlyAreEachListedExactlyOnce() throws Exception {
        String customerId = newCustomer();
        Set<String> opened = openConcurrently(customerId, 40);
        List<String> seen = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            ListAccountsResponse page = teller().listAccounts(ListAccountsRequest.newBuilder()
                    .setCustomerId(customerId).setPageSize(1).setPageToken(token).build());
            page.getAccountsList().forEach(account -> seen.add(account.getAccountId()));
            token = page.getNextPageToken();
        } while (!token.isEmpty() && ++pages < 100);
        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(opened);
    }

    @Test
    void badListAccountsRequestsAreRefused() {
        String customerId = newCustomer();
        open(customerId, AccountProduct.ACCOUNT_PRODUCT_CURRENT, "EUR", null);
        Account other = open(customerId, AccountProduct.ACCOUNT_PRODUCT_CURRENT, "EUR", null);

        assertInvalidFields(() -> listAccounts(customerId, -1, ""), "page_size");
        assertInvalidFields(() -> listAccounts(customerId, 0, "garbage!!"), "page_token");
        assertInvalidFields(() -> listAccounts(customerId, 0, "AAAA"), "page_token");
        assertInvalidFields(() -> listAccounts("", 0, ""), "customer_id");
        assertInvalidFields(() -> listAccounts("not-a-customer", 0, ""), "customer_id");

        // A token of another list: from ListTransactions, and from another customer's ListAccounts.
        deposit(other.getAccountId(), eur(1));
        deposit(other.getAccountId(), eur(2));
        String transactionsToken = transactions(other.getAccountId(), 1, "").getNextPageToken();
        assertThat(transactionsToken).isNotEmpty();
        assertInvalidFields(() -> listAccounts(customerId, 1, transactionsToken), "page_token");
        String accountsToken = teller().listAccounts(ListAccountsRequest.newBuilder().setCustomerId(customerId)
                .setPageSize(1).build()).getNextPageToken();
        assertThat(accountsToken).isNotEmpty();
        String stranger = newCustomer();
        assertInvalidFields(() -> listAccounts(stranger, 1, accountsToken), "page_token");

        String unknown = UUID.randomUUID().toString();
        ErrorInfo info = assertError(() -> listAccounts(unknown, 0, ""), Status.Code.NOT_FOUND,
                "CUSTOMER_NOT_FOUND");
        assertThat(info.getMetadataMap()).containsEntry("customer_id", unknown);
        // A customer without accounts is known: an empty list.
        assertThat(listAccounts(stranger, 0, "")).isEmpty();
    }

    // ---------------------------------------------------------------------------- DepositFunds / Withdraw

    @Test
    void depositsAndWithdrawalsMoveTheBalanceAndTheOverdraftCanBeUsedToTheCent() {
        Account account = openEur(eur(100));
        String id = account.getAccountId();

        DepositFundsResponse deposited = deposit(id, eur(250, 500_000_000));
        assertThat(UUID.fromString(deposited.getTransactionId()).toString()).isEqualTo(deposited.getTransactionId());
        assertThat(deposited.getAccount().getBalance()).isEqualTo(eur(250, 500_000_000));
        assertThat(deposited.getAccount().getAvailable()).isEqualTo(eur(350, 500_000_000));

        WithdrawFundsResponse withdrawn = withdraw(id, eur(50, 250_000_000));
        assertThat(withdrawn.getTransactionId()).isNotEmpty().isNotEqualTo(deposited.getTransactionId());
        assertThat(withdrawn.getAccount().getBalance()).isEqualTo(eur(200, 250_000_000));
        assertThat(withdrawn.getAccount().getAvailable()).isEqualTo(eur(300, 250_000_000));

        // Exactly down to the overdraft limit.
        WithdrawFundsResponse toLimit = withdraw(id, eur(300, 250_000_000));
        assertThat(toLimit.getAccount().getBalance()).isEqualTo(eur(-100));
        assertThat(toLimit.getAccount().getAvailable()).isEqualTo(eur(0));

        long events = eventCount(id);
        ErrorInfo info = assertError(() -> withdraw(id, eur(0, 10_000_000)), Status.Code.FAILED_PRECONDITION,
                "INSUFFICIENT_FUNDS");
        assertThat(info.getMetadataMap()).containsEntry("available", "0.00").containsEntry("requested", "0.01")
                .containsEntry("account_id", id);
        assertThat(eventCount(id)).isEqualTo(events);
        assertThat(get(id).getBalance()).isEqualTo(eur(-100));
    }

    @Test
    void aNegativeBalanceBelowOneUnitHasNegativeNanos() {
        Account account = openEur(eur(1));
        Account overdrawn = withdraw(account.getAccountId(), eur(0, 500_000_000)).getAccount();
        assertThat(overdrawn.getBalance()).isEqualTo(eur(0, -500_000_000));
        assertThat(overdrawn.getAvailable()).isEqualTo(eur(0, 500_000_000));
        assertThat(get(account.getAccountId()).getBalance()).isEqualTo(eur(0, -500_000_000));
    }

    @Test
    void savingsCannotBeOverdrawn() {
        Account account = open(newCustomer(), AccountProduct.ACCOUNT_PRODUCT_SAVINGS, "EUR", null);
        deposit(account.getAccountId(), eur(10));
        ErrorInfo info = assertError(() -> withdraw(account.getAccountId(), eur(10, 10_000_000)),
                Status.Code.FAILED_PRECONDITION, "INSUFFICIENT_FUNDS");
        assertThat(info.getMetadataMap()).containsEntry("available", "10.00").containsEntry("requested", "10.01");
        assertThat(withdraw(account.getAccountId(), eur(10)).getAccount().getBalance()).isEqualTo(eur(0));
    }

    @Test
    void amountsMustHaveTheCurrencysScale() {
        Account yen = open(newCustomer(), AccountProduct.ACCOUNT_PRODUCT_CURRENT, "JPY", null);
        DepositFundsResponse deposited = deposit(yen.getAccountId(), money("JPY", 1500, 0));
        assertThat(deposited.getAccount().getBalance()).isEqualTo(money("JPY", 1500, 0));
        assertThat(deposited.getAccount().getAvailable()).isEqualTo(money("JPY", 1500, 0));
        assertInvalidFields(() -> deposit(yen.getAccountId(), money("JPY", 1, 500_000_000)), "amount");
        assertInvalidFields(() -> withdraw(yen.getAccountId(), money("JPY", 1, 500_000_000)), "amount");
        assertInvalidFields(() -> hold(yen.getAccountId(), money("JPY", 1, 500_000_000)), "amount");

        Account euro = openEur(null);
        assertInvalidFields(() -> deposit(euro.getAccountId(), eur(0, 1_000_000)), "amount");
        assertInvalidFields(() -> deposit(euro.getAccountId(), eur(5, 5)), "amount");
        assertInvalidFields(() -> withdraw(euro.getAccountId(), eur(0, 1_000_000)), "amount");
        assertThat(get(euro.getAccountId()).getBalance()).isEqualTo(eur(0));
        assertThat(get(yen.getAccountId()).getBalance()).isEqualTo(money("JPY", 1500, 0));
    }

    @Test
    void amountsMustBePositiveAndWellFormed() {
        Account account = openEur(eur(100));
        String id = account.getAccountId();
        deposit(id, eur(50));
        long events = eventCount(id);

        assertInvalidFields(() -> deposit(id, eur(0)), "amount");
        assertInvalidFields(() -> deposit(id, eur(-5)), "amount");
        assertInvalidFields(() -> deposit(id, eur(-5, -500_000_000)), "amount");
        assertInvalidFields(() -> deposit(id, eur(0, -10_000_000)), "amount");
        assertInvalidFields(() -> deposit(id, eur(1, -500_000_000)), "amount.nanos");
        assertInvalidFields(() -> deposit(id, eur(-1, 500_000_000)), "amount.nanos");
        assertInvalidFields(() -> deposit(id, eur(1, 1_000_000_000)), "amount.nanos");
        assertInvalidFields(() -> deposit(id, money("XXX", 1, 0)), "amount.currency_code");
        assertInvalidFields(() -> teller().depositFunds(depositing(id, eur(1)).clearAmount().build()), "amount");

        assertInvalidFields(() -> withdraw(id, eur(0)), "amount");
        assertInvalidFields(() -> withdraw(id, eur(-5)), "amount");
        assertInvalidFields(() -> withdraw(id, eur(1, -500_000_000)), "amount.nanos");
        assertInvalidFields(() -> teller().withdrawFunds(withdrawing(id, eur(1)).clearAmount().build()), "amount");

        assertThat(eventCount(id)).isEqualTo(events);
        assertThat(get(id).getBalance()).isEqualTo(eur(50));
    }

    @Test
    void absurdAmountsAndBalancesAreRefusedNeverInternal() {
        // A single amount above 10^13 units is a client bug; a balance above 10^15 units is refused,
        // which keeps every balance far inside google.type.Money's int64 units.
        Account account = open(newCustomer(), AccountProduct.ACCOUNT_PRODUCT_SAVINGS, "EUR", null);
        String id = account.getAccountId();
        assertInvalidFields(() -> deposit(id, eur(Long.MAX_VALUE)), "amount");
        assertInvalidFields(() -> deposit(id, eur(10_000_000_000_001L)), "amount");
        for (int i = 0; i < 100; i++) {
            deposit(id, eur(10_000_000_000_000L));
        }
        long events = eventCount(id);
        ErrorInfo info = assertError(() -> deposit(id, eur(1)), Status.Code.FAILED_PRECONDITION,
                "BALANCE_LIMIT_EXCEEDED");
        assertThat(info.getMetadataMap()).containsEntry("maximum_balance", "1000000000000000");
        assertThat(eventCount(id)).isEqualTo(events);
        assertThat(get(id).getBalance()).isEqualTo(eur(1_000_000_000_000_000L));
    }

    @Test
    void anotherCurrencyThanTheAccountsIsAMismatch() {
        Account account = openEur(eur(100));
        String id = account.getAccountId();
        deposit(id, eur(50));
        ErrorInfo info = assertError(() -> deposit(id, money("USD", 10, 0)), Status.Code.FAILED_PRECONDITION,
                "CURRENCY_MISMATCH");
        assertThat(info.getMetadataMap()).containsEntry("account_currency_code", "EUR")
                .containsEntry("amount_currency_code", "USD");
        assertError(() -> withdraw(id, money("USD", 10, 0)), Status.Code.FAILED_PRECONDITION, "CURRENCY_MISMATCH");
        assertError(() -> hold(id, money("GBP", 10, 0)), Status.Code.FAILED_PRECONDITION, "CURRENCY_MISMATCH");
        assertThat(get(id).getBalance()).isEqualTo(eur(50));
    }

    @Test
    void aCounterpartyIsRequired() {
        Account account = openEur(eur(100));
        String id = account.getAccountId();
        long opened = eventCount(id); // the opening, and the overdraft its supervisor granted
        assertInvalidFields(() -> teller().depositFunds(depositing(id, eur(1)).clearCounterparty().build()),
                "counterparty.type", "counterparty.reference");
        assertInvalidFields(() -> teller().withdrawFunds(withdrawing(id, eur(1)).clearCounterparty().build()),
                "counterparty.type", "counterparty.reference");
        assertInvalidFields(() -> teller().depositFunds(depositing(id, eur(1))
                .setCounterparty(Counterparty.newBuilder().setReference("ref-1")).build()), "counterparty.type");
        assertInvalidFields(() -> teller().depositFunds(depositing(id, eur(1))
                .setCounterparty(Counterparty.newBuilder()
                        .setType(CounterpartyType.COUNTERPARTY_TYPE_EXTERNAL_CLEARING)).build()),
                "counterparty.reference");
        assertInvalidFields(() -> teller().depositFunds(depositing(id, eur(1))
                .setCounterparty(clearing("r".repeat(141))).build()), "counterparty.reference");
        assertThat(eventCount(id)).isEqualTo(opened);
    }

    @Test
    void allBadFieldsOfADepositAreReportedAtOnce() {
        // docs/errors.md: "All bad fields of a request are reported at once."
        Account account = openEur(null);
        assertInvalidFieldsInAnyOrder(() -> teller().depositFunds(depositing(account.getAccountId(), eur(0))
                .clearCounterparty().build()), "amount", "counterparty.type", "counterparty.reference");
    }

    @Test
    void movingMoneyOnAnUnknownAccountIsNotFound() {
        String unknown = UUID.randomUUID().toString();
        ErrorInfo info = assertError(() -> deposit(unknown, eur(1)), Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND");
        assertThat(info.getMetadataMap()).containsEntry("account_id", unknown);
        assertError(() -> withdraw(unknown, eur(1)), Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND");
        assertError(() -> hold(unknown, eur(1)), Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND");
        assertError(() -> release(unknown, UUID.randomUUID().toString()), Status.Code.NOT_FOUND,
                "ACCOUNT_NOT_FOUND");
        assertError(() -> freeze(unknown, FreezeScope.FREEZE_SCOPE_ALL, "x"), Status.Code.NOT_FOUND,
                "ACCOUNT_NOT_FOUND");
        assertError(() -> unfreeze(unknown, "x"), Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND");
        assertError(() -> close(unknown), Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND");
        assertThat(eventCount(unknown)).isZero();
    }

    @Test
    void aRequestIdIsRequiredOnEveryMutation() {
        Account account = openEur(eur(100));
        String id = account.getAccountId();
        long opened = eventCount(id); // the opening, and the overdraft its supervisor granted
        assertInvalidFields(() -> teller().depositFunds(depositing(id, eur(1)).setRequestId("").build()),
                "request_id");
        assertInvalidFields(() -> teller().depositFunds(depositing(id, eur(1)).setRequestId("with space").build()),
                "request_id");
        assertInvalidFields(() -> teller().withdrawFunds(withdrawing(id, eur(1)).setRequestId("").build()),
                "request_id");
        assertInvalidFields(() -> teller().placeHold(holding(id, eur(1)).setRequestId("").build()), "request_id");
        assertInvalidFields(() -> teller().releaseHold(ReleaseHoldRequest.newBuilder().setAccountId(id)
                .setHoldId(UUID.randomUUID().toString()).build()), "request_id");
        assertInvalidFields(() -> teller().freezeAccount(FreezeAccountRequest.newBuilder().setAccountId(id)
                .setScope(FreezeScope.FREEZE_SCOPE_ALL).setReason("x").build()), "request_id");
        assertInvalidFields(() -> teller().unfreezeAccount(UnfreezeAccountRequest.newBuilder().setAccountId(id)
                .setReason("x").build()), "request_id");
        assertInvalidFields(() -> teller().closeAccount(CloseAccountRequest.newBuilder().setAccountId(id).build()),
                "request_id");
        assertThat(eventCount(id)).isEqualTo(opened);
    }

    @Test
    void aRetriedDepositReturnsTheSameAnswerAndCountsOnce() {
        Account account = openEur(null);
        String id = account.getAccountId();
        DepositFundsRequest request = depositing(id, eur(75, 250_000_000)).build();
        DepositFundsResponse first = teller().depositFunds(request);
        DepositFundsResponse again = teller().depositFunds(request);
        assertThat(again).isEqualTo(first);
        assertThat(get(id).getBalance()).isEqualTo(eur(75, 250_000_000));
        assertThat(transactions(id, 0, "").getTransactionsList()).extracting(Transaction::getTransactionId)
                .containsExactly(first.getTransactionId());

        ErrorInfo info = assertError(() -> teller().depositFunds(request.toBuilder().setAmount(eur(80)).build()),
                Status.Code.ALREADY_EXISTS, "REQUEST_ID_REUSED");
        assertThat(info.getMetadataMap()).containsEntry("request_id", request.getRequestId());
        assertThat(get(id).getBalance()).isEqualTo(eur(75, 250_000_000));

        // The key is per method: the same request_id on WithdrawFunds is another request.
        WithdrawFundsResponse withdrawn = teller().withdrawFunds(withdrawing(id, eur(5))
                .setRequestId(request.getRequestId()).build());
        assertThat(withdrawn.getAccount().getBalance()).isEqualTo(eur(70, 250_000_000));
    }

    @Test
    void aRetriedWithdrawalReturnsTheSameAnswerAndCountsOnce() {
        Account account = openEur(null);
        String id = account.getAccountId();
        deposit(id, eur(100));
        WithdrawFundsRequest request = withdrawing(id, eur(40)).build();
        WithdrawFundsResponse first = teller().withdrawFunds(request);
        assertThat(teller().withdrawFunds(request)).isEqualTo(first);
        assertThat(get(id).getBalance()).isEqualTo(eur(60));
        assertError(() -> teller().withdrawFunds(request.toBuilder().setAmount(eur(41)).build()),
                Status.Code.ALREADY_EXISTS, "REQUEST_ID_REUSED");
        assertError(() -> teller().withdrawFunds(request.toBuilder().setCounterparty(clearing("other")).build()),
                Status.Code.ALREADY_EXISTS, "REQUEST_ID_REUSED");
        assertThat(get(id).getBalance()).isEqualTo(eur(60));
    }

    @Test
    void aRefusedWithdrawalIsReplayedAsRefused() {
        Account account = openEur(null);
        String id = account.getAccountId();
        WithdrawFundsRequest request = withdrawing(id, eur(10)).build();
        assertError(() -> teller().withdrawFunds(request), Status.Code.FAILED_PRECONDITION, "INSUFFICIENT_FUNDS");
        deposit(id, eur(20));
        // The first outcome is the answer to a retry, whatever happened meanwhile.
        assertError(() -> teller().withdrawFunds(request), Status.Code.FAILED_PRECONDITION, "INSUFFICIENT_FUNDS");
        assertThat(get(id).getBalance()).isEqualTo(eur(20));
        assertThat(teller().withdrawFunds(request.toBuilder().setRequestId(rid()).build()).getAccount()
                .getBalance()).isEqualTo(eur(10));
    }

    // ----------------------------------------------------------------------------- PlaceHold / ReleaseHold

    @Test
    void holdsReserveFundsUntilReleased() {
        Account account = openEur(eur(20));
        String id = account.getAccountId();
        deposit(id, eur(100));

        PlaceHoldResponse placed = hold(id, eur(30, 500_000_000));
        assertThat(UUID.fromString(placed.getHoldId()).toString()).isEqualTo(placed.getHoldId());
        assertThat(placed.getAccount().getBalance()).isEqualTo(eur(100));
        assertThat(placed.getAccount().getAvailable()).isEqualTo(eur(89, 500_000_000));
        assertThat(placed.getAccount().getHoldsList()).containsExactly(Hold.newBuilder()
                .setHoldId(placed.getHoldId()).setAmount(eur(30, 500_000_000)).setReason("card authorisation")
                .build());
        assertThat(get(id)).isEqualTo(placed.getAccount());

        Instant expiry = support.clock().instant().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
        PlaceHoldResponse expiring = teller().placeHold(holding(id, eur(9, 500_000_000)).setReason("hotel")
                .setExpireTime(timestamp(expiry)).build());
        assertThat(expiring.getAccount().getAvailable()).isEqualTo(eur(80));
        assertThat(expiring.getAccount().getHoldsList()).extracting(Hold::getHoldId)
                .containsExactly(placed.getHoldId(), expiring.getHoldId());
        assertThat(expiring.getAccount().getHolds(1).getExpireTime()).isEqualTo(timestamp(expiry));
        assertThat(get(id)).isEqualTo(expiring.getAccount());

        // Holds count against withdrawals and other holds.
        ErrorInfo info = assertError(() -> hold(id, eur(80, 10_000_000)), Status.Code.FAILED_PRECONDITION,
                "INSUFFICIENT_FUNDS");
        assertThat(info.getMetadataMap()).containsEntry("available", "80.00").containsEntry("requested", "80.01");
        assertError(() -> withdraw(id, eur(80, 10_000_000)), Status.Code.FAILED_PRECONDITION, "INSUFFICIENT_FUNDS");

        Account released = release(id, placed.getHoldId());
        assertThat(released.getAvailable()).isEqualTo(eur(110, 500_000_000));
        assertThat(released.getHoldsList()).extracting(Hold::getHoldId).containsExactly(expiring.getHoldId());
        released = release(id, expiring.getHoldId());
        assertThat(released.getAvailable()).isEqualTo(eur(120));
        assertThat(released.getHoldsList()).isEmpty();
        assertThat(get(id)).isEqualTo(released);

        // Holds are no postings.
        assertThat(transactions(id, 0, "").getTransactionsCount()).isEqualTo(1);

        // Released once: a second release finds no active hold.
        ErrorInfo gone = assertError(() -> release(id, placed.getHoldId()), Status.Code.NOT_FOUND,
                "HOLD_NOT_FOUND");
        assertThat(gone.getMetadataMap()).containsEntry("hold_id", placed.getHoldId());
    }

    @Test
    void aHoldMayTakeExactlyTheAvailableFunds() {
        Account account = open(newCustomer(), AccountProduct.ACCOUNT_PRODUCT_SAVINGS, "EUR", null);
        deposit(account.getAccountId(), eur(10));
        Account held = hold(account.getAccountId(), eur(10)).getAccount();
        assertThat(held.getAvailable()).isEqualTo(eur(0));
        assertThat(held.getBalance()).isEqualTo(eur(10));
        assertError(() -> withdraw(account.getAccountId(), eur(0, 10_000_000)), Status.Code.FAILED_PRECONDITION,
                "INSUFFICIENT_FUNDS");
    }

    @Test
    void badHoldsAreRefused() {
        Account account = openEur(eur(100));
        String id = account.getAccountId();
        long opened = eventCount(id); // the opening, and the overdraft its supervisor granted
        Instant now = support.clock().instant();

        assertInvalidFields(() -> teller().placeHold(holding(id, eur(1))
                .setExpireTime(timestamp(now.minus(Duration.ofMinutes(1)))).build()), "expire_time");
        assertInvalidFields(() -> teller().placeHold(holding(id, eur(1))
                .setExpireTime(timestamp(now)).build()), "expire_time");
        assertInvalidFields(() -> teller().placeHold(holding(id, eur(1))
                .setExpireTime(timestamp(now.plus(Duration.ofDays(401)))).build()), "expire_time");
        assertInvalidFields(() -> teller().placeHold(holding(id, eur(1))
                .setExpireTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond() + 3600).setNanos(-1))
                .build()), "expire_time");
        assertInvalidFields(() -> hold(id, eur(0)), "amount");
        assertInvalidFields(() -> hold(id, eur(-1)), "amount");
        assertInvalidFields(() -> teller().placeHold(holding(id, eur(1)).clearAmount().build()), "amount");
        assertInvalidFields(() -> teller().placeHold(holding(id, eur(1)).setReason("").build()), "reason");
        assertInvalidFields(() -> teller().placeHold(holding(id, eur(1)).setReason("x".repeat(141)).build()),
                "reason");
        ErrorInfo info = assertError(() -> hold(id, eur(100, 10_000_000)), Status.Code.FAILED_PRECONDITION,
                "INSUFFICIENT_FUNDS");
        assertThat(info.getMetadataMap()).containsEntry("available", "100.00")
                .containsEntry("requested", "100.01");

        ErrorInfo unknown = assertError(() -> release(id, UUID.randomUUID().toString()), Status.Code.NOT_FOUND,
                "HOLD_NOT_FOUND");
        assertThat(unknown.getMetadataMap()).containsEntry("account_id", id);
        assertInvalidFields(() -> release(id, "hold-1"), "hold_id");
        assertInvalidFields(() -> release(id, ""), "hold_id");
        assertThat(eventCount(id)).isEqualTo(opened);
    }

    @Test
    void aRetriedHoldPlacesOneHold() {
        Account account = openEur(eur(100));
        String id = account.getAccountId();
        PlaceHoldRequest request = holding(id, eur(25)).build();
        PlaceHoldResponse first = teller().placeHold(request);
        assertThat(teller().placeHold(request)).isEqualTo(first);
        assertThat(get(id).getHoldsList()).hasSize(1);
        assertThat(get(id).getAvailable()).isEqualTo(eur(75));
        assertError(() -> teller().placeHold(request.toBuilder().setAmount(eur(26)).build()),
                Status.Code.ALREADY_EXISTS, "REQUEST_ID_REUSED");
    }

    // ------------------------------------------------------------------------------ Freeze / Unfreeze

    @Test
    void aDebitFreezeBlocksDebitsAndHoldsButNotCredits() {
        Account account = openEur(eur(50));
        String id = account.getAccountId();
        deposit(id, eur(100));

        Account frozen = freeze(id, FreezeScope.FREEZE_SCOPE_DEBITS, "fraud check");
        assertThat(frozen.getFreeze()).isEqualTo(Freeze.newBuilder().setScope(FreezeScope.FREEZE_SCOPE_DEBITS)
                .setReason("fraud check").build());
        assertThat(get(id)).isEqualTo(frozen);

        ErrorInfo info = assertError(() -> withdraw(id, eur(1)), Status.Code.FAILED_PRECONDITION, "ACCOUNT_FROZEN");
        assertThat(info.getMetadataMap()).containsEntry("freeze_scope", "DEBITS");
        assertError(() -> hold(id, eur(1)), Status.Code.FAILED_PRECONDITION, "ACCOUNT_FROZEN");
        assertThat(deposit(id, eur(5)).getAccount().getBalance()).isEqualTo(eur(105));

        Account unfrozen = unfreeze(id, "cleared");
        assertThat(unfrozen.hasFreeze()).isFalse();
        assertThat(get(id).hasFreeze()).isFalse();
        assertThat(withdraw(id, eur(5)).getAccount().getBalance()).isEqualTo(eur(100));
        assertThat(hold(id, eur(1)).getAccount().getAvailable()).isEqualTo(eur(149));
    }

    @Test
    void aFullFreezeBlocksEveryMovement() {
        Account account = openEur(eur(50));
        String id = account.getAccountId();
        deposit(id, eur(100));
        String holdId = hold(id, eur(10)).getHoldId();

        Account frozen = freeze(id, FreezeScope.FREEZE_SCOPE_ALL, "court order 17/2026");
        assertThat(frozen.getFreeze()).isEqualTo(Freeze.newBuilder().setScope(FreezeScope.FREEZE_SCOPE_ALL)
                .setReason("court order 17/2026").build());
        assertThat(get(id).getFreeze()).isEqualTo(frozen.getFreeze());

        long events = eventCount(id);
        ErrorInfo info = assertError(() -> deposit(id, eur(1)), Status.Code.FAILED_PRECONDITION, "ACCOUNT_FROZEN");
        assertThat(info.getMetadataMap()).containsEntry("freeze_scope", "ALL");
        assertError(() -> withdraw(id, eur(1)), Status.Code.FAILED_PRECONDITION, "ACCOUNT_FROZEN");
        assertError(() -> hold(id, eur(1)), Status.Code.FAILED_PRECONDITION, "ACCOUNT_FROZEN");
        assertThat(eventCount(id)).isEqualTo(events);
        assertThat(get(id).getBalance()).isEqualTo(eur(100));

        // From ALL down to DEBITS: credits arrive again.
        Account debits = freeze(id, FreezeScope.FREEZE_SCOPE_DEBITS, "court order 17/2026 varied");
        assertThat(debits.getFreeze().getScope()).isEqualTo(FreezeScope.FREEZE_SCOPE_DEBITS);
        assertThat(deposit(id, eur(1)).getAccount().getBalance()).isEqualTo(eur(101));

        Account unfrozen = unfreeze(id, "order lifted");
        assertThat(unfrozen.hasFreeze()).isFalse();
        assertThat(release(id, holdId).getHoldsList()).isEmpty();
        assertThat(get(id).hasFreeze()).isFalse();
    }

    @Test
    void badFreezesAndUnfreezesAreRefused() {
        Account account = openEur(null);
        String id = account.getAccountId();

        ErrorInfo info = assertError(() -> unfreeze(id, "nothing to lift"), Status.Code.FAILED_PRECONDITION,
                "ACCOUNT_NOT_FROZEN");
        assertThat(info.getMetadataMap()).containsEntry("account_id", id);
        assertInvalidFields(() -> freeze(id, FreezeScope.FREEZE_SCOPE_UNSPECIFIED, "why"), "scope");
        assertInvalidFields(() -> freeze(id, FreezeScope.FREEZE_SCOPE_DEBITS, ""), "reason");
        assertInvalidFields(() -> freeze(id, FreezeScope.FREEZE_SCOPE_DEBITS, " padded "), "reason");
        assertInvalidFields(() -> freeze(id, FreezeScope.FREEZE_SCOPE_DEBITS, "r".repeat(141)), "reason");
        assertInvalidFields(() -> freeze(id, FreezeScope.FREEZE_SCOPE_UNSPECIFIED, ""), "scope", "reason");
        assertInvalidFields(() -> unfreeze(id, ""), "reason");
        assertThat(eventCount(id)).isEqualTo(1);
        assertThat(get(id).hasFreeze()).isFalse();

        freeze(id, FreezeScope.FREEZE_SCOPE_DEBITS, "check");
        assertInvalidFields(() -> unfreeze(id, ""), "reason");
        assertThat(get(id).getFreeze().getScope()).isEqualTo(FreezeScope.FREEZE_SCOPE_DEBITS);
        unfreeze(id, "done");
        assertError(() -> unfreeze(id, "again"), Status.Code.FAILED_PRECONDITION, "ACCOUNT_NOT_FROZEN");
    }

    // ---------------------------------------------------------------------------------------- CloseAccount

    @Test
    void onlyAnEmptyAccountWithoutHoldsCloses() {
        Account account = openEur(eur(50));
        String id = account.getAccountId();
        deposit(id, eur(10));

        ErrorInfo notEmpty = assertError(() -> close(id), Status.Code.FAILED_PRECONDITION, "ACCOUNT_NOT_EMPTY");
        assertThat(notEmpty.getMetadataMap()).containsEntry("balance", "10.00");

        // Overdrawn is not empty either.
        withdraw(id, eur(15));
        assertError(() -> close(id), Status.Code.FAILED_PRECONDITION, "ACCOUNT_NOT_EMPTY");
        deposit(id, eur(5));

        String holdId = hold(id, eur(5)).getHoldId();
        ErrorInfo holds = assertError(() -> close(id), Status.Code.FAILED_PRECONDITION, "ACCOUNT_HAS_ACTIVE_HOLDS");
        assertThat(holds.getMetadataMap()).containsEntry("active_holds", "1");
        release(id, holdId);

        Account closed = close(id);
        assertThat(closed.getStatus()).isEqualTo(AccountStatus.ACCOUNT_STATUS_CLOSED);
        assertThat(closed.getBalance()).isEqualTo(eur(0));
        assertThat(get(id)).isEqualTo(closed);
        assertThat(listAccounts(account.getCustomerId(), 0, "")).extracting(Account::getStatus)
                .containsExactly(AccountStatus.ACCOUNT_STATUS_CLOSED);

        long events = eventCount(id);
        assertError(() -> deposit(id, eur(1)), Status.Code.FAILED_PRECONDITION, "ACCOUNT_CLOSED");
        assertError(() -> withdraw(id, eur(1)), Status.Code.FAILED_PRECONDITION, "ACCOUNT_CLOSED");
        assertError(() -> hold(id, eur(1)), Status.Code.FAILED_PRECONDITION, "ACCOUNT_CLOSED");
        assertError(() -> release(id, holdId), Status.Code.FAILED_PRECONDITION, "ACCOUNT_CLOSED");
        assertError(() -> freeze(id, FreezeScope.FREEZE_SCOPE_ALL, "late"), Status.Code.FAILED_PRECONDITION,
                "ACCOUNT_CLOSED");
        assertError(() -> unfreeze(id, "late"), Status.Code.FAILED_PRECONDITION, "ACCOUNT_CLOSED");
        assertError(() -> close(id), Status.Code.FAILED_PRECONDITION, "ACCOUNT_CLOSED");
        assertThat(eventCount(id)).isEqualTo(events);

        // A closed account is still readable, with its statement.
        assertThat(transactions(id, 0, "").getTransactionsCount()).isEqualTo(3);
    }

    @Test
    void aRetriedCloseAnswersLikeTheFirst() {
        Account account = openEur(null);
        CloseAccountRequest request = CloseAccountRequest.newBuilder().setRequestId(rid())
                .setAccountId(account.getAccountId()).build();
        Account first = teller().closeAccount(request).getAccount();
        assertThat(teller().closeAccount(request).getAccount()).isEqualTo(first);
        assertThat(first.getStatus()).isEqualTo(AccountStatus.ACCOUNT_STATUS_CLOSED);
    }

    // ------------------------------------------------------------------------------------ ListTransactions

    @Test
    void listsPostingsNewestFirstWithTheRunningBalance() {
        Account account = openEur(eur(50));
        String id = account.getAccountId();
        List<String> requestIds = new ArrayList<>();
        List<String> transactionIds = new ArrayList<>();
        List<String> references = new ArrayList<>();

        Money[] amounts = {eur(100), eur(30), eur(5, 500_000_000), eur(20), eur(1)};
        boolean[] credit = {true, false, true, false, true};
        for (int i = 0; i < amounts.length; i++) {
            String requestId = "stmt-" + UUID.randomUUID();
            String reference = "clearing-ref-" + i;
            requestIds.add(requestId);
            references.add(reference);
            if (credit[i]) {
                transactionIds.add(teller().depositFunds(DepositFundsRequest.newBuilder().setRequestId(requestId)
                        .setAccountId(id).setAmount(amounts[i]).setCounterparty(clearing(reference)).build())
                        .getTransactionId());
            } else {
                transactionIds.add(teller().withdrawFunds(WithdrawFundsRequest.newBuilder().setRequestId(requestId)
                        .setAccountId(id).setAmount(amounts[i]).setCounterparty(clearing(reference)).build())
                        .getTransactionId());
            }
        }
        // Neither a hold nor a freeze is a posting.
        hold(id, eur(1));
        freeze(id, FreezeScope.FREEZE_SCOPE_DEBITS, "review");

        ListTransactionsResponse all = transactions(id, 0, "");
        assertThat(all.getNextPageToken()).isEmpty();
        List<Transaction> postings = all.getTransactionsList();
        assertThat(postings).extracting(Transaction::getTransactionId)
                .containsExactlyElementsOf(reversed(transactionIds));
        assertThat(postings).extracting(Transaction::getBalanceAfter).containsExactly(
                eur(56, 500_000_000), eur(55, 500_000_000), eur(75, 500_000_000), eur(70), eur(100));
        assertThat(postings).extracting(Transaction::getDirection).containsExactly(
                TransactionDirection.TRANSACTION_DIRECTION_CREDIT, TransactionDirection.TRANSACTION_DIRECTION_DEBIT,
                TransactionDirection.TRANSACTION_DIRECTION_CREDIT, TransactionDirection.TRANSACTION_DIRECTION_DEBIT,
                TransactionDirection.TRANSACTION_DIRECTION_CREDIT);
        assertThat(postings).extracting(Transaction::getAmount)
                .containsExactly(eur(1), eur(20), eur(5, 500_000_000), eur(30), eur(100));
        assertThat(postings).extracting(Transaction::getRequestId).containsExactlyElementsOf(reversed(requestIds));
        assertThat(postings).extracting(transaction -> transaction.getCounterparty().getReference())
                .containsExactlyElementsOf(reversed(references));
        assertThat(postings).allSatisfy(transaction -> {
            assertThat(transaction.getAccountId()).isEqualTo(id);
            assertThat(transaction.getCounterparty().getType())
                    .isEqualTo(CounterpartyType.COUNTERPARTY_TYPE_EXTERNAL_CLEARING);
            assertThat(transaction.getChannel()).isEqualTo("BRANCH");
            assertThat(transaction.getBusinessDate()).isEqualTo(BUSINESS_DATE);
            assertThat(transaction.hasCreateTime()).isTrue();
        });
        assertThat(get(id).getBalance()).isEqualTo(postings.get(0).getBalanceAfter());

        // Page by page: 2, 2, 1, the same postings in the same order, none twice.
        List<Transaction> paged = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String token = "";
        do {
            ListTransactionsResponse page = transactions(id, 2, token);
            paged.addAll(page.getTransactionsList());
            sizes.add(page.getTransactionsCount());
            token = page.getNextPageToken();
        } while (!token.isEmpty() && sizes.size() < 10);
        assertThat(sizes).containsExactly(2, 2, 1);
        assertThat(paged).containsExactlyElementsOf(postings);
        assertThat(new HashSet<>(paged)).hasSize(5);
    }

    @Test
    void anAccountWithoutPostingsHasAnEmptyStatement() {
        Account account = openEur(null);
        ListTransactionsResponse none = transactions(account.getAccountId(), 0, "");
        assertThat(none.getTransactionsList()).isEmpty();
        assertThat(none.getNextPageToken()).isEmpty();
    }

    @Test
    void badListTransactionsRequestsAreRefused() {
        Account account = openEur(null);
        String id = account.getAccountId();
        deposit(id, eur(1));
        deposit(id, eur(2));
        Account other = openEur(null);
        deposit(other.getAccountId(), eur(1));
        deposit(other.getAccountId(), eur(2));

        String unknown = UUID.randomUUID().toString();
        ErrorInfo info = assertError(() -> transactions(unknown, 0, ""), Status.Code.NOT_FOUND,
                "ACCOUNT_NOT_FOUND");
        assertThat(info.getMetadataMap()).containsEntry("account_id", unknown);
        assertInvalidFields(() -> transactions(id, 0, "garbage"), "page_token");
        assertInvalidFields(() -> transactions(id, 0, "%%%"), "page_token");
        assertInvalidFields(() -> transactions(id, -5, ""), "page_size");
        assertInvalidFields(() -> transactions("", 0, ""), "account_id");

        String othersToken = transactions(other.getAccountId(), 1, "").getNextPageToken();
        assertThat(othersToken).isNotEmpty();
        assertInvalidFields(() -> transactions(id, 1, othersToken), "page_token");
        // A ListAccounts token is no ListTransactions token.
        open(account.getCustomerId(), AccountProduct.ACCOUNT_PRODUCT_SAVINGS, "EUR", null);
        String accountsToken = teller().listAccounts(ListAccountsRequest.newBuilder()
                .setCustomerId(account.getCustomerId()).setPageSize(1).build()).getNextPageToken();
        assertThat(accountsToken).isNotEmpty();
        assertInvalidFields(() -> transactions(id, 1, accountsToken), "page_token");
    }

    // -------------------------------------------------------------------------------------------- identity

    @Test
    void callsWithoutIdentityAreUnauthenticated() {
        AccountServiceBlockingStub anonymous = AccountServiceGrpc.newBlockingStub(channel())
                .withDeadlineAfter(20, TimeUnit.SECONDS);
        ErrorInfo info = assertError(() -> anonymous.getAccount(GetAccountRequest.newBuilder()
                        .setAccountId(UUID.randomUUID().toString()).build()),
                Status.Code.UNAUTHENTICATED, "MISSING_CREDENTIALS");
        assertThat(info.getMetadataMap()).containsEntry("header", "authorization");
        assertError(() -> anonymous.depositFunds(depositing(UUID.randomUUID().toString(), eur(1)).build()),
                Status.Code.UNAUTHENTICATED, "MISSING_CREDENTIALS");
    }

    // ---------------------------------------------------------------------------------- ProjectionAdmin

    @Test
    void operatorsSeeEveryProjectionRunningAndCustomersMayNot() {
        openEur(null);
        var operator = as(ProjectionAdminServiceGrpc.newBlockingStub(channel()), "operator-1", "OPERATOR", "SYSTEM")
                .withDeadlineAfter(20, TimeUnit.SECONDS);
        List<Projection> projections = operator.listProjections(ListProjectionsRequest.getDefaultInstance())
                .getProjectionsList();
        assertThat(projections).extracting(Projection::getName)
                .containsExactlyInAnyOrder("customer-view", "account-view", "account-transactions", "approval-view",
                        "transfer-view", "general-ledger", "loan-view");
        assertThat(projections).allSatisfy(projection -> {
            assertThat(projection.getState()).isEqualTo(ProjectionState.PROJECTION_STATE_RUNNING);
            assertThat(projection.getLag()).isGreaterThanOrEqualTo(0);
            assertThat(projection.getHead()).isGreaterThanOrEqualTo(0);
            assertThat(projection.getPosition()).isLessThanOrEqualTo(projection.getHead());
            if (projection.getSameTransaction()) {
                assertThat(projection.getLag()).as("written with every write: never behind").isZero();
            } else {
                assertThat(projection.getTotalSegments()).isPositive();
            }
        });
        assertThat(projections).filteredOn(Projection::getSameTransaction).extracting(Projection::getName)
                .containsExactlyInAnyOrder("customer-view", "account-view", "account-transactions", "approval-view",
                        "transfer-view", "loan-view");

        var customerStub = as(ProjectionAdminServiceGrpc.newBlockingStub(channel()), "c-77", "CUSTOMER", "MOBILE")
                .withDeadlineAfter(20, TimeUnit.SECONDS);
        ErrorInfo info = assertError(() -> customerStub.listProjections(ListProjectionsRequest.getDefaultInstance()),
                Status.Code.PERMISSION_DENIED, "ROLE_NOT_PERMITTED");
        assertThat(info.getMetadataMap()).containsEntry("role", "CUSTOMER");
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }
}
