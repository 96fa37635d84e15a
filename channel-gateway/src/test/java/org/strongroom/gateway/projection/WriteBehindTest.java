package org.strongroom.gateway.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.strongroom.node.NodeTest;
import org.strongroom.projections.api.WriteBehind;

/**
 * Appends during a replay or an operation's commit are kept and written in batches, in order, in its
 * transaction (a flush writes them before a statement that must follow them); elsewhere at once.
 */
class WriteBehindTest extends NodeTest {

    private static final String INSERT = "INSERT INTO write_behind_check (n, label) VALUES (?, ?)";
    private static final String OTHER = "INSERT INTO write_behind_check (n, label) VALUES (? + 1000, ?)";

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TransactionTemplate transactions;

    @BeforeEach
    void table() {
        jdbc.execute("CREATE TABLE IF NOT EXISTS write_behind_check (seq BIGSERIAL PRIMARY KEY, n INT NOT NULL, "
                + "label TEXT)");
        jdbc.execute("TRUNCATE write_behind_check");
    }

    @Test
    void outsideAReplayAnAppendIsWrittenAtOnce() {
        WriteBehind.append(jdbc, INSERT, 1, "now");
        assertThat(rows()).containsExactly("1:now");
    }

    @Test
    void insideAReplayAppendsWaitForItsEndAndKeepTheirOrder() {
        transactions.executeWithoutResult(tx -> WriteBehind.during(() -> {
            WriteBehind.append(jdbc, INSERT, 1, "a");
            WriteBehind.append(jdbc, INSERT, 2, null);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM write_behind_check", Long.class))
                    .as("kept until the replay returns").isZero();
            WriteBehind.append(jdbc, OTHER, 3, "b");
            WriteBehind.append(jdbc, INSERT, 4, "c");
        }));
        assertThat(rows()).containsExactly("1:a", "2:null", "1003:b", "4:c");
    }

    @Test
    void aFlushWritesWhatWasKeptBeforeTheStatementThatFollowsIt() {
        transactions.executeWithoutResult(tx -> WriteBehind.during(() -> {
            WriteBehind.append(jdbc, INSERT, 1, "kept");
            WriteBehind.flush();
            assertThat(rows()).as("written by the flush").containsExactly("1:kept");
            jdbc.update("UPDATE write_behind_check SET label = 'changed' WHERE n = 1");
            WriteBehind.append(jdbc, INSERT, 2, "after");
        }));
        assertThat(rows()).containsExactly("1:changed", "2:after");
    }

    @Test
    void aReplayThatFailsWritesNothing() {
        assertThatThrownBy(() -> transactions.executeWithoutResult(tx -> WriteBehind.during(() -> {
            WriteBehind.append(jdbc, INSERT, 1, "lost");
            throw new IllegalStateException("an event that cannot be applied");
        }))).isInstanceOf(IllegalStateException.class);
        assertThat(rows()).isEmpty();
        WriteBehind.append(jdbc, INSERT, 2, "after");
        assertThat(rows()).as("the failed replay left nothing kept on the thread").containsExactly("2:after");
    }

    private List<String> rows() {
        return jdbc.queryForList("SELECT n || ':' || COALESCE(label, 'null') FROM write_behind_check ORDER BY seq",
                String.class);
    }
}
