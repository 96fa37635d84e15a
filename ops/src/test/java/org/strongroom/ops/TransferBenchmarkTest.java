package org.strongroom.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's reading of pgbench and of the node's data directory (the runs themselves are measured by hand). */
class TransferBenchmarkTest {

    @Test
    void readsTheThroughputPgbenchPrints() {
        String output = """
                transaction type: <builtin: TPC-B (sort of)>
                number of clients: 8
                latency average = 2.274 ms
                initial connection time = 10.1 ms
                tps = 3517.947931 (without initial connection time)
                """;
        assertThat(TransferBenchmark.tps(output)).isEqualTo(3517.947931);
        assertThatThrownBy(() -> TransferBenchmark.tps("pgbench: error: connection refused"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("connection refused");
    }

    @Test
    void findsTheEmbeddedPostgresPortInItsPidFile(@TempDir Path dataDir) throws Exception {
        Files.createDirectories(dataDir.resolve("postgres"));
        Files.writeString(dataDir.resolve("postgres").resolve("postmaster.pid"),
                "4242\n" + dataDir.resolve("postgres") + "\n1765090000\n54321\n/tmp\n127.0.0.1\n");
        assertThat(TransferBenchmark.embeddedPostgresPort(dataDir)).isEqualTo(54321);
    }

    @Test
    void aGivenPgbenchThatIsNotThereIsNotFound(@TempDir Path dir) {
        assertThat(TransferBenchmark.findPgbench(dir.resolve("pgbench").toString())).isEmpty();
    }

    @Test
    void theTransferScriptTakesBothLocksInOrderAndCommitsOnce() {
        String script = TransferBenchmark.TRANSFER_SCRIPT;
        assertThat(script.indexOf("least(:a, :b)")).isLessThan(script.indexOf("greatest(:a, :b)"));
        assertThat(script.lines().filter(line -> line.equals("BEGIN;") || line.equals("COMMIT;"))).hasSize(2);
        assertThat(script.lines().filter(line -> line.startsWith("INSERT INTO bench_event"))).hasSize(3);
    }
}
