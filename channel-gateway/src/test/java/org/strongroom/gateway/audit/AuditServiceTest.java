package org.strongroom.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.strongroom.gateway.GrpcErrors.assertError;
import static org.strongroom.gateway.GrpcErrors.assertInvalidFields;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.gateway.AccountFixtures;
import org.strongroom.node.NodeTest;
import org.strongroom.proto.account.v1.GetAccountRequest;
import org.strongroom.proto.audit.v1.AccessLogEntry;
import org.strongroom.proto.audit.v1.Activity;
import org.strongroom.proto.audit.v1.AuditServiceGrpc;
import org.strongroom.proto.audit.v1.ListAccessLogEntriesRequest;
import org.strongroom.proto.audit.v1.ListActivitiesRequest;
import org.strongroom.proto.customer.v1.CustomerServiceGrpc;
import org.strongroom.proto.customer.v1.GetCustomerRequest;

/** Who did what: changes from the event store, and the access log of reads and refusals. */
class AuditServiceTest extends NodeTest {

    @Autowired
    AccessLog accessLog;
    @Autowired
    JdbcTemplate jdbc;

    private AuditServiceGrpc.AuditServiceBlockingStub auditor() {
        return as(AuditServiceGrpc.newBlockingStub(channel()), "auditor-1", "AUDITOR", "SYSTEM")
                .withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    @Test
    void anAuditorSeesEveryChangeToAnAccountWithItsCaller() {
        AccountFixtures fixtures = new AccountFixtures(channel());
        String accountId = fixtures.fundedAccount(0);
        // A teller's manual clearing credit, within the amount a teller posts alone.
        fixtures.accounts().depositFunds(AccountFixtures.deposit(accountId, AccountFixtures.eur(75, 0)));

        List<Activity> activities = auditor().listActivities(ListActivitiesRequest.newBuilder()
                .setResourceId(accountId).build()).getActivitiesList();
        assertThat(activities).extracting(Activity::getEventType)
                .containsExactly("FundsDepositedEvent", "AccountOpenedEvent");
        Activity deposit = activities.get(0);
        assertThat(deposit.getPrincipalId()).isEqualTo("teller-fixtures");
        assertThat(deposit.getRole()).isEqualTo("TELLER");
        assertThat(deposit.getChannel()).isEqualTo("BRANCH");
        assertThat(deposit.getBranchId()).isEqualTo("branch-1");
        assertThat(deposit.getRequestId()).isNotEmpty();
        assertThat(deposit.getBusinessDate().getYear()).isEqualTo(2026);
        assertThat(deposit.getPosition()).isGreaterThan(activities.get(1).getPosition());
    }

    @Test
    void activitiesFilterByPrincipalAndTimeAndPaginate() {
        AccountFixtures fixtures = new AccountFixtures(channel());
        // Two customers and two accounts: four changes by the fixtures' teller, more than a page of two.
        fixtures.fundedAccount(10);
        fixtures.fundedAccount(10);
        ListActivitiesRequest byPrincipal = ListActivitiesRequest.newBuilder().setPrincipalId("teller-fixtures")
                .setPageSize(2).build();
        var first = auditor().listActivities(byPrincipal);
        assertThat(first.getActivitiesList()).hasSize(2)
                .allSatisfy(activity -> assertThat(activity.getPrincipalId()).isEqualTo("teller-fixtures"));
        var second = auditor().listActivities(byPrincipal.toBuilder().setPageToken(first.getNextPageToken()).build());
        assertThat(second.getActivitiesList()).isNotEmpty();
        assertThat(second.getActivities(0).getPosition()).isLessThan(first.getActivities(1).getPosition());

        Timestamp future = Timestamp.newBuilder().setSeconds(START.plusSeconds(86_400).getEpochSecond()).build();
        assertThat(auditor().listActivities(ListActivitiesRequest.newBuilder().setStartTime(future).build())
                .getActivitiesList()).isEmpty();
        assertInvalidFields(() -> auditor().listActivities(ListActivitiesRequest.newBuilder().setStartTime(future)
                .setEndTime(Timestamp.newBuilder().setSeconds(START.getEpochSecond())).build()), "end_time");
        assertInvalidFields(() -> auditor().listActivities(ListActivitiesRequest.newBuilder().setPageToken("junk")
                .build()), "page_token");
    }

    @Test
    void onlyAuditorsReadTheTrailAndRefusalsAreLogged() {
        String principal = "curious-" + UUID.randomUUID().toString().substring(0, 8);
        assertError(() -> as(AuditServiceGrpc.newBlockingStub(channel()), principal, "TELLER", "BRANCH")
                        .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(branch()))
                        .listActivities(ListActivitiesRequest.getDefaultInstance()),
                Status.Code.PERMISSION_DENIED, "ROLE_NOT_PERMITTED");
        accessLog.flush();
        List<AccessLogEntry> entries = auditor().listAccessLogEntries(ListAccessLogEntriesRequest.newBuilder()
                .setPrincipalId(principal).build()).getEntriesList();
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).getStatusCode()).isEqualTo("PERMISSION_DENIED");
        assertThat(entries.get(0).getReason()).isEqualTo("ROLE_NOT_PERMITTED");
        assertThat(entries.get(0).getMethod()).isEqualTo("strongroom.audit.v1.AuditService/ListActivities");
        assertThat(entries.get(0).getOrigin()).contains("127.0.0.1");
    }

    @Test
    void unauthenticatedCallsAndPersonalReadsAreLogged() {
        long before = jdbc.queryForObject("SELECT coalesce(max(entry_id), 0) FROM access_log", Long.class);
        assertError(() -> CustomerServiceGrpc.newBlockingStub(channel()).withDeadlineAfter(5, TimeUnit.SECONDS)
                        .getCustomer(GetCustomerRequest.getDefaultInstance()),
                Status.Code.UNAUTHENTICATED, "MISSING_CREDENTIALS");
        AccountFixtures fixtures = new AccountFixtures(channel());
        String accountId = fixtures.fundedAccount(5);
        fixtures.accounts().getAccount(GetAccountRequest.newBuilder().setAccountId(accountId).build());
        accessLog.flush();

        List<String> logged = jdbc.queryForList("SELECT coalesce(principal_id, '-') || ' ' || method || ' ' || "
                + "status_code FROM access_log WHERE entry_id > ? ORDER BY entry_id", String.class, before);
        assertThat(logged).contains(
                "- strongroom.customer.v1.CustomerService/GetCustomer UNAUTHENTICATED",
                "teller-fixtures strongroom.account.v1.AccountService/GetAccount OK");
        // Writes are in the event store, not here.
        assertThat(logged).noneMatch(line -> line.contains("DepositFunds") || line.contains("OpenAccount"));
    }

    @Test
    void theAccessLogIsAppendOnly() {
        accessLog.record(new AccessLog.Entry(START, "p", null, null, null, "m", "OK", null, null, null));
        accessLog.flush();
        assertThatThrownBy(() -> jdbc.update("UPDATE access_log SET principal_id = 'someone-else'"))
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.update("DELETE FROM access_log")).hasMessageContaining("append-only");
    }

    private static io.grpc.Metadata branch() {
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(org.strongroom.gateway.grpc.CallerContextInterceptor.BRANCH, "branch-3");
        return headers;
    }
}
