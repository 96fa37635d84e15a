package org.strongroom.node.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import kafka.server.BrokerServer;
import kafka.server.ControllerServer;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.server.Server;
import kafka.server.SharedServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.network.Selectable;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.ServerSocketFactory;
import org.apache.kafka.server.fault.FaultHandler;
import org.apache.kafka.server.fault.FaultHandlerException;
import org.apache.kafka.server.fault.LoggingFaultHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * A single-node KRaft Kafka cluster (one process acting as broker and controller) running inside
 * this JVM, with its data in {@code logDir}. Listeners bind to 127.0.0.1 only.
 *
 * <p>The broker is assembled from Kafka's server components the same way {@code KafkaRaftServer}
 * does it, except that fatal faults are handed to this class instead of Kafka's default handler,
 * which halts the JVM. A failure during {@link #start()} is thrown; a fatal fault while running
 * shuts the broker down and is reported by {@link #failure()} and {@link #isRunning()}.
 *
 * <p>An instance is single-use: start it once, close it once (further closes are no-ops). To
 * restart on the same data, create a new instance for the same {@code logDir}.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private static final int NODE_ID = 1;
    private static final String LOOPBACK = "127.0.0.1";
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String META_PROPERTIES = MetaPropertiesEnsemble.META_PROPERTIES_NAME;
    private static final String METADATA_LOG = "__cluster_metadata-0";
    private static final String NODE_LOCK = ".embedded-broker.lock";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

    /** Brokers that are starting or running; Kafka's Exit hooks are redirected while non-empty. */
    private static final Set<EmbeddedKafkaBroker> EXIT_GUARDED = new LinkedHashSet<>();

    /** Log dirs locked by brokers in this JVM (real paths). */
    private static final Set<Path> LOCKED_DIRS = new HashSet<>();

    private enum State { NEW, STARTING, RUNNING, CLOSED }

    private final Path logDir;
    private final int requestedBrokerPort;
    private final int requestedControllerPort;

    private final Object lifecycleLock = new Object();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Map<String, ServerSocketChannel> unclaimedSockets = new ConcurrentHashMap<>();
    private final List<ServerSocketChannel> allSockets = new ArrayList<>();

    private volatile State state = State.NEW;
    /** The listeners' ports once bound (-1 before). */
    private volatile int boundBrokerPort = -1;
    private volatile int boundControllerPort = -1;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private volatile String clusterId;

    // Guarded by lifecycleLock.
    private FileChannel lockChannel;
    private Path lockedDir;
    private Metrics metrics;
    private ControllerServer controller;
    private BrokerServer broker;

    /**
     * @param logDir         data directory (Kafka log dir and KRaft metadata dir); created if missing
     * @param brokerPort     client listener port on 127.0.0.1, 0 for a free port
     * @param controllerPort KRaft controller listener port on 127.0.0.1, 0 for a free port
     */
    public EmbeddedKafkaBroker(Path logDir, int brokerPort, int controllerPort) {
        this.logDir = logDir.toAbsolutePath().normalize();
        this.requestedBrokerPort = checkPort(brokerPort);
        this.requestedControllerPort = checkPort(controllerPort);
    }

    /**
     * Takes the data directory and binds the listeners now, so that {@link #bootstrapServers()} answers at
     * once; the broker itself starts later ({@link #startInBackground()}).
     *
     * @throws KafkaException if the data directory or a port cannot be taken
     */
    public void bindNow() {
        synchronized (lifecycleLock) {
            if (state != State.NEW) {
                throw new IllegalStateException("EmbeddedKafkaBroker can only be started once (state " + state + ")");
            }
            try {
                bind();
            } catch (Throwable e) {
                shutdownQuietly();
                started.completeExceptionally(e);
                throw new KafkaException("Embedded Kafka broker could not bind in " + logDir + ": " + e, e);
            }
        }
    }

    /**
     * Binds the listeners (if {@link #bindNow()} has not) and starts the broker on a thread of its own: a
     * broker recovering its logs after a hard stop takes seconds that nothing else need wait for.
     * {@link #started()} completes when it serves clients.
     *
     * @throws KafkaException if the data directory or a port cannot be taken
     */
    public void startInBackground() {
        bindNow();
        Thread starter = new Thread(() -> {
            try {
                start();
            } catch (RuntimeException | Error e) {
                log.error("the embedded Kafka broker did not start; events are published once it does (restart "
                        + "the node)", e);
            }
        }, "embedded-kafka-start");
        starter.setDaemon(true);
        starter.start();
    }

    /** Completes when the broker serves clients; completes exceptionally if its start failed. */
    public CompletableFuture<Void> started() {
        return started;
    }

    /**
     * Formats {@code logDir} on first use, starts the broker and blocks until it serves clients.
     *
     * @throws KafkaException if the broker cannot start or does not serve clients within 60 s;
     *                        whatever was started has been shut down again by then
     */
    public void start() {
        synchronized (lifecycleLock) {
            if (state != State.NEW) {
                throw new IllegalStateException("EmbeddedKafkaBroker can only be started once (state " + state + ")");
            }
            state = State.STARTING;
            long startNanos = System.nanoTime();
            long deadlineNanos = startNanos + STARTUP_TIMEOUT.toNanos();
            try {
                bind();
                KafkaConfig config = new KafkaConfig(serverProperties(boundBrokerPort, boundControllerPort), false);

                formatIfNeeded();
                Tuple2<MetaPropertiesEnsemble, BootstrapMetadata> dirs =
                        KafkaRaftServer.initializeLogDirs(config, log, "[EmbeddedKafkaBroker] ");
                clusterId = dirs._1().clusterId().orElseThrow();
                metrics = Server.initializeMetrics(config, Time.SYSTEM, clusterId);
                SharedServer shared = new SharedServer(
                        config,
                        dirs._1(),
                        Time.SYSTEM,
                        metrics,
                        CompletableFuture.completedFuture(
                                Map.of(NODE_ID, new InetSocketAddress(LOOPBACK, boundControllerPort))),
                        List.of(),
                        this::faultHandler,
                        this::openServerSocket);
                controller = new ControllerServer(shared, KafkaRaftServer.configSchema(), dirs._2());
                broker = new BrokerServer(shared);

                // Controller first: the broker registers with it (same order as KafkaRaftServer).
                controller.startup();
                broker.startup();
                awaitClientConnectivity(deadlineNanos);

                state = State.RUNNING;
                // A fault raised while starting (but after the checks above) must not be lost.
                throwIfFailed();
                log.info("Embedded Kafka broker started on {} in {} ms (cluster id {}, data in {})",
                        bootstrapServers(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                        clusterId, logDir);
                started.complete(null);
            } catch (Throwable e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                Throwable fault = failure.get();
                if (fault != null && fault != e && fault.getCause() != e) {
                    e.addSuppressed(fault);
                }
                shutdownQuietly();
                started.completeExceptionally(e);
                if (e instanceof Error error) {
                    throw error;
                }
                throw new KafkaException("Embedded Kafka broker failed to start in " + logDir + ": " + e, e);
            }
        }
    }

    /**
     * Takes the data directory and binds both listeners (once): port 0 resolves to a real port before the
     * config (voters, advertised listener) needs it, with no bind race. Called under the lifecycle lock.
     */
    private void bind() throws IOException {
        if (boundBrokerPort >= 0) {
            return;
        }
        guardExit(this);
        Files.createDirectories(logDir);
        lockLogDir();
        // Bind the sockets ourselves and hand them to Kafka.
        int brokerPort = prebind(BROKER_LISTENER, requestedBrokerPort);
        boundControllerPort = prebind(CONTROLLER_LISTENER, requestedControllerPort);
        boundBrokerPort = brokerPort;
    }

    /** {@code 127.0.0.1:<port>} of the client listener. */
    public String bootstrapServers() {
        int port = boundBrokerPort;
        if (port < 0) {
            throw new IllegalStateException("EmbeddedKafkaBroker has not been started");
        }
        return LOOPBACK + ":" + port;
    }

    /** Cluster id from {@code meta.properties}; stable across restarts on the same {@code logDir}. */
    public String clusterId() {
        String id = clusterId;
        if (id == null) {
            throw new IllegalStateException("EmbeddedKafkaBroker has not been started");
        }
        return id;
    }

    /** True once {@link #start()} has succeeded, until {@link #close()} or a fatal fault. */
    public boolean isRunning() {
        return state == State.RUNNING && failure.get() == null;
    }

    /** The fatal fault that stopped (or is stopping) this broker, if any. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /**
     * Shuts the broker down and waits until it has stopped. Idempotent; safe after a failed start.
     * Blocks while another thread is inside {@link #start()}.
     */
    @Override
    public void close() {
        synchronized (lifecycleLock) {
            if (state == State.CLOSED) {
                return;
            }
            // Bound but not yet started (startInBackground) holds sockets and the data directory too.
            boolean wasStarted = state != State.NEW || boundBrokerPort >= 0;
            if (wasStarted) {
                shutdownQuietly();
            }
            state = State.CLOSED;
            if (wasStarted) {
                log.info("Embedded Kafka broker stopped (data in {})", logDir);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------

    private Map<String, String> serverProperties(int brokerPort, int controllerPort) {
        String dir = logDir.toString();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        // Static voter set (kraft.version 0): the controller port may change between restarts.
        p.put("controller.quorum.voters", NODE_ID + "@" + LOOPBACK + ":" + controllerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("listeners", BROKER_LISTENER + "://" + LOOPBACK + ":" + brokerPort
                + "," + CONTROLLER_LISTENER + "://" + LOOPBACK + ":" + controllerPort);
        p.put("advertised.listeners", BROKER_LISTENER + "://" + LOOPBACK + ":" + brokerPort);
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("log.dirs", dir);
        p.put("metadata.log.dir", dir);
        // Bounds the waits inside controller/broker startup (default is unbounded).
        p.put("server.max.startup.time.ms", String.valueOf(STARTUP_TIMEOUT.toMillis()));

        // Single node: every internal topic has exactly one replica.
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Internal topics default to 50 partitions, pointless on one node; fixed once created.
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.num.partitions", "4");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "true");
        p.put("num.partitions", "1");
        // After a SIGKILL the controller still holds the killed broker's registration and refuses the new
        // one until that session expires: 9 s by default, most of the broker's start after a crash. The
        // broker and its controller share this process, so a heartbeat is never lost on a network: a
        // session of 3 s (a heartbeat each 750 ms) lapses only if the node itself stalls that long.
        p.put("broker.heartbeat.interval.ms", "750");
        p.put("broker.session.timeout.ms", "3000");

        // Keep the footprint modest: the cleaner's dedupe buffer (default 128 MiB) is allocated
        // on the heap at startup, and the default thread pools are sized for dedicated hosts.
        p.put("log.segment.bytes", String.valueOf(16 * 1024 * 1024));
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16L * 1024 * 1024));
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("background.threads", "4");
        p.put("num.recovery.threads.per.data.dir", "1");

        // Kafka ignores unknown keys; fail loudly instead if an upgrade renamed one of ours.
        Set<String> known = KafkaConfig.configDef().names();
        List<String> unknown = p.keySet().stream().filter(k -> !known.contains(k)).toList();
        if (!unknown.isEmpty()) {
            throw new KafkaException("Kafka does not know these embedded broker settings: " + unknown);
        }
        return p;
    }

    private void formatIfNeeded() throws Exception {
        if (Files.exists(logDir.resolve(META_PROPERTIES))) {
            return; // existing node: keep its cluster id and data
        }
        // Metadata without meta.properties means the dir was tampered with; formatting would
        // silently attach old data to a new cluster id.
        if (Files.exists(logDir.resolve(METADATA_LOG))) {
            throw new KafkaException(logDir + " contains KRaft metadata but no " + META_PROPERTIES
                    + "; refusing to format it");
        }
        String newClusterId = Uuid.randomUuid().toString();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        new Formatter()
                .setPrintStream(new PrintStream(output, true, StandardCharsets.UTF_8))
                .setNodeId(NODE_ID)
                .setClusterId(newClusterId)
                .addDirectory(logDir.toString())
                .setMetadataLogDirectory(logDir.toString())
                .setControllerListenerName(CONTROLLER_LISTENER)
                .run();
        log.info("Formatted {} for new single-node KRaft cluster {}", logDir, newClusterId);
        log.debug("Formatter output: {}", output.toString(StandardCharsets.UTF_8).trim());
    }

    private void awaitClientConnectivity(long deadlineNanos) throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-readiness");
        int remainingMs = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, remainingMs);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(remainingMs, 10_000));
        try (Admin admin = Admin.create(props)) {
            Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(remainingMs))
                    .nodes()
                    .get(remainingMs + 1_000L, TimeUnit.MILLISECONDS);
            if (nodes.stream().noneMatch(n -> n.id() == NODE_ID)) {
                throw new KafkaException("Broker answered but does not list itself: " + nodes);
            }
        } catch (ExecutionException e) {
            throw new KafkaException("Broker at " + bootstrapServers() + " is not accepting clients", e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("Broker at " + bootstrapServers() + " did not answer within "
                    + STARTUP_TIMEOUT.toSeconds() + " s", e);
        }
    }

    /** Ordered, quiet shutdown of whatever was started; every step tolerates the ones before failing. */
    private void shutdownQuietly() {
        // Broker before controller: its controlled shutdown still talks to the controller.
        if (broker != null) {
            swallow("broker shutdown", () -> broker.shutdown(SHUTDOWN_TIMEOUT));
        }
        if (controller != null) {
            swallow("controller shutdown", controller::shutdown);
        }
        // awaitShutdown returns immediately for a component that was never started.
        if (broker != null) {
            swallow("broker awaitShutdown", broker::awaitShutdown);
        }
        if (controller != null) {
            swallow("controller awaitShutdown", controller::awaitShutdown);
        }
        // Normally closed by SharedServer already; not if startup failed before it ran (idempotent).
        Utils.closeQuietly(metrics, "embedded Kafka metrics");
        // Sockets Kafka never claimed are ours to close; closing claimed ones again is harmless.
        synchronized (allSockets) {
            allSockets.forEach(s -> Utils.closeQuietly(s, "embedded Kafka server socket"));
            allSockets.clear();
        }
        unclaimedSockets.clear();
        // Last: the data dir is ours until Kafka has fully stopped writing to it.
        unlockLogDir();
        broker = null;
        controller = null;
        metrics = null;
        state = State.CLOSED;
        unguardExit(this);
    }

    /*
     * In combined mode Kafka locks the dir only when the broker's LogManager starts, after the
     * controller has already opened and written the metadata log. Lock first, so a second node on
     * the same dir fails before touching it. The file lock covers other processes (the OS drops it
     * when the process dies); LOCKED_DIRS covers this JVM, where a second open-and-close of the lock
     * file would release the POSIX lock for the whole process.
     */
    private void lockLogDir() throws IOException {
        Path dir = logDir.toRealPath();
        synchronized (LOCKED_DIRS) {
            if (!LOCKED_DIRS.add(dir)) {
                throw new KafkaException(logDir + " is in use by another Kafka broker in this JVM");
            }
        }
        lockedDir = dir;
        FileChannel channel = FileChannel.open(dir.resolve(NODE_LOCK),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        if (channel.tryLock() == null) {
            Utils.closeQuietly(channel, "embedded Kafka node lock");
            throw new KafkaException(logDir + " is in use by another process");
        }
        lockChannel = channel;
    }

    private void unlockLogDir() {
        Utils.closeQuietly(lockChannel, "embedded Kafka node lock");
        lockChannel = null;
        if (lockedDir != null) {
            synchronized (LOCKED_DIRS) {
                LOCKED_DIRS.remove(lockedDir);
            }
            lockedDir = null;
        }
    }

    private int prebind(String listener, int port) throws IOException {
        ServerSocketChannel channel = ServerSocketFactory.INSTANCE.openServerSocket(
                listener, new InetSocketAddress(LOOPBACK, port), -1, Selectable.USE_DEFAULT_BUFFER_SIZE);
        synchronized (allSockets) {
            allSockets.add(channel);
        }
        unclaimedSockets.put(listener, channel);
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    private ServerSocketChannel openServerSocket(String listener, InetSocketAddress address, int backlog,
                                                 int recvBufferSize) throws IOException {
        ServerSocketChannel prebound = unclaimedSockets.remove(listener);
        if (prebound != null) {
            return prebound;
        }
        throw new IOException("No pre-bound socket for listener " + listener + " at " + address);
    }

    private FaultHandler faultHandler(String name, boolean fatal, Runnable action) {
        if (!fatal) {
            return new LoggingFaultHandler(name, action);
        }
        // Kafka's default here is ProcessTerminatingFaultHandler (Exit.halt); stop only the broker.
        return (message, cause) -> {
            log.error("Fatal fault in embedded Kafka {}: {}", name, message, cause);
            try {
                action.run();
            } catch (Throwable t) {
                log.warn("Fault action for {} failed", name, t);
            }
            FaultHandlerException fault = new FaultHandlerException(name + ": " + message, cause);
            onFatalFault(fault);
            return fault;
        };
    }

    private void onFatalFault(Throwable fault) {
        if (!failure.compareAndSet(null, fault)) {
            return;
        }
        // While starting, start() sees the failure and cleans up itself. While running, shut down
        // on a fresh thread: the faulting thread may be one that shutdown waits for.
        if (state == State.RUNNING) {
            Thread stopper = new Thread(this::close, "embedded-kafka-fault-shutdown");
            stopper.setDaemon(true);
            stopper.start();
        }
    }

    private void throwIfFailed() {
        Throwable fault = failure.get();
        if (fault != null) {
            throw new KafkaException("Embedded Kafka broker hit a fatal fault", fault);
        }
    }

    /*
     * A few Kafka paths call Exit.exit/halt directly (e.g. when every log dir has failed). In-process
     * that would kill the host, so while an embedded broker runs they fail the broker instead. Exit's
     * hooks are JVM-global: they are restored to Kafka's defaults when the last broker stops.
     */
    private static void guardExit(EmbeddedKafkaBroker broker) {
        synchronized (EXIT_GUARDED) {
            if (EXIT_GUARDED.isEmpty()) {
                Exit.setExitProcedure(EmbeddedKafkaBroker::refuseExit);
                Exit.setHaltProcedure(EmbeddedKafkaBroker::refuseExit);
            }
            EXIT_GUARDED.add(broker);
        }
    }

    private static void unguardExit(EmbeddedKafkaBroker broker) {
        synchronized (EXIT_GUARDED) {
            if (EXIT_GUARDED.remove(broker) && EXIT_GUARDED.isEmpty()) {
                Exit.resetExitProcedure();
                Exit.resetHaltProcedure();
            }
        }
    }

    private static void refuseExit(int statusCode, String message) {
        KafkaException fault = new KafkaException("Kafka requested JVM exit with status " + statusCode
                + (message == null ? "" : " (" + message + ")") + "; stopping the embedded broker instead");
        log.error("{}", fault.getMessage(), fault);
        List<EmbeddedKafkaBroker> brokers;
        synchronized (EXIT_GUARDED) {
            brokers = List.copyOf(EXIT_GUARDED);
        }
        // Exit does not say which broker called it; with one broker per node that is unambiguous.
        brokers.forEach(b -> b.onFatalFault(fault));
        throw fault; // unwind the calling Kafka thread instead of letting it carry on
    }

    private static void swallow(String step, ThrowingRunnable runnable) {
        try {
            runnable.run();
        } catch (Throwable t) {
            log.warn("Embedded Kafka {} failed", step, t);
        }
    }

    private static int checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Port must be 0..65535, got " + port);
        }
        return port;
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
