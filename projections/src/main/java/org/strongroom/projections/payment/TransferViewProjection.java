package org.strongroom.projections.payment;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Optional;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.strongroom.kernel.Money;
import org.strongroom.payment.api.TransferApi.TransferCompletedEvent;
import org.strongroom.payment.api.TransferApi.TransferExecutedEvent;
import org.strongroom.payment.api.TransferApi.TransferDetails;
import org.strongroom.payment.api.TransferApi.TransferFailedEvent;
import org.strongroom.payment.api.TransferApi.TransferRequestedEvent;
import org.strongroom.payment.api.TransferApi.TransferScheduledEvent;
import org.strongroom.payment.api.TransferApi.TransferStatus;
import org.strongroom.projections.api.Projections;
import org.strongroom.projections.api.TransferQueries.FindTransferQuery;
import org.strongroom.projections.api.TransferQueries.ListTransfersQuery;
import org.strongroom.projections.api.TransferQueries.ScheduledTransfersDueQuery;
import org.strongroom.projections.api.TransferQueries.TransferPage;
import org.strongroom.projections.api.TransferQueries.TransferView;
import org.strongroom.projections.api.WriteBehind;

/** Transfers with their status (SCHEDULED, PENDING, COMPLETED, FAILED) and failure reason, by account. */
@Component
@ProcessingGroup(Projections.TRANSFER_VIEW)
public class TransferViewProjection {

    private static final String POSITION_OF = "(SELECT e.global_index FROM domain_event_entry e WHERE e.event_identifier = ?)";

    private final JdbcTemplate jdbc;

