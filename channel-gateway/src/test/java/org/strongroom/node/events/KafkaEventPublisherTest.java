package org.strongroom.node.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.gateway.AccountFixtures;
import org.strongroom.node.NodeTest;
import org.strongroom.node.TestTokens;
import org.strongroom.proto.account.v1.Counterparty;
import org.strongroom.proto.account.v1.CounterpartyType;
import org.strongroom.proto.account.v1.DepositFundsRequest;
import org.strongroom.proto.events.v1.FundsDeposited;
import org.strongroom.proto.payment.v1.PaymentServiceGrpc;
import org.strongroom.proto.payment.v1.TransferFundsRequest;
import org.strongroom.proto.teller.v1.OpenTillRequest;
import org.strongroom.proto.teller.v1.TellerServiceGrpc;

/**
 * The Kafka publisher against the node's embedded broker: every stored event (customers, accounts,
 * transfers, tills, approvals) is published, as its protobuf message with CloudEvents headers, keyed by
 * aggregate id and in order per key.
 */
class KafkaEventPublisherTest extends NodeTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    KafkaConnectionDetails kafka;

    /** A stored event as the event store has it. */
    private record Stored(String id, String aggregateId, long sequence, String aggregateType, String payloadType,
                          Instant time) {
    }

    @Test
    void everyStoredEventIsPublishedInOrderPerAggregate() throws Exception {
        AccountFixtures fixtures = new AccountFixtures(channel());
        String source = fixtures.fundedAccount(100);
        String target = fixtures.fundedAccount(0);
        PaymentServiceGrpc.PaymentServiceBlockingStub payments = as(PaymentServiceGrpc.newBlockingStub(channel()),
                AccountFixtures.teller()).withDeadlineAfter(30, TimeUnit.SECONDS);
        for (long euros : new long[] {30, 500, 20}) { // the second fails: insufficient funds
            payments.transferFunds(TransferFundsRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                    .setSourceAccountId(source).setTargetAccountId(target).setAmount(AccountFixtures.eur(euros, 0))
                    .setReference("kafka").build());
        }
        String branch = "branch-kafka-" + UUID.randomUUID();
        TellerServiceGrpc.TellerServiceBlockingStub teller = as(TellerServiceGrpc.newBlockingStub(channel()),
                TestTokens.staff("teller-kafka", "TELLER", branch)).withDeadlineAfter(30, TimeUnit.SECONDS);
        String tillId = teller.openTill(OpenTillRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setOpeningFloat(AccountFixtures.eur(20_000, 0)).build()).getTill().getTillId();
        // Above the cash threshold: waits for a supervisor (an approval event).
        as(org.strongroom.proto.account.v1.AccountServiceGrpc.newBlockingStub(channel()),
                TestTokens.staff("teller-kafka", "TELLER", branch)).withDeadlineAfter(30, TimeUnit.SECONDS)
                .depositFunds(DepositFundsRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                        .setAccountId(target).setAmount(AccountFixtures.eur(12_000, 0))
                        .setCounterparty(Counterparty.newBuilder().setType(CounterpartyType.COUNTERPARTY_TYPE_TILL)
                                .setReference(tillId))
                        .build());

        // A loan application (a young account: decided, not disbursed) for the loan topic.
        String borrower = as(org.strongroom.proto.account.v1.AccountServiceGrpc.newBlockingStub(channel()),
                AccountFixtures.teller()).withDeadlineAfter(30, TimeUnit.SECONDS)
                .getAccount(org.strongroom.proto.account.v1.GetAccountRequest.newBuilder().setAccountId(source).build())
                .getAccount().getCustomerId();
        as(org.strongroom.proto.loan.v1.LoanServiceGrpc.newBlockingStub(channel()), AccountFixtures.teller())
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .applyForLoan(org.strongroom.proto.loan.v1.ApplyForLoanRequest.newBuilder()
                        .setRequestId(UUID.randomUUID().toString()).setCustomerId(borrower).setAccountId(source)
                        .setProductCode("PERSONAL-EUR").setPrincipal(AccountFixtures.eur(1000, 0)).setInstalments(12)
                        .setDeclaredMonthlyIncome(AccountFixtures.eur(3000, 0)).build());

        List<Stored> stored = jdbc.query("SELECT event_identifier, aggregate_identifier, sequence_number, type, "
                + "payload_type, time_stamp FROM domain_event_entry ORDER BY global_index", (row, n) -> new Stored(
                row.getString(1), row.getString(2), row.getLong(3), row.getString(4), row.getString(5),
                Instant.parse(row.getString(6))));
        Map<String, Stored> storedById = new LinkedHashMap<>();
        stored.forEach(event -> storedById.put(event.id(), event));

        List<PublishedEvents.Record> published = PublishedEvents.readAll(kafka.getBootstrapServers().get(0),
                storedById.keySet(), Duration.ofSeconds(60));

        Set<String> publishedIds = new LinkedHashSet<>();
        published.forEach(record -> publishedIds.add(record.id()));
        assertThat(publishedIds).as("every stored event is published").containsAll(storedById.keySet());
        assertThat(storedById.keySet()).as("nothing is published that was not stored").containsAll(publishedIds);
        Set<String> topics = new LinkedHashSet<>();
        published.forEach(record -> topics.add(record.topic()));
        assertThat(topics).containsExactlyInAnyOrderElementsOf(DomainEventCatalogue.TOPICS);

        // Per key, first deliveries arrive in the aggregate's order (a repeat may follow, never precede).
        Map<String, List<Long>> firstSeenSequences = new HashMap<>();
        Set<String> seen = new java.util.HashSet<>();
        for (PublishedEvents.Record record : published) {
            if (seen.add(record.id())) {
                firstSeenSequences.computeIfAbsent(record.key(), key -> new ArrayList<>()).add(record.sequence());
            }
        }
        Map<String, List<Long>> storedSequences = new HashMap<>();
        stored.forEach(event -> storedSequences.computeIfAbsent(event.aggregateId(), key -> new ArrayList<>())
                .add(event.sequence()));
        storedSequences.values().forEach(list -> list.sort(Long::compare));
        assertThat(firstSeenSequences).isEqualTo(storedSequences);

        for (PublishedEvents.Record record : published) {
            Stored event = storedById.get(record.id());
            Map<String, String> headers = record.headers();
            String expectedType = "strongroom.events.v1." + simpleName(event.payloadType()).replaceFirst("Event$", "");
            assertThat(record.key()).isEqualTo(event.aggregateId());
            assertThat(headers).containsEntry("ce_specversion", "1.0")
                    .containsEntry("ce_type", expectedType)
                    .containsEntry("ce_source", "/strongroom/core")
                    .containsEntry("ce_subject", event.aggregateId())
                    .containsEntry("ce_dataschema", "type.googleapis.com/" + expectedType)
                    .containsEntry("content-type", "application/protobuf")
                    .containsEntry("ce_sequence", Long.toString(event.sequence()))
                    .containsKey("ce_businessdate");
            assertThat(Instant.parse(headers.get("ce_time"))).isEqualTo(event.time());
            assertThat(record.topic()).isEqualTo("strongroom." + event.aggregateType().toLowerCase() + ".events.v1");
            DynamicMessage message = DynamicMessage.parseFrom(descriptorOf(expectedType), record.value());
            assertThat(message.getUnknownFields().asMap()).as("no field the schema does not describe").isEmpty();
        }

        // One posting read back in full: the values are the domain's, not placeholders.
        PublishedEvents.Record deposit = published.stream()
                .filter(record -> record.key().equals(source)
                        && record.headers().get("ce_type").equals("strongroom.events.v1.FundsDeposited"))
                .findFirst().orElseThrow();
        FundsDeposited funds = FundsDeposited.parseFrom(deposit.value());
        assertThat(funds.getAccountId()).isEqualTo(source);
        assertThat(funds.getAmount()).isEqualTo(AccountFixtures.eur(100, 0));
        assertThat(funds.getBalanceAfter()).isEqualTo(AccountFixtures.eur(100, 0));
        assertThat(funds.getCounterparty().getTypeValue()).isEqualTo(
                org.strongroom.proto.events.v1.CounterpartyType.COUNTERPARTY_TYPE_EXTERNAL_CLEARING_VALUE);
    }

    private static String simpleName(String payloadType) {
        return payloadType.substring(Math.max(payloadType.lastIndexOf('.'), payloadType.lastIndexOf('$')) + 1);
    }

    private static Descriptor descriptorOf(String fullName) {
        for (com.google.protobuf.Descriptors.FileDescriptor file : List.of(
                org.strongroom.proto.events.v1.AccountOpened.getDescriptor().getFile(),
                org.strongroom.proto.events.v1.CustomerRegistered.getDescriptor().getFile(),
                org.strongroom.proto.events.v1.TransferRequested.getDescriptor().getFile(),
                org.strongroom.proto.events.v1.TillOpened.getDescriptor().getFile(),
                org.strongroom.proto.events.v1.ApprovalRequested.getDescriptor().getFile(),
                org.strongroom.proto.events.v1.LoanApplied.getDescriptor().getFile())) {
            Descriptor descriptor = file.findMessageTypeByName(fullName.substring(fullName.lastIndexOf('.') + 1));
            if (descriptor != null) {
                return descriptor;
            }
        }
        throw new AssertionError("no message " + fullName);
    }
}
