package org.strongroom.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.node.postgres.EmbeddedPostgresServer;
import org.strongroom.node.time.BusinessDateService;

/** The embedded PostgreSQL is durable, and the business date lives in it. */
class DatabaseTest extends NodeTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    BusinessDateService businessDate;
    @Autowired
    EmbeddedPostgresServer postgres;
    @Autowired
    org.flywaydb.core.Flyway flyway;

    /**
     * A data directory of an earlier release recorded V3 with the checksum of its text then; the comment
     * changed since. The node still validates it, and any other checksum is still refused.
     */
    @Test
    void aMigrationWhoseCommentChangedStillValidatesOnAnEarlierReleasesDataDirectory() {
        Integer current = jdbc.queryForObject("SELECT checksum FROM flyway_schema_history WHERE version = '3'",
                Integer.class);
        try {
            jdbc.update("UPDATE flyway_schema_history SET checksum = 1050668900 WHERE version = '3'");
            flyway.validate();
            assertThat(jdbc.queryForObject("SELECT checksum FROM flyway_schema_history WHERE version = '3'",
                    Integer.class)).isEqualTo(current).isEqualTo(-754714858);
            jdbc.update("UPDATE flyway_schema_history SET checksum = 12345 WHERE version = '3'");
            org.assertj.core.api.Assertions.assertThatThrownBy(flyway::validate)
                    .hasMessageContaining("checksum mismatch");
        } finally {
            jdbc.update("UPDATE flyway_schema_history SET checksum = ? WHERE version = '3'", current);
        }
    }

    @Test
    void embeddedPostgresIsDurable() {
        assertThat(jdbc.queryForObject("SHOW fsync", String.class)).isEqualTo("on");
        assertThat(jdbc.queryForObject("SHOW synchronous_commit", String.class)).isEqualTo("on");
        assertThat(jdbc.queryForObject("SHOW full_page_writes", String.class)).isEqualTo("on");
        assertThat(jdbc.queryForObject("SELECT current_setting('server_version_num')::int / 10000", Integer.class))
                .isEqualTo(17);
    }

    @Test
    void embeddedPostgresKeepsItsDataInTheNodesDataDir() {
        assertThat(postgres.dataDir().getFileName()).hasToString("postgres");
        assertThat(postgres.dataDir().resolve("PG_VERSION")).exists();
        assertThat(postgres.postmasterPid()).isPresent();
    }

    @Test
    void businessDateIsPersistedFromTheClockAndMovesOnlyByCloseOfBusiness() {
        LocalDate today = businessDate.current();
        assertThat(today).isEqualTo(LocalDate.of(2026, 11, 23));
        assertThat(jdbc.queryForObject("SELECT business_date FROM business_date WHERE id = 1", LocalDate.class))
                .isEqualTo(today);

        // Wall-clock time passing does not move the business date.
        support.clock().advance(java.time.Duration.ofDays(3));
        assertThat(businessDate.refresh()).isEqualTo(today);

        // Close of business moves it one day; a stale closer is refused.
        assertThat(businessDate.advance(today)).isEqualTo(today.plusDays(1));
        assertThatThrownBy(() -> businessDate.advance(today)).isInstanceOf(IllegalStateException.class);
        // Put it back for the other tests sharing this node (a test-only correction).
        jdbc.update("UPDATE business_date SET business_date = ? WHERE id = 1", today);
        support.clock().advance(java.time.Duration.ofDays(-3));
        assertThat(businessDate.refresh()).isEqualTo(today);
    }
}