    public TransferViewProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Any write but a carried-out transfer's row: those kept for a batch (an operation's commit, a rebuild)
     * go first, so the statements keep their order.
     */
    private int write(String sql, Object... args) {
        WriteBehind.flush();
        return jdbc.update(sql, args);
    }

    @EventHandler
    void on(TransferScheduledEvent event, EventMessage<?> message) {
        Timestamp at = Timestamp.from(message.getTimestamp());
        write("INSERT INTO transfer_view (transfer_id, source_account_id, target_account_id, amount, "
                        + "currency_code, reference, status, execution_date, requested_position, last_position, "
                        + "request_time, update_time) VALUES (?, ?, ?, ?, ?, ?, 'SCHEDULED', ?, " + POSITION_OF + ", "
                        + POSITION_OF + ", ?, ?) ON CONFLICT (transfer_id) DO NOTHING",
                event.transferId(), event.sourceAccountId(), event.targetAccountId(), event.amount().amount(),
                event.amount().currency().getCurrencyCode(), event.reference(), event.executionDate(),
                message.getIdentifier(), message.getIdentifier(), at, at);
    }

    /** A new transfer, or a SCHEDULED one starting: it keeps its place in the lists and its request time. */
    @EventHandler
    void on(TransferRequestedEvent event, EventMessage<?> message) {
        Timestamp at = Timestamp.from(message.getTimestamp());
        write("INSERT INTO transfer_view (transfer_id, source_account_id, target_account_id, amount, "
                        + "currency_code, reference, status, requested_position, last_position, request_time, "
                        + "update_time) VALUES (?, ?, ?, ?, ?, ?, 'PENDING', " + POSITION_OF + ", " + POSITION_OF
                        + ", ?, ?) ON CONFLICT (transfer_id) DO UPDATE SET status = 'PENDING', "
                        + "last_position = EXCLUDED.last_position, update_time = EXCLUDED.update_time "
                        + "WHERE transfer_view.status = 'SCHEDULED'",
                event.transferId(), event.sourceAccountId(), event.targetAccountId(), event.amount().amount(),
                event.amount().currency().getCurrencyCode(), event.reference(), message.getIdentifier(),
                message.getIdentifier(), at, at);
    }

    /** A transfer carried out in one transaction: a new row, or a SCHEDULED one ending on its date. */
    @EventHandler
    void on(TransferExecutedEvent event, EventMessage<?> message) {
        Timestamp at = Timestamp.from(message.getTimestamp());
        String status = (event.completed() ? TransferStatus.COMPLETED : TransferStatus.FAILED).name();
        WriteBehind.append(jdbc, "INSERT INTO transfer_view (transfer_id, source_account_id, target_account_id, amount, "
                        + "currency_code, reference, status, failure_reason, failure_message, requested_position, "
                        + "last_position, request_time, update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                        + POSITION_OF + ", " + POSITION_OF + ", ?, ?) ON CONFLICT (transfer_id) DO UPDATE SET "
                        + "status = EXCLUDED.status, failure_reason = EXCLUDED.failure_reason, "
                        + "failure_message = EXCLUDED.failure_message, last_position = EXCLUDED.last_position, "
                        + "update_time = EXCLUDED.update_time WHERE transfer_view.status = 'SCHEDULED'",
                event.transferId(), event.sourceAccountId(), event.targetAccountId(), event.amount().amount(),
                event.amount().currency().getCurrencyCode(), event.reference(), status, event.failureReason(),
                event.failureMessage(), message.getIdentifier(), message.getIdentifier(), at, at);
    }

    @EventHandler
    void on(TransferCompletedEvent event, EventMessage<?> message) {
        end(event.transferId(), TransferStatus.COMPLETED, null, null, message);
    }

    @EventHandler
    void on(TransferFailedEvent event, EventMessage<?> message) {
        end(event.transferId(), TransferStatus.FAILED, event.reason(), event.message(), message);
    }

    private void end(String transferId, TransferStatus status, String reason, String text, EventMessage<?> message) {
        write("UPDATE transfer_view SET status = ?, failure_reason = ?, failure_message = ?, update_time = ?, "
                        + "last_position = " + POSITION_OF + " WHERE transfer_id = ? AND status = 'PENDING'",
                status.name(), reason, text, Timestamp.from(message.getTimestamp()), message.getIdentifier(),
                transferId);
    }

    @ResetHandler
    void reset() {
        write("DELETE FROM transfer_view");
    }

    @QueryHandler
    public Optional<TransferView> handle(FindTransferQuery query) {
        return jdbc.query("SELECT * FROM transfer_view WHERE transfer_id = ?",
                (rs, n) -> new TransferView(details(rs), rs.getLong("last_position")), query.transferId())
                .stream().findFirst();
    }

    @QueryHandler
    public TransferPage handle(ListTransfersQuery query) {
        List<Long> positions = new ArrayList<>();
        List<TransferDetails> rows = jdbc.query("SELECT * FROM transfer_view WHERE requested_position < ? "
                        + "AND (source_account_id = ? OR target_account_id = ?) "
                        + "ORDER BY requested_position DESC LIMIT ?",
                (rs, n) -> {
                    positions.add(rs.getLong("requested_position"));
                    return details(rs);
                }, query.beforePosition(), query.accountId(), query.accountId(), query.limit() + 1);
        boolean more = rows.size() > query.limit();
        List<TransferDetails> page = more ? rows.subList(0, query.limit()) : rows;
        long last = page.isEmpty() ? query.beforePosition() : positions.get(page.size() - 1);
        return new TransferPage(List.copyOf(page), last, more);
    }

    @QueryHandler
    public List<String> handle(ScheduledTransfersDueQuery query) {
        return jdbc.queryForList("SELECT transfer_id FROM transfer_view WHERE status = 'SCHEDULED' "
                + "AND execution_date <= ? ORDER BY execution_date, requested_position", String.class,
                query.businessDate());
    }

    private static TransferDetails details(ResultSet rs) throws SQLException {
        Currency currency = Currency.getInstance(rs.getString("currency_code"));
        return new TransferDetails(rs.getString("transfer_id"), rs.getString("source_account_id"),
                rs.getString("target_account_id"),
                new Money(rs.getBigDecimal("amount").setScale(Money.scaleOf(currency)), currency),
                rs.getString("reference"), TransferStatus.valueOf(rs.getString("status")),
                rs.getString("failure_reason"), rs.getString("failure_message"),
                rs.getTimestamp("request_time").toInstant(), rs.getTimestamp("update_time").toInstant(),
                rs.getObject("execution_date", LocalDate.class));
    }
}
