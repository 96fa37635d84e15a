package org.strongroom.projections.approval;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Optional;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.strongroom.approval.api.ApprovalApi.ApprovalDetails;
import org.strongroom.approval.api.ApprovalApi.ApprovalExpiredEvent;
import org.strongroom.approval.api.ApprovalApi.ApprovalGrantedEvent;
import org.strongroom.approval.api.ApprovalApi.ApprovalKind;
import org.strongroom.approval.api.ApprovalApi.ApprovalOperation;
import org.strongroom.approval.api.ApprovalApi.ApprovalRejectedEvent;
import org.strongroom.approval.api.ApprovalApi.ApprovalRequestedEvent;
import org.strongroom.approval.api.ApprovalApi.ApprovalStatus;
import org.strongroom.kernel.Money;
import org.strongroom.projections.api.ApprovalQueries.ApprovalPage;
import org.strongroom.projections.api.ApprovalQueries.FindApprovalQuery;
import org.strongroom.projections.api.ApprovalQueries.ListApprovalsQuery;
import org.strongroom.projections.api.Projections;

/**
 * Maker-checker approvals per branch, for supervisors' queues and auditors. Each row remembers the
 * aggregate sequence it last applied, so redelivered events change nothing.
 */
@Component
@ProcessingGroup(Projections.APPROVAL_VIEW)
public class ApprovalViewProjection {

    private final JdbcTemplate jdbc;

    public ApprovalViewProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(ApprovalRequestedEvent event, DomainEventMessage<?> message) {
        ApprovalOperation operation = event.operation();
        Money amount = operation.amount();
        // The request event's own global index orders requests exactly (see AccountViewProjection).
        jdbc.update("""
                INSERT INTO approval_view (approval_id, kind, status, branch_id, account_id, till_id, amount,
                    currency_code, reason, maker_id, requested_position, last_sequence, request_time, expire_time,
                    transaction_id, counterparty_reference, checker_desk_id)
                SELECT ?, ?, 'PENDING', ?, ?, ?, ?, ?, ?, ?, e.global_index, ?, ?, ?, ?, ?, ?
                FROM domain_event_entry e WHERE e.event_identifier = ?
                ON CONFLICT (approval_id) DO NOTHING""",
                event.approvalId(), operation.kind().name(), event.branchId(), operation.accountId(),
                operation.tillId(), amount == null ? null : amount.amount(),
                amount == null ? null : amount.currency().getCurrencyCode(), operation.reason(), event.makerId(),
                message.getSequenceNumber(), Timestamp.from(message.getTimestamp()),
                Timestamp.from(event.expireTime()), operation.transactionId(), operation.counterpartyReference(),
                event.checkerDeskId(), message.getIdentifier());
    }

    @EventHandler
    void on(ApprovalGrantedEvent event, DomainEventMessage<?> message) {
        decide(event.approvalId(), ApprovalStatus.APPROVED, event.checkerId(), null, message);
    }

    @EventHandler
    void on(ApprovalRejectedEvent event, DomainEventMessage<?> message) {
        decide(event.approvalId(), ApprovalStatus.REJECTED, event.checkerId(), event.reason(), message);
    }

    @EventHandler
    void on(ApprovalExpiredEvent event, DomainEventMessage<?> message) {
        decide(event.approvalId(), ApprovalStatus.EXPIRED, null, null, message);
    }

    private void decide(String approvalId, ApprovalStatus status, String checkerId, String reason,
                        DomainEventMessage<?> message) {
        jdbc.update("UPDATE approval_view SET status = ?, checker_id = ?, decision_reason = ?, decision_time = ?, "
                        + "last_sequence = ? WHERE approval_id = ? AND last_sequence < ?",
                status.name(), checkerId, reason, Timestamp.from(message.getTimestamp()), message.getSequenceNumber(),
                approvalId, message.getSequenceNumber());
    }

    @ResetHandler
    void reset() {
        jdbc.update("DELETE FROM approval_view");
    }

    @QueryHandler
    public Optional<ApprovalDetails> handle(FindApprovalQuery query) {
        return jdbc.query("SELECT * FROM approval_view WHERE approval_id = ?", (rs, n) -> details(rs),
                query.approvalId()).stream().findFirst();
    }

    @QueryHandler
    public ApprovalPage handle(ListApprovalsQuery query) {
        List<Object> args = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT * FROM approval_view WHERE requested_position < ?");
        args.add(query.beforePosition());
        if (query.branchId() != null) {
            sql.append(" AND (branch_id = ? OR checker_desk_id = ?)");
            args.add(query.branchId());
            args.add(query.branchId());
        }
        if (query.status() != null) {
            sql.append(" AND status = ?");
            args.add(query.status().name());
        }
        sql.append(" ORDER BY requested_position DESC LIMIT ?");
        args.add(query.limit() + 1);
        List<long[]> positions = new ArrayList<>();
        List<ApprovalDetails> rows = jdbc.query(sql.toString(), (rs, n) -> {
            positions.add(new long[] {rs.getLong("requested_position")});
            return details(rs);
        }, args.toArray());
        boolean more = rows.size() > query.limit();
        List<ApprovalDetails> page = more ? rows.subList(0, query.limit()) : rows;
        long last = page.isEmpty() ? query.beforePosition() : positions.get(page.size() - 1)[0];
        return new ApprovalPage(List.copyOf(page), last, more);
    }

    private static ApprovalDetails details(ResultSet rs) throws SQLException {
        BigDecimal amount = rs.getBigDecimal("amount");
        Money money = amount == null ? null : new Money(amount.setScale(
                Money.scaleOf(Currency.getInstance(rs.getString("currency_code")))),
                Currency.getInstance(rs.getString("currency_code")));
        ApprovalOperation operation = new ApprovalOperation(ApprovalKind.valueOf(rs.getString("kind")),
                rs.getString("account_id"), rs.getString("till_id"), money, rs.getString("reason"),
                rs.getString("transaction_id"), rs.getString("counterparty_reference"));
        return new ApprovalDetails(rs.getString("approval_id"), operation, rs.getString("branch_id"),
                rs.getString("maker_id"), rs.getString("checker_id"), ApprovalStatus.valueOf(rs.getString("status")),
                rs.getString("decision_reason"), instant(rs, "request_time"), instant(rs, "expire_time"),
                instant(rs, "decision_time"), rs.getString("checker_desk_id"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
