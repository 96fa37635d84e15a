package org.strongroom.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.eventsourcing.GenericAggregateFactory;
import org.axonframework.eventsourcing.NoSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.modelling.command.inspection.AggregateModel;
import org.axonframework.modelling.command.inspection.AnnotatedAggregateMetaModelFactory;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.spring.stereotype.Aggregate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.gateway.AccountFixtures;
import org.strongroom.gateway.loan.LoanTestAccess;
import org.strongroom.node.axon.Snapshots;
import org.strongroom.node.time.BusinessDateService;
import org.strongroom.proto.account.v1.AccountServiceGrpc;
import org.strongroom.proto.account.v1.Counterparty;
import org.strongroom.proto.account.v1.CounterpartyType;
import org.strongroom.proto.account.v1.DepositFundsRequest;
import org.strongroom.proto.account.v1.GetAccountRequest;
import org.strongroom.proto.account.v1.PlaceHoldRequest;
import org.strongroom.proto.account.v1.ReleaseHoldRequest;
import org.strongroom.proto.account.v1.WithdrawFundsRequest;
import org.strongroom.proto.customer.v1.UpdateCustomerContactRequest;
import org.strongroom.proto.customer.v1.CustomerServiceGrpc;
import org.strongroom.proto.payment.v1.PaymentServiceGrpc;
import org.strongroom.proto.payment.v1.TransferFundsRequest;
import org.strongroom.proto.teller.v1.CloseTillRequest;
import org.strongroom.proto.teller.v1.GrantApprovalRequest;
import org.strongroom.proto.teller.v1.OpenTillRequest;
import org.strongroom.proto.teller.v1.TellerServiceGrpc;

/**
 * Snapshots (docs/architecture.md, "Snapshots"): for every aggregate type, the state loaded from a
 * snapshot plus the events after it is the state replayed from the first event, field for field; the
 * node takes snapshots on its own as aggregates grow, and passes over a snapshot of another revision.
 */
class SnapshotTest extends NodeTest {

    @Autowired
    EventStorageEngine storage;
    @Autowired
    EventStore eventStore;
    @Autowired
    org.axonframework.config.Configuration axon;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    BusinessDateService businessDate;

    private final Serializer serializer = Snapshots.serializer();

    @Test
    void everyAggregateTypeOfTheBankIsSnapshotted() {
        List<String> annotated = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.strongroom").stream().filter(type -> type.isAnnotatedWith(Aggregate.class))
                .map(type -> type.getName()).sorted().toList();
        assertThat(Snapshots.AGGREGATES.stream().map(Class::getName).sorted().toList()).isEqualTo(annotated);
    }

    @Test
    void stateFromASnapshotAndTheEventsAfterItIsTheStateReplayedFromTheFirstEvent() {
        Map<Class<?>, List<String>> aggregates = histories();
        assertThat(aggregates.keySet()).containsExactlyInAnyOrderElementsOf(Snapshots.AGGREGATES);
        aggregates.forEach((type, ids) -> {
            assertThat(ids).as(type.getSimpleName()).isNotEmpty();
            for (String id : ids) {
                List<DomainEventMessage<?>> events = events(id);
                int n = events.size();
                // A snapshot after the first event, halfway, and after the last.
                for (int taken : new int[] {1, Math.max(1, n / 2), n}) {
                    assertSameState(type, id, events, taken);
                }
            }
        });
    }

