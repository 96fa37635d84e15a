package org.strongroom.node.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's own PostgreSQL 17: a real server process on a data directory that persists across restarts.
 *
 * <p>Durability settings are forced on (zonky defaults them off for throwaway test databases): an OK
 * returned to a client must survive a power cut. A node killed with SIGKILL leaves its PostgreSQL
 * running; the next start finds it through {@code postmaster.pid} and stops it cleanly first.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    public static final String DATABASE = "strongroom";
    public static final String USER = "postgres";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    private final Path dataDir;
    private final int requestedPort;
    private final Duration orphanStopTimeout;
    private EmbeddedPostgres postgres;
    private FileChannel nodeLockChannel;
    private FileLock nodeLock;

    public EmbeddedPostgresServer(Path dataDir, int requestedPort, Duration orphanStopTimeout) {
        this.dataDir = dataDir.toAbsolutePath();
        this.requestedPort = requestedPort;
        this.orphanStopTimeout = orphanStopTimeout;
    }

    public synchronized void start() {
        if (postgres != null) {
            return;
        }
        try {
            Files.createDirectories(dataDir.getParent());
            lockDataDirectory();
            stopOrphanedServer();
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    // Spring closes this bean in order; a JVM hook would race the DataSource's shutdown.
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "100")
                    .setOutputRedirector(java.lang.ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                    .setErrorRedirector(java.lang.ProcessBuilder.Redirect.appendTo(logFile().toFile()));
            if (requestedPort > 0) {
                builder.setPort(requestedPort);
            }
            postgres = builder.start();
            createDatabaseIfMissing();
        } catch (IOException e) {
            releaseDataDirectory();
            throw new UncheckedIOException("embedded PostgreSQL failed to start on " + dataDir
                    + " (see " + logFile() + ")", e);
        } catch (RuntimeException e) {
            releaseDataDirectory();
            throw e;
        }
    }

    /**
     * One node per data directory. The lock is the node's own (an OS file lock, released when its JVM
     * dies, even by SIGKILL), so a PostgreSQL found running while we hold it is an orphan, and one
     * found while another node holds it belongs to a live node and is never touched.
     */
    private void lockDataDirectory() throws IOException {
        Path lockFile = dataDir.resolveSibling("node.lock");
        nodeLockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            nodeLock = nodeLockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            nodeLock = null;
        }
        if (nodeLock == null) {
            nodeLockChannel.close();
            nodeLockChannel = null;
            throw new IllegalStateException("data directory " + dataDir.getParent() + " is in use by another "
                    + "running node (" + lockFile + " is locked); stop that node or choose another strongroom.data-dir");
        }
    }

    private void releaseDataDirectory() {
        try {
            if (nodeLock != null) {
                nodeLock.release();
            }
            if (nodeLockChannel != null) {
                nodeLockChannel.close();
            }
        } catch (IOException e) {
            log.warn("could not release the data directory lock: {}", e.getMessage());
        } finally {
            nodeLock = null;
            nodeLockChannel = null;
        }
    }

    public synchronized int port() {
        requireStarted();
        return postgres.getPort();
    }

    /**
     * The JDBC URL of the node's database. {@code reWriteBatchedInserts} has the driver send a JDBC batch of
     * inserts as multi-row statements: the events of one operation, and a journal entry's lines, reach
     * PostgreSQL as one statement each instead of one per row (nothing in the node reads a batch's update
     * counts, which the driver then reports as SUCCESS_NO_INFO).
     */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE + "?reWriteBatchedInserts=true";
    }

    public Path dataDir() {
        return dataDir;
    }

    /** PID of the running postmaster, read from its own pid file. */
    public OptionalLong postmasterPid() {
        return readPostmasterPid(dataDir);
    }

    @Override
    public synchronized void close() {
        if (postgres == null) {
            return;
        }
        Optional<ProcessHandle> postmaster = readPostmasterPid(dataDir).stream().boxed()
                .map(ProcessHandle::of).flatMap(Optional::stream).findFirst();
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        } finally {
            postgres = null;
        }
        // zonky's pg_ctl gives up waiting after a few seconds while the shutdown checkpoint may still be
        // writing; the node must not exit before PostgreSQL has.
        postmaster.filter(process -> !await(process, orphanStopTimeout, handle -> !handle.isAlive()))
                .ifPresent(process -> log.warn("PostgreSQL (pid {}) still running {} after stop; it will "
                        + "finish its shutdown on its own", process.pid(), orphanStopTimeout));
        releaseDataDirectory();
    }

    /**
     * Waits until {@code done} holds for the postmaster, or the timeout; true if it does. Polled every 10 ms,
     * not through {@code ProcessHandle.onExit()}: the postmaster is never this JVM's child (pg_ctl starts
     * it), and for such a process the JDK polls at intervals of 300 ms and more.
     */
    private static boolean await(ProcessHandle process, Duration timeout, Predicate<ProcessHandle> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!done.test(process) && System.nanoTime() - deadline < 0) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return done.test(process);
    }

    /**
     * An orphan has stopped once it is gone or no longer named by the data directory's
     * {@code postmaster.pid}, which PostgreSQL removes as the last step of its shutdown: a new server may
     * start on the directory from then on. Waiting for the process itself put over a second on a restart's
     * critical path, since a stopped postmaster stays a zombie until the system reaps it
     * (docs/performance.md, "Restart").
     */
    private boolean released(ProcessHandle process) {
        return !process.isAlive() || readPostmasterPid(dataDir).orElse(-1) != process.pid();
    }

    private void requireStarted() {
        if (postgres == null) {
            throw new IllegalStateException("embedded PostgreSQL is not running");
        }
    }

    private Path logFile() {
        return dataDir.resolveSibling("postgres.log");
    }

    private void createDatabaseIfMissing() {
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, DATABASE);
                try (ResultSet rows = exists.executeQuery()) {
                    if (rows.next()) {
                        return;
                    }
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE " + DATABASE + " ENCODING 'UTF8'");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + DATABASE, e);
        }
    }

    /**
     * A node killed hard leaves its postmaster running and holding the data directory. Stop it with
     * SIGTERM (PostgreSQL's smart shutdown: the dead node's sessions are gone, so it exits promptly and
     * checkpoints), and refuse to start rather than run two servers on one data directory.
     */
    private void stopOrphanedServer() {
        OptionalLong pid = readPostmasterPid(dataDir);
        if (pid.isEmpty()) {
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid.getAsLong())
                .filter(ProcessHandle::isAlive)
                .filter(EmbeddedPostgresServer::isPostgres);
        if (process.isEmpty()) {
            return; // stale pid file: PostgreSQL itself recovers from it
        }
        log.warn("PostgreSQL (pid {}) from an earlier node is still running on {}: stopping it before start",
                pid.getAsLong(), dataDir);
        ProcessHandle orphan = process.get();
        orphan.destroy();
        if (!await(orphan, orphanStopTimeout, this::released)) {
            throw new IllegalStateException("PostgreSQL pid " + pid.getAsLong() + " on " + dataDir
                    + " did not stop within " + orphanStopTimeout + "; stop it and start the node again");
        }
        log.info("orphaned PostgreSQL (pid {}) stopped", pid.getAsLong());
    }

    private static boolean isPostgres(ProcessHandle process) {
        return process.info().command().map(command -> command.endsWith("postgres")).orElse(true);
    }

    static OptionalLong readPostmasterPid(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            return lines.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(lines.get(0).trim()));
        } catch (java.nio.file.NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            log.warn("unreadable {}: {}", pidFile, e.getMessage());
            return OptionalLong.empty();
        }
    }
}
