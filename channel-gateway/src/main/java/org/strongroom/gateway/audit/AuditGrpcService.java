package org.strongroom.gateway.audit;

import io.grpc.stub.StreamObserver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.strongroom.gateway.grpc.PageTokens;
import org.strongroom.gateway.grpc.ProtoTime;
import org.strongroom.kernel.Violations;
import org.strongroom.proto.audit.v1.AccessLogEntry;
import org.strongroom.proto.audit.v1.Activity;
import org.strongroom.proto.audit.v1.AuditServiceGrpc;
import org.strongroom.proto.audit.v1.ListAccessLogEntriesRequest;
import org.strongroom.proto.audit.v1.ListAccessLogEntriesResponse;
import org.strongroom.proto.audit.v1.ListActivitiesRequest;
import org.strongroom.proto.audit.v1.ListActivitiesResponse;

/**
 * strongroom.audit.v1.AuditService, for auditors: changes from the event store with their callers, and
 * the access log. Read only; newest first; keyset-paginated by position.
 */
@Service
public class AuditGrpcService extends AuditServiceGrpc.AuditServiceImplBase {

    static final int PAGE_DEFAULT = 50;
    static final int PAGE_MAX = 200;

    private final JdbcTemplate jdbc;

    public AuditGrpcService(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void listActivities(ListActivitiesRequest request, StreamObserver<ListActivitiesResponse> response) {
        int pageSize = PageTokens.pageSize(request.getPageSize(), PAGE_DEFAULT, PAGE_MAX);
        long before = PageTokens.decodePosition("activities", request.getPageToken(), Long.MAX_VALUE);
        Window window = window(request.hasStartTime(), request.getStartTime(), request.hasEndTime(),
                request.getEndTime());
        StringBuilder sql = new StringBuilder("""
                SELECT e.global_index, e.event_identifier, e.aggregate_identifier, e.payload_type, e.time_stamp,
                       m.data ->> 'principalId' AS principal_id, m.data ->> 'role' AS role,
                       m.data ->> 'channel' AS channel, m.data ->> 'branchId' AS branch_id,
                       m.data ->> 'requestId' AS request_id, m.data ->> 'correlationId' AS correlation_id,
                       m.data ->> 'businessDate' AS business_date
                FROM domain_event_entry e
                CROSS JOIN LATERAL (SELECT convert_from(e.meta_data, 'UTF8')::jsonb AS data) m
                WHERE e.global_index < ?
                """);
        List<Object> args = new ArrayList<>(List.of(before));
        if (!request.getPrincipalId().isEmpty()) {
            sql.append(" AND m.data ->> 'principalId' = ?");
            args.add(request.getPrincipalId());
        }
        if (!request.getResourceId().isEmpty()) {
            sql.append(" AND e.aggregate_identifier = ?");
            args.add(request.getResourceId());
        }
        if (window.start() != null) {
            sql.append(" AND e.time_stamp::timestamptz >= ?");
            args.add(Timestamp.from(window.start()));
        }
        if (window.end() != null) {
            sql.append(" AND e.time_stamp::timestamptz < ?");
            args.add(Timestamp.from(window.end()));
        }
        sql.append(" ORDER BY e.global_index DESC LIMIT ?");
        args.add(pageSize + 1);
        List<Activity> rows = jdbc.query(sql.toString(), (rs, n) -> activity(rs), args.toArray());
        ListActivitiesResponse.Builder answer = ListActivitiesResponse.newBuilder();
        answer.addAllActivities(rows.size() > pageSize ? rows.subList(0, pageSize) : rows);
        if (rows.size() > pageSize) {
            answer.setNextPageToken(PageTokens.encode("activities",
                    Long.toString(rows.get(pageSize - 1).getPosition())));
        }
        response.onNext(answer.build());
        response.onCompleted();
    }

    @Override
    public void listAccessLogEntries(ListAccessLogEntriesRequest request,
                                     StreamObserver<ListAccessLogEntriesResponse> response) {
        int pageSize = PageTokens.pageSize(request.getPageSize(), PAGE_DEFAULT, PAGE_MAX);
        long before = PageTokens.decodePosition("access-log", request.getPageToken(), Long.MAX_VALUE);
        Window window = window(request.hasStartTime(), request.getStartTime(), request.hasEndTime(),
                request.getEndTime());
        StringBuilder sql = new StringBuilder("SELECT * FROM access_log WHERE entry_id < ?");
        List<Object> args = new ArrayList<>(List.of(before));
        if (!request.getPrincipalId().isEmpty()) {
            sql.append(" AND principal_id = ?");
            args.add(request.getPrincipalId());
        }
        if (window.start() != null) {
            sql.append(" AND occurred_at >= ?");
            args.add(Timestamp.from(window.start()));
        }
        if (window.end() != null) {
            sql.append(" AND occurred_at < ?");
            args.add(Timestamp.from(window.end()));
        }
        sql.append(" ORDER BY entry_id DESC LIMIT ?");
        args.add(pageSize + 1);
        List<AccessLogEntry> rows = jdbc.query(sql.toString(), (rs, n) -> accessEntry(rs), args.toArray());
        ListAccessLogEntriesResponse.Builder answer = ListAccessLogEntriesResponse.newBuilder();
        answer.addAllEntries(rows.size() > pageSize ? rows.subList(0, pageSize) : rows);
        if (rows.size() > pageSize) {
            answer.setNextPageToken(PageTokens.encode("access-log",
                    Long.toString(rows.get(pageSize - 1).getEntryId())));
        }
        response.onNext(answer.build());
        response.onCompleted();
    }

    private static Activity activity(ResultSet rs) throws SQLException {
        String payloadType = rs.getString("payload_type");
        Activity.Builder activity = Activity.newBuilder()
                .setEventId(rs.getString("event_identifier"))
                .setPosition(rs.getLong("global_index"))
                .setOccurTime(ProtoTime.toProto(Instant.parse(rs.getString("time_stamp"))))
                .setResourceId(rs.getString("aggregate_identifier"))
                .setEventType(payloadType.substring(Math.max(payloadType.lastIndexOf('.'),
                        payloadType.lastIndexOf('$')) + 1));
        setIfPresent(rs.getString("principal_id"), activity::setPrincipalId);
        setIfPresent(rs.getString("role"), activity::setRole);
        setIfPresent(rs.getString("channel"), activity::setChannel);
        setIfPresent(rs.getString("branch_id"), activity::setBranchId);
        setIfPresent(rs.getString("request_id"), activity::setRequestId);
        setIfPresent(rs.getString("correlation_id"), activity::setCorrelationId);
        String businessDate = rs.getString("business_date");
        if (businessDate != null) {
            activity.setBusinessDate(ProtoTime.toProto(LocalDate.parse(businessDate)));
        }
        return activity.build();
    }

    private static AccessLogEntry accessEntry(ResultSet rs) throws SQLException {
        AccessLogEntry.Builder entry = AccessLogEntry.newBuilder()
                .setEntryId(rs.getLong("entry_id"))
                .setOccurTime(ProtoTime.toProto(rs.getTimestamp("occurred_at").toInstant()))
                .setMethod(rs.getString("method"))
                .setStatusCode(rs.getString("status_code"));
        setIfPresent(rs.getString("principal_id"), entry::setPrincipalId);
        setIfPresent(rs.getString("role"), entry::setRole);
        setIfPresent(rs.getString("channel"), entry::setChannel);
        setIfPresent(rs.getString("reason"), entry::setReason);
        setIfPresent(rs.getString("origin"), entry::setOrigin);
        setIfPresent(rs.getString("correlation_id"), entry::setCorrelationId);
        return entry.build();
    }

    private static void setIfPresent(String value, java.util.function.Consumer<String> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    private record Window(Instant start, Instant end) {
    }

    private static Window window(boolean hasStart, com.google.protobuf.Timestamp start, boolean hasEnd,
                                 com.google.protobuf.Timestamp end) {
        Violations violations = new Violations();
        Instant from = hasStart ? ProtoTime.fromProto(start) : null;
        Instant to = hasEnd ? ProtoTime.fromProto(end) : null;
        if (hasStart && from == null) {
            violations.add("start_time", "must be a valid timestamp");
        }
        if (hasEnd && to == null) {
            violations.add("end_time", "must be a valid timestamp");
        }
        if (from != null && to != null && !from.isBefore(to)) {
            violations.add("end_time", "must be after start_time");
        }
        violations.throwIfAny();
        return new Window(from, to);
    }

}