    @Test
    void theNodeSnapshotsAGrowingAccountAndPassesOverASnapshotOfAnotherRevision() throws InterruptedException {
        AccountFixtures fixtures = new AccountFixtures(channel());
        String account = fixtures.fundedAccount(10);
        // More events than strongroom.snapshots.every (10 in tests).
        for (int i = 0; i < 12; i++) {
            fixtures.clearingFeed().depositFunds(AccountFixtures.deposit(account, AccountFixtures.eur(1, 0)));
        }
        Long taken = null;
        Instant giveUp = Instant.now().plusSeconds(30);
        while (taken == null && Instant.now().isBefore(giveUp)) {
            taken = jdbc.query("SELECT sequence_number FROM snapshot_event_entry WHERE aggregate_identifier = ?",
                    (rs, row) -> rs.getLong(1), account).stream().findFirst().orElse(null);
            Thread.sleep(taken == null ? 50 : 0);
        }
        assertThat(taken).as("a snapshot of the account").isNotNull().isPositive();
        assertThat(jdbc.queryForObject("SELECT payload_revision FROM snapshot_event_entry WHERE aggregate_identifier = ?",
                String.class, account)).isEqualTo("1");

        // Loaded the way the repository loads it: the snapshot first, then the events after it.
        DomainEventStream fromStore = eventStore.readEvents(account);
        assertThat(fromStore.peek().getSequenceNumber()).isEqualTo(taken);
        assertThat(fromStore.peek().getPayloadType()).isEqualTo(org.strongroom.account.domain.Account.class);
        var loaded = build(org.strongroom.account.domain.Account.class, account, fromStore);
        var replayed = build(org.strongroom.account.domain.Account.class, account,
                storage.readEvents(account, 0));
        assertThat(loaded.version()).isEqualTo(replayed.version());
        assertThat(loaded.getAggregateRoot()).usingRecursiveComparison().isEqualTo(replayed.getAggregateRoot());

        // The account forgotten by the cache still answers from its snapshot and moves money.
        ((org.strongroom.node.axon.CheckedCachingRepository<?>) axon.repository(
                org.strongroom.account.domain.Account.class)).cache().remove(account);
        fixtures.clearingFeed().depositFunds(AccountFixtures.deposit(account, AccountFixtures.eur(1, 0)));
        assertThat(fixtures.accounts().getAccount(GetAccountRequest.newBuilder().setAccountId(account).build())
                .getAccount().getBalance()).isEqualTo(AccountFixtures.eur(23, 0));

        // A snapshot written under another revision of the class is passed over: the events are replayed.
        jdbc.update("UPDATE snapshot_event_entry SET payload_revision = '0' WHERE aggregate_identifier = ?", account);
        assertThat(eventStore.readEvents(account).peek().getSequenceNumber()).isZero();
        jdbc.update("DELETE FROM snapshot_event_entry WHERE aggregate_identifier = ?", account);
    }

    /** Aggregates of every type with a history: made here, and the longest ones other tests left. */
    private Map<Class<?>, List<String>> histories() {
        AccountFixtures fixtures = new AccountFixtures(channel());
        String branch = "branch-snap-" + UUID.randomUUID();
        String account = fixtures.fundedAccount(500);
        String other = fixtures.fundedAccount(50);
        AccountServiceGrpc.AccountServiceBlockingStub teller = fixtures.accounts();
        var payments = as(PaymentServiceGrpc.newBlockingStub(channel()), AccountFixtures.teller())
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        String transfer = null;
        for (int i = 0; i < 3; i++) {
            transfer = payments.transferFunds(TransferFundsRequest.newBuilder().setRequestId(id())
                    .setSourceAccountId(i % 2 == 0 ? account : other).setTargetAccountId(i % 2 == 0 ? other : account)
                    .setAmount(AccountFixtures.eur(5 + i, 25)).setReference("snapshots").build())
                    .getTransfer().getTransferId();
        }
        String hold = teller.placeHold(PlaceHoldRequest.newBuilder().setRequestId(id()).setAccountId(account)
                .setAmount(AccountFixtures.eur(12, 0)).setReason("card authorisation").build()).getHoldId();
        teller.placeHold(PlaceHoldRequest.newBuilder().setRequestId(id()).setAccountId(account)
                .setAmount(AccountFixtures.eur(3, 0)).setReason("still open").build());
        teller.releaseHold(ReleaseHoldRequest.newBuilder().setRequestId(id()).setAccountId(account).setHoldId(hold)
                .build());
        fixtures.clearingFeed().withdrawFunds(WithdrawFundsRequest.newBuilder().setRequestId(id())
                .setAccountId(account).setAmount(AccountFixtures.eur(7, 10))
                .setCounterparty(AccountFixtures.clearing("OUT")).build());

        String customer = fixtures.customer();
        as(CustomerServiceGrpc.newBlockingStub(channel()), customer, "CUSTOMER", "MOBILE")
                .updateCustomerContact(UpdateCustomerContactRequest.newBuilder().setRequestId(id())
                        .setCustomerId(customer).setEmail("snap@example.org").build());

        var tellers = as(TellerServiceGrpc.newBlockingStub(channel()), TestTokens.staff("teller-snap", "TELLER", branch))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        String till = tellers.openTill(OpenTillRequest.newBuilder().setRequestId(id())
                .setOpeningFloat(AccountFixtures.eur(1000, 0)).build()).getTill().getTillId();
        var counter = as(AccountServiceGrpc.newBlockingStub(channel()), TestTokens.staff("teller-snap", "TELLER", branch))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        Counterparty cash = Counterparty.newBuilder().setType(CounterpartyType.COUNTERPARTY_TYPE_TILL)
                .setReference(till).build();
        counter.depositFunds(DepositFundsRequest.newBuilder().setRequestId(id()).setAccountId(other)
                .setAmount(AccountFixtures.eur(40, 0)).setCounterparty(cash).build());
        // Above the teller's limit: an approval, granted by the branch's supervisor.
        String approval = counter.depositFunds(DepositFundsRequest.newBuilder().setRequestId(id()).setAccountId(other)
                .setAmount(AccountFixtures.eur(20_000, 0)).setCounterparty(cash).build()).getPendingApproval()
                .getApprovalId();
        as(TellerServiceGrpc.newBlockingStub(channel()), TestTokens.staff("sup-snap", "SUPERVISOR", branch))
                .grantApproval(GrantApprovalRequest.newBuilder().setRequestId(id()).setApprovalId(approval).build());
        tellers.closeTill(CloseTillRequest.newBuilder().setRequestId(id()).setTillId(till)
                .setCounted(AccountFixtures.eur(21_040, 0)).build());

        String loan = new LoanTestAccess(channel(), jdbc, businessDate).borrowerWithLoan("MICRO-EUR", 200, 4).loanId();

        Map<Class<?>, List<String>> made = new LinkedHashMap<>();
        made.put(org.strongroom.account.domain.Account.class, new ArrayList<>(List.of(account, other)));
        made.put(org.strongroom.customer.domain.Customer.class, new ArrayList<>(List.of(customer)));
        made.put(org.strongroom.payment.domain.Transfer.class, new ArrayList<>(List.of(transfer)));
        made.put(org.strongroom.teller.domain.Till.class, new ArrayList<>(List.of(till)));
        made.put(org.strongroom.approval.domain.Approval.class, new ArrayList<>(List.of(approval)));
        made.put(org.strongroom.loan.domain.Loan.class, new ArrayList<>(List.of(loan)));
        made.forEach((type, ids) -> ids.addAll(jdbc.queryForList("SELECT aggregate_identifier FROM domain_event_entry "
                + "WHERE type = ? GROUP BY aggregate_identifier ORDER BY count(*) DESC LIMIT 3", String.class,
                type.getSimpleName())));
        return made;
    }

