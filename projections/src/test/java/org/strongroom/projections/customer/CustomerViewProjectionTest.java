package org.strongroom.projections.customer;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Instant;
import java.time.LocalDate;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.customer.api.CustomerContactUpdatedEvent;
import org.strongroom.customer.api.CustomerDetails;
import org.strongroom.customer.api.CustomerRegisteredEvent;
import org.strongroom.customer.api.IdentityDocument;
import org.strongroom.customer.api.IdentityDocumentType;
import org.strongroom.projections.api.FindCustomerQuery;

/** The customer view against a real PostgreSQL 17 with the module's own migration. */
class CustomerViewProjectionTest {

    private static EmbeddedPostgres postgres;
    private static JdbcTemplate jdbc;

    private static final String ID = "0b9f2d52-3c1e-4c55-8a7e-5f1f2c7d9a10";
    private static final Instant REGISTERED = Instant.parse("2026-11-23T10:00:00Z");
    private static final CustomerRegisteredEvent EVENT = new CustomerRegisteredEvent(ID, "Mary Jackson",
            LocalDate.of(1981, 4, 9), new IdentityDocument(IdentityDocumentType.DRIVING_LICENCE, "US", "DL 1234"),
            "mary@example.com", "+17575550101", "US", LocalDate.of(2026, 11, 23));

    private CustomerViewProjection projection;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        Flyway.configure().dataSource(postgres.getPostgresDatabase())
                .locations("classpath:db/migration").load().migrate();
        jdbc = new JdbcTemplate(postgres.getPostgresDatabase());
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void setUp() {
        projection = new CustomerViewProjection(jdbc);
        projection.reset();
    }

    @Test
    void registrationCreatesTheRow() {
        projection.on(EVENT, REGISTERED);
        CustomerDetails details = projection.handle(new FindCustomerQuery(ID)).orElseThrow();
        assertThat(details).isEqualTo(new CustomerDetails(ID, "Mary Jackson", LocalDate.of(1981, 4, 9),
                EVENT.identityDocument(), "mary@example.com", "+17575550101", "US", LocalDate.of(2026, 11, 23),
                REGISTERED, REGISTERED));
    }

    @Test
    void redeliveryChangesNothing() {
        projection.on(EVENT, REGISTERED);
        projection.on(new CustomerContactUpdatedEvent(ID, "new@example.com", "+17575550102"),
                REGISTERED.plusSeconds(60));
        CustomerDetails before = projection.handle(new FindCustomerQuery(ID)).orElseThrow();

        // At-least-once delivery after a crash replays handled events: the view must not move.
        projection.on(EVENT, REGISTERED);
        projection.on(new CustomerContactUpdatedEvent(ID, "new@example.com", "+17575550102"),
                REGISTERED.plusSeconds(60));
        assertThat(projection.handle(new FindCustomerQuery(ID))).contains(before);
        assertThat(before.email()).isEqualTo("new@example.com");
        assertThat(before.updateTime()).isEqualTo(REGISTERED.plusSeconds(60));
    }

    @Test
    void anOlderUpdateRedeliveredLateDoesNotOverwriteANewerOne() {
        projection.on(EVENT, REGISTERED);
        projection.on(new CustomerContactUpdatedEvent(ID, "second@example.com", "+17575550102"),
                REGISTERED.plusSeconds(120));
        projection.on(new CustomerContactUpdatedEvent(ID, "first@example.com", "+17575550101"),
                REGISTERED.plusSeconds(60));
        assertThat(projection.handle(new FindCustomerQuery(ID)).orElseThrow().email()).isEqualTo("second@example.com");
    }

    @Test
    void resetEmptiesTheViewForAReplay() {
        projection.on(EVENT, REGISTERED);
        projection.reset();
        assertThat(projection.handle(new FindCustomerQuery(ID))).isEmpty();
    }

    @Test
    void unknownCustomerIsEmpty() {
        assertThat(projection.handle(new FindCustomerQuery("nobody"))).isEmpty();
    }
}
