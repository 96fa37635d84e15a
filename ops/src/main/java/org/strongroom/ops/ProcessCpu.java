package org.strongroom.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * CPU time used by the node, its embedded PostgreSQL (postmaster and backends) and this client, for
 * reporting how busy each was during a benchmark. The node is found as the process holding its data
 * directory's {@code node.lock} open, PostgreSQL from its own pid file. Where the operating system does
 * not say (no {@code /proc}, another user's process), that part reads as unknown.
 */
final class ProcessCpu {

    /** CPU time so far, in nanoseconds; -1 where unknown. */
    record Sample(long nanos, long node, long postgres, long client) {
    }

    private final Optional<ProcessHandle> node;
    private final Optional<ProcessHandle> postmaster;

    ProcessCpu(Path dataDir) {
        this.node = holderOf(dataDir.resolve("node.lock").toAbsolutePath().normalize());
        this.postmaster = postmasterOf(dataDir);
    }

    Sample sample() {
        long postgres = postmaster.map(main -> Stream.concat(Stream.of(main), main.children())
                .mapToLong(ProcessCpu::cpuNanos).reduce(0, (a, b) -> a < 0 || b < 0 ? -1 : a + b)).orElse(-1L);
        return new Sample(System.nanoTime(), node.map(ProcessCpu::cpuNanos).orElse(-1L), postgres,
                cpuNanos(ProcessHandle.current()));
    }

    /** "node 1.20 cores, postgres 0.55, client 0.31" between two samples. */
    static String between(Sample from, Sample to) {
        double wall = to.nanos() - from.nanos();
        return "node " + cores(from.node(), to.node(), wall) + " cores, postgres " + cores(from.postgres(),
                to.postgres(), wall) + ", client " + cores(from.client(), to.client(), wall);
    }

    /** The node's resident memory ("704 MiB", from /proc), or "?" where the operating system does not say. */
    String nodeResident() {
        return node.flatMap(process -> {
            try {
                return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
                        .filter(line -> line.startsWith("VmRSS:")).findFirst()
                        .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024 + " MiB");
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }).orElse("?");
    }

    private static String cores(long from, long to, double wall) {
        return from < 0 || to < 0 ? "?" : String.format("%.2f", (to - from) / wall);
    }

    private static long cpuNanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    private static Optional<ProcessHandle> postmasterOf(Path dataDir) {
        try {
            long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid"))
                    .get(0).trim());
            return ProcessHandle.of(pid);
        } catch (IOException | RuntimeException unknown) {
            return Optional.empty();
        }
    }

    /** The process with this file open (Linux: a link under /proc/PID/fd points at it). */
    private static Optional<ProcessHandle> holderOf(Path file) {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes.filter(dir -> dir.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(dir -> holds(dir.resolve("fd"), file))
                    .map(dir -> ProcessHandle.of(Long.parseLong(dir.getFileName().toString())))
                    .flatMap(Optional::stream)
                    .findFirst();
        } catch (IOException | RuntimeException unknown) {
            return Optional.empty();
        }
    }

    private static boolean holds(Path fds, Path file) {
        try (Stream<Path> open = Files.list(fds)) {
            return open.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(file);
                } catch (IOException | RuntimeException unreadable) {
                    return false;
                }
            });
        } catch (IOException | RuntimeException unreadable) {
            return false;
        }
    }
}
