package org.strongroom.ops;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A bank node this tool started from the packaged jar, on its own data dir and ports, so it can be
 * killed with SIGKILL and started again on the same data. Output goes to {@code node.log} beside the
 * data dir.
 */
final class LaunchedNode implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    private final Path jar;
    private final Path workDir;
    private final int grpcPort;
    private final int httpPort;
    private final int kafkaPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private int starts;

    LaunchedNode(Path jar, Path workDir) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no node jar at " + jar + ": build it with ./mvnw -DskipTests package");
        }
        this.jar = jar;
        this.workDir = Files.createDirectories(workDir);
        this.grpcPort = freePort();
        this.httpPort = freePort();
        this.kafkaPort = freePort();
    }

    /** The embedded Kafka broker's address: the same port at every start. */
    String kafkaBootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    String target() {
        return "127.0.0.1:" + grpcPort;
    }

    Path dataDir() {
        return workDir.resolve("var");
    }

    /** Starts the node and waits until its health is UP (database, Kafka, processors). */
    void start() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx1g");
        command.add("-jar");
        command.add(jar.toString());
        command.add("--strongroom.data-dir=" + dataDir());
        command.add("--spring.grpc.server.port=" + grpcPort);
        command.add("--server.port=" + httpPort);
        command.add("--strongroom.embedded-kafka.port=" + kafkaPort);
        // The workloads fund accounts through the clearing feed (OpsSupport.CLEARING_FEED).
        command.add("--strongroom.clearing.feed-principals=" + OpsSupport.CLEARING_FEED);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("node.log").toFile()))
                .start();
        starts++;
        Instant giveUp = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(giveUp)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the node exited with " + process.exitValue() + " while starting; see "
                        + workDir.resolve("node.log"));
            }
            if (healthy()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the node did not become healthy within " + START_TIMEOUT.toSeconds()
                + " s; see " + workDir.resolve("node.log"));
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed but what was committed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
    }

    int starts() {
        return starts;
    }

    private boolean healthy() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + httpPort + "/actuator/health")).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGTERM, and the node's orderly shutdown. */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
