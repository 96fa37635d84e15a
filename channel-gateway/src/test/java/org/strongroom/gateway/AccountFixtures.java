package org.strongroom.gateway;

import com.google.type.Date;
import com.google.type.Money;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.strongroom.node.TestTokens;
import org.strongroom.proto.account.v1.AccountProduct;
import org.strongroom.proto.account.v1.AccountServiceGrpc;
import org.strongroom.proto.account.v1.Counterparty;
import org.strongroom.proto.account.v1.CounterpartyType;
import org.strongroom.proto.account.v1.DepositFundsRequest;
import org.strongroom.proto.account.v1.OpenAccountRequest;
import org.strongroom.proto.customer.v1.CustomerServiceGrpc;
import org.strongroom.proto.customer.v1.IdentityDocument;
import org.strongroom.proto.customer.v1.IdentityDocumentType;
import org.strongroom.proto.customer.v1.RegisterCustomerRequest;

/** Customers and funded accounts for tests that need money to move, made through the public API. */
public final class AccountFixtures {

    private static final AtomicInteger DOCUMENTS = new AtomicInteger(900_000);

    private final Channel channel;

    public AccountFixtures(Channel channel) {
        this.channel = channel;
    }

    public static Metadata teller() {
        return TestTokens.staff("teller-fixtures", "TELLER", "branch-1");
    }

    public AccountServiceGrpc.AccountServiceBlockingStub accounts() {
        return AccountServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(teller()))
                .withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    /**
     * The clearing integration: posts clearing credits and debits at once (branch staff posting them by
     * hand above the threshold wait for a supervisor).
     */
    public AccountServiceGrpc.AccountServiceBlockingStub clearingFeed() {
        return AccountServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(TestTokens.clearingFeed()))
                .withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    public String customer() {
        return CustomerServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(teller()))
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .registerCustomer(RegisterCustomerRequest.newBuilder()
                        .setRequestId(UUID.randomUUID().toString())
                        .setFullName("Dorothy Vaughan")
                        .setDateOfBirth(Date.newBuilder().setYear(1970).setMonth(9).setDay(20))
                        .setIdentityDocument(IdentityDocument.newBuilder()
                                .setType(IdentityDocumentType.IDENTITY_DOCUMENT_TYPE_PASSPORT)
                                .setIssuingCountryCode("US").setNumber("F" + DOCUMENTS.incrementAndGet()))
                        .setEmail("dorothy@example.com")
                        .setPhoneNumber("+17575550199")
                        .setResidentialCountryCode("US")
                        .build())
                .getCustomer().getCustomerId();
    }

    /** A CURRENT EUR account without overdraft holding {@code openingUnits} euros. */
    public String fundedAccount(long openingUnits) {
        String accountId = accounts().openAccount(OpenAccountRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setCustomerId(customer())
                .setProduct(AccountProduct.ACCOUNT_PRODUCT_CURRENT)
                .setCurrencyCode("EUR")
                .build()).getAccount().getAccountId();
        if (openingUnits > 0) {
            clearingFeed().depositFunds(deposit(accountId, eur(openingUnits, 0)));
        }
        return accountId;
    }

    public static DepositFundsRequest deposit(String accountId, Money amount) {
        return DepositFundsRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setAccountId(accountId)
                .setAmount(amount)
                .setCounterparty(clearing("IN-" + UUID.randomUUID()))
                .build();
    }

    public static Counterparty clearing(String reference) {
        return Counterparty.newBuilder().setType(CounterpartyType.COUNTERPARTY_TYPE_EXTERNAL_CLEARING)
                .setReference(reference).build();
    }

    public static Money eur(long units, int cents) {
        return Money.newBuilder().setCurrencyCode("EUR").setUnits(units).setNanos(cents * 10_000_000).build();
    }
}
