package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import dev.berth.network.InterfaceCounters;
import dev.berth.runtime.cgroup.CgroupStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** {@code docker top} (the host's ps, narrowed to the container's processes) and {@code docker stats} (cgroup files). */
public final class ContainerMonitor {
    private final ContainerStore store;
    private final LiveContainers live;

    ContainerMonitor(ContainerStore store, LiveContainers live) {
        this.store = store;
        this.live = live;
    }

    public record Top(List<String> titles, List<List<String>> processes) {}

    /** Docker's ContainerTop: runs {@code ps <args>} on the host and keeps the container's pids. */
    public Top top(String ref, String psArgs) {
        Container c = store.resolve(ref);
        Run run = live.run(c.id()).orElse(null);
        if (run == null || !c.status().isAlive()) {
            throw BerthException.conflict("Container %s is not running", c.id());
        }
        Set<String> pids = pidsOf(run.process().pid());
        List<String> command = new ArrayList<>(List.of("ps"));
        command.addAll(List.of(
                (psArgs == null || psArgs.isBlank() ? "-ef" : psArgs).trim().split("\\s+")));
        String output;
        try {
            Process ps = new ProcessBuilder(command).redirectErrorStream(true).start();
            output = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (ps.waitFor() != 0) {
                throw BerthException.invalid("ps: %s", output.trim());
            }
        } catch (IOException e) {
            throw BerthException.unavailable("cannot run ps: %s", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BerthException.unavailable("interrupted running ps");
        }
        List<String> lines = output.lines().toList();
        if (lines.isEmpty()) {
            return new Top(List.of(), List.of());
        }
        List<String> titles = List.of(lines.getFirst().trim().split("\\s+"));
        int pidColumn = titles.indexOf("PID");
        if (pidColumn < 0) {
            throw BerthException.invalid("Couldn't find PID field in ps output");
        }
        List<List<String>> processes = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.trim().split("\\s+", titles.size());
            if (fields.length > pidColumn && pids.contains(fields[pidColumn])) {
                processes.add(List.of(fields));
            }
        }
        return new Top(titles, processes);
    }

    /** The host pids in the same pid namespace as {@code initPid}. */
    static Set<String> pidsOf(long initPid) {
        Set<String> pids = new HashSet<>();
        String ns;
        try {
            ns = Files.readSymbolicLink(Path.of("/proc/" + initPid + "/ns/pid")).toString();
        } catch (IOException e) {
            return pids;
        }
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    if (Files.readSymbolicLink(p.resolve("ns/pid")).toString().equals(ns)) {
                        pids.add(name);
                    }
                } catch (IOException e) {
                    // gone, or not ours to read
                }
            }
        } catch (IOException e) {
            throw BerthException.unavailable("cannot list /proc: %s", e.getMessage());
        }
        return pids;
    }

    /** One sample of Docker's stats; null cgroup stats for a container that does not run. */
    public record Sample(
            Container container,
            Instant read,
            CgroupStats stats,
            long systemCpuNanos,
            int onlineCpus,
            long hostMemory,
            Map<String, InterfaceCounters> networks) {}

    public Sample sample(String ref) {
        Container c = store.resolve(ref);
        Run run = live.run(c.id()).orElse(null);
        CgroupStats stats = null;
        if (run != null && run.process().cgroup() != null) {
            try {
                stats = run.process().cgroup().stats();
            } catch (RuntimeException e) {
                stats = null; // exited between the check and the read
            }
        }
        // a container on the host's network has no counters of its own, as in Docker
        Map<String, InterfaceCounters> networks =
                stats != null && !c.hostConfig().hostNetwork()
                        ? InterfaceCounters.of(run.process().pid())
                        : Map.of();
        return new Sample(
                c,
                Instant.now(),
                stats,
                systemCpuNanos(),
                Runtime.getRuntime().availableProcessors(),
                hostMemory(),
                networks);
    }

    /** /proc/stat's first line in nanoseconds (USER_HZ = 100), as Docker's getSystemCPUUsage. */
    static long systemCpuNanos() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).getFirst();
            long total = 0;
            String[] f = first.trim().split("\\s+");
            for (int i = 1; i < Math.min(f.length, 8); i++) {
                total += Long.parseLong(f[i]);
            }
            return total * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static long hostMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    static Map<String, Long> none() {
        return Map.of();
    }
}
