package org.strongroom.projections.customer;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.strongroom.customer.api.CustomerContactUpdatedEvent;
import org.strongroom.customer.api.CustomerDetails;
import org.strongroom.customer.api.CustomerRegisteredEvent;
import org.strongroom.customer.api.IdentityDocument;
import org.strongroom.customer.api.IdentityDocumentType;
import org.strongroom.projections.api.FindCustomerQuery;
import org.strongroom.projections.api.Projections;

/**
 * The customer view: one row per customer, a pure function of the customer events. Handlers are
 * idempotent (upsert / guarded update), so a replay or a redelivery after a crash leaves the same rows.
 */
@Component
@ProcessingGroup(CustomerViewProjection.PROCESSING_GROUP)
public class CustomerViewProjection {

    public static final String PROCESSING_GROUP = Projections.CUSTOMER_VIEW;

    private final JdbcTemplate jdbc;

    public CustomerViewProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(CustomerRegisteredEvent event, @org.axonframework.eventhandling.Timestamp Instant occurredAt) {
        IdentityDocument document = event.identityDocument();
        jdbc.update("""
                INSERT INTO customer_view (customer_id, full_name, date_of_birth, document_type,
                    document_issuing_country, document_number, email, phone_number, residential_country_code,
                    registration_business_date, create_time, update_time)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (customer_id) DO NOTHING
                """,
                event.customerId(), event.fullName(), event.dateOfBirth(), document.type().name(),
                document.issuingCountryCode(), document.number(), event.email(), event.phoneNumber(),
                event.residentialCountryCode(), event.registrationBusinessDate(), Timestamp.from(occurredAt),
                Timestamp.from(occurredAt));
    }

    @EventHandler
    void on(CustomerContactUpdatedEvent event, @org.axonframework.eventhandling.Timestamp Instant occurredAt) {
        // Guarded by time so a redelivered older update cannot overwrite a newer one.
        jdbc.update("UPDATE customer_view SET email = ?, phone_number = ?, update_time = ? "
                        + "WHERE customer_id = ? AND update_time <= ?",
                event.email(), event.phoneNumber(), Timestamp.from(occurredAt), event.customerId(),
                Timestamp.from(occurredAt));
    }

    @ResetHandler
    void reset() {
        jdbc.update("DELETE FROM customer_view");
    }

    @QueryHandler
    public Optional<CustomerDetails> handle(FindCustomerQuery query) {
        List<CustomerDetails> rows = jdbc.query("SELECT * FROM customer_view WHERE customer_id = ?",
                (rs, n) -> map(rs), query.customerId());
        return rows.stream().findFirst();
    }

    private static CustomerDetails map(ResultSet rs) throws SQLException {
        return new CustomerDetails(
                rs.getString("customer_id"),
                rs.getString("full_name"),
                rs.getObject("date_of_birth", java.time.LocalDate.class),
                new IdentityDocument(IdentityDocumentType.valueOf(rs.getString("document_type")),
                        rs.getString("document_issuing_country"), rs.getString("document_number")),
                rs.getString("email"),
                rs.getString("phone_number"),
                rs.getString("residential_country_code"),
                rs.getObject("registration_business_date", java.time.LocalDate.class),
                rs.getTimestamp("create_time").toInstant(),
                rs.getTimestamp("update_time").toInstant());
    }
}
