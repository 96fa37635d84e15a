package org.strongroom.node.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.springframework.stereotype.Component;

/**
 * Applied migrations whose text changed only in a comment after they were released: before Flyway
 * validates, the checksum recorded for such a migration is moved from the exact old value to the new one,
 * so a data directory of an earlier release still starts. Nothing else is touched: a migration whose
 * recorded checksum is anything but the known old value still fails validation, as it should.
 */
@Component
public class MigrationChecksums implements Callback {

    /** (version, checksum as released, checksum now): V3's comment now cites docs/architecture.md. */
    static final Object[][] REALIGNED = {{"3", 1050668900, -754714858}};

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_VALIDATE || event == Event.BEFORE_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        try {
            realign(context.getConnection());
        } catch (SQLException e) {
            throw new IllegalStateException("could not realign migration checksums", e);
        }
    }

    /** Moves each known old checksum to its new value; returns how many rows moved. */
    static int realign(Connection connection) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement("SELECT to_regclass('flyway_schema_history')");
             ResultSet table = exists.executeQuery()) {
            if (!table.next() || table.getString(1) == null) {
                return 0;
            }
        }
        int moved = 0;
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE flyway_schema_history SET checksum = ? WHERE version = ? AND checksum = ?")) {
            for (Object[] migration : REALIGNED) {
                update.setInt(1, (Integer) migration[2]);
                update.setString(2, (String) migration[0]);
                update.setInt(3, (Integer) migration[1]);
                moved += update.executeUpdate();
            }
        }
        return moved;
    }

    @Override
    public String getCallbackName() {
        return "strongroom-migration-checksums";
    }
}
