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
