package org.strongroom.ops;

import com.google.type.Date;
import com.google.type.Money;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import org.strongroom.proto.account.v1.Counterparty;
import org.strongroom.proto.account.v1.CounterpartyType;
import org.strongroom.proto.customer.v1.IdentityDocument;
import org.strongroom.proto.customer.v1.IdentityDocumentType;
import org.strongroom.proto.customer.v1.RegisterCustomerRequest;

/** What the ops tools share: EUR amounts in whole cents, a bearer token on every call, synthetic customers. */
final class OpsSupport {

    private OpsSupport() {
    }

    /** Whole cents as a google.type.Money in EUR (money stays integral: never a floating-point amount). */
    static Money cents(long cents) {
        return Money.newBuilder().setCurrencyCode("EUR").setUnits(cents / 100)
                .setNanos((int) (cents % 100) * 10_000_000).build();
    }

    static long toCents(Money money) {
        return money.getUnits() * 100 + money.getNanos() / 10_000_000;
    }

    /**
     * The principal the ops tools post clearing entries as (a SYSTEM principal). The node posts them only
     * if it lists it: {@code --strongroom.clearing.feed-principals=ops-clearing-feed}.
     */
    static final String CLEARING_FEED = "ops-clearing-feed";

    /** A clearing feed's token from the node's development key in {@code dataDir}. */
    static ClientInterceptor clearingFeed(java.nio.file.Path dataDir) throws java.io.IOException {
        return bearer(TokenCommand.issue(TokenCommand.developmentKey(dataDir), java.time.Instant.now(),
                java.time.Duration.ofHours(12), CLEARING_FEED, "SYSTEM", "SYSTEM", java.util.Map.of(), "strongroom",
                "strongroom"));
    }

    static Counterparty clearing(String reference) {
        return Counterparty.newBuilder().setType(CounterpartyType.COUNTERPARTY_TYPE_EXTERNAL_CLEARING)
                .setReference(reference).build();
    }

    /**
     * The operator's credentials for an admin command: {@code --token} when given, else a development token
     * for {@code subject} (OPERATOR, SYSTEM) signed with the key in {@code --data-dir}.
     */
    static ClientInterceptor operator(Options options, String subject) throws java.io.IOException {
        String token = options.text("token", null);
        if (token == null) {
            token = TokenCommand.issue(
                    TokenCommand.developmentKey(java.nio.file.Path.of(options.text("data-dir", "var"))),
                    java.time.Instant.now(), java.time.Duration.ofHours(12), subject, "OPERATOR", "SYSTEM",
                    java.util.Map.of(), "strongroom", "strongroom");
        }
        return bearer(token);
    }

    /** Sends {@code authorization: Bearer <token>} on every call. */
    static ClientInterceptor bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    /** An adult Dutch customer whose document number is unique per {@code documentNumber}. */
    static RegisterCustomerRequest customer(String requestId, String fullName, String documentNumber, String email) {
        return RegisterCustomerRequest.newBuilder().setRequestId(requestId)
                .setFullName(fullName)
                .setDateOfBirth(Date.newBuilder().setYear(1980).setMonth(1).setDay(1))
                .setIdentityDocument(IdentityDocument.newBuilder()
                        .setType(IdentityDocumentType.IDENTITY_DOCUMENT_TYPE_NATIONAL_ID)
                        .setIssuingCountryCode("NL").setNumber(documentNumber))
                .setEmail(email).setPhoneNumber("+31612345678")
                .setResidentialCountryCode("NL").build();
    }

    /** Every client's latency samples, in nanoseconds, sorted (waits for the clients to finish). */
    static long[] sortedSamples(java.util.List<java.util.concurrent.Future<long[]>> clients) throws Exception {
        java.util.List<long[]> all = new java.util.ArrayList<>();
        for (java.util.concurrent.Future<long[]> client : clients) {
            all.add(client.get());
        }
        return all.stream().flatMapToLong(java.util.Arrays::stream).sorted().toArray();
    }

    /** The latency at {@code percent} of sorted nanosecond samples, in milliseconds (0 without samples). */
    static double percentileMillis(long[] sorted, int percent) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(percent / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