    private <T> void assertSameState(Class<T> type, String id, List<DomainEventMessage<?>> events, int taken) {
        // The snapshot the node's snapshotter would store after `taken` events, through the snapshot serializer.
        T state = build(type, id, DomainEventStream.of(events.subList(0, taken).stream())).getAggregateRoot();
        SerializedObject<byte[]> stored = serializer.serialize(state, byte[].class);
        assertThat(stored.getType().getRevision()).isEqualTo("1");
        T restored = serializer.deserialize(stored);
        List<DomainEventMessage<?>> fromSnapshot = new ArrayList<>();
        fromSnapshot.add(new GenericDomainEventMessage<>(type.getSimpleName(), id, taken - 1, restored));
        fromSnapshot.addAll(events.subList(taken, events.size()));

        EventSourcedAggregate<T> loaded = build(type, id, DomainEventStream.of(fromSnapshot.stream()));
        EventSourcedAggregate<T> replayed = build(type, id, DomainEventStream.of(events.stream()));
        assertThat(loaded.version()).isEqualTo(replayed.version()).isEqualTo((long) events.size() - 1);
        assertThat(loaded.getAggregateRoot()).as("%s %s from a snapshot after %d of %d events",
                        type.getSimpleName(), id, taken, events.size())
                .usingRecursiveComparison().isEqualTo(replayed.getAggregateRoot());
    }

    private List<DomainEventMessage<?>> events(String id) {
        List<DomainEventMessage<?>> events = new ArrayList<>();
        storage.readEvents(id, 0).forEachRemaining(events::add);
        return events;
    }

    /** An aggregate built from a stream as Axon's repository builds it (a leading snapshot is its root). */
    private <T> EventSourcedAggregate<T> build(Class<T> type, String id, DomainEventStream stream) {
        AggregateModel<T> model = AnnotatedAggregateMetaModelFactory.inspectAggregate(type,
                axon.parameterResolverFactory(), axon.handlerDefinition(type));
        T root = new GenericAggregateFactory<>(model).createAggregateRoot(id, stream.peek());
        EventSourcedAggregate<T> aggregate = EventSourcedAggregate.initialize(root, model, axon.eventBus(),
                axon::repository, NoSnapshotTriggerDefinition.TRIGGER);
        aggregate.initializeState(stream);
        return aggregate;
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
