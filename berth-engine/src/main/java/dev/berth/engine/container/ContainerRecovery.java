package dev.berth.engine.container;

import dev.berth.core.io.Trees;
import dev.berth.core.sys.Mounts;
import dev.berth.runtime.ContainerProcess;
import dev.berth.runtime.ContainerRuntime;
import dev.berth.runtime.shim.ShimProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Daemon start-up for containers, after a daemon that may have been killed. A container that
 * was running when it died and whose supervisor still runs is reattached: Berth's shim keeps
 * supervising when the daemon dies (its own session, SIGPIPE ignored, its control pipe merely
 * closes), keeps the container's stdout and stderr fifos in the exec root open, and writes the
 * exit file when the container ends, so the new daemon reads the output on from where it
 * stopped and learns the exit code as usual (see {@link ContainerIo#reopen} and
 * {@code ShimRuntime.reattach}). The others (shim gone, or a runtime that cannot reattach) are
 * killed if still there, marked exited with the code their shim wrote (else 137 when killed
 * here, else Docker's 255), and their cgroups and run directories removed; directories of
 * containers without a row are deleted. Then containers whose restart policy says so (always;
 * unless-stopped when not stopped by the user) are started again.
 *
 * <p>What no row explains is found, not trusted to the rows (issue 15): every shim the earlier
 * daemon started is found by its plan ({@link ShimProcesses}), so one of a start killed before the
 * running row was written is ended with everything in its container's cgroup, whatever the row
 * says; and a reattached container's freezer is set as its row says (a commit killed while it
 * paused the container left it frozen; an unpause killed halfway, thawed but recorded paused).
 */
public final class ContainerRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerRecovery.class);

    private final ContainerStore store;
    private final ContainerRunner runner;
    private final ContainerPaths paths;
    private final Map<String, ContainerRuntime> runtimes;
    private final ContainerNetworks networks;
    private final AutoRemoval autoRemoval;
    private final Clock clock;
    private volatile Consumer<String> cleanUpAfterCrash = id -> {};

    ContainerRecovery(
            ContainerStore store,
            ContainerRunner runner,
            ContainerPaths paths,
            Map<String, ContainerRuntime> runtimes,
            ContainerNetworks networks,
            AutoRemoval autoRemoval,
            Clock clock) {
        this.store = store;
        this.runner = runner;
        this.paths = paths;
        this.runtimes = runtimes;
        this.networks = networks;
        this.autoRemoval = autoRemoval;
        this.clock = clock;
    }

    /**
     * How to remove what a container whose shim is gone left behind, by ID: its cgroup and the OCI
     * runtime's state of it (the runtimes' layout; given by the composition root).
     */
    public ContainerRecovery withCrashCleanUp(Consumer<String> action) {
        this.cleanUpAfterCrash = action;
        return this;
    }

    /** Cleans up after a previous daemon; returns what it did, one line each. */
    public List<String> cleanUp() {
        List<String> report = new ArrayList<>();
        java.util.Set<String> reattached = new java.util.HashSet<>();
        Path runRoot = paths.execRoot().resolve("containers");
        // Every shim an earlier daemon started, found by its plan: also one it started but was
        // killed before recording (a start interrupted between the shim and the running row).
        Map<String, List<ProcessHandle>> shims = ShimProcesses.below(runRoot);
        for (Container c : store.all()) {
            if (!c.status().isAlive()) {
                List<ProcessHandle> left = shims.getOrDefault(c.id(), List.of());
                endShims(left);
                cleanUpAfterCrash(c.id());
                if (!left.isEmpty()) {
                    report.add("container " + c.id() + " is " + c.status().word()
                            + " but a start the daemon did not finish had left its shim running: ended");
                }
                continue;
            }
            Optional<ContainerProcess> process = reattach(c);
            if (process.isPresent()) {
                try {
                    runner.reattach(c, process.get());
                    reattached.add(c.id());
                    report.add("container " + c.id() + " was " + c.status().word()
                            + " when the daemon stopped and still is: " + "reattached (pid "
                            + process.get().pid() + ")");
                    freezeAsRecorded(c, process.get());
                    continue;
                } catch (RuntimeException e) {
                    // its output cannot be read again (a fifo gone, say): stopped as if its shim were gone
                    LOG.warn("container {}: reattaching failed, stopping it: {}", c.id(), e.getMessage());
                    killQuietly(c, process.get());
                }
            }
            endShims(shims.getOrDefault(c.id(), List.of()));
            int code = stopLeftover(c);
            runner.drainOutput(c);
            store.update(c.id(), c.state().exited(code, "", false, clock.instant()));
            report.add("container " + c.id() + " was " + c.status().word() + " when the daemon stopped: marked exited ("
                    + code + ")");
        }
        // reattached containers keep their addresses and ports; the others' leases, and the rows of
        // containers whose create never finished, go
        Map<dev.berth.network.SandboxRequest, Long> running = new java.util.LinkedHashMap<>();
        for (String id : reattached) {
            store.byId(id)
                    .filter(c -> c.hostConfig().networkContainer() == null)
                    .ifPresent(c -> running.put(networks.sandbox(c), c.state().pid()));
        }
        networks.networking()
                .recover(running, store.all().stream().map(Container::id).collect(java.util.stream.Collectors.toSet()));
        if (Files.isDirectory(runRoot)) {
            try (Stream<Path> dirs = Files.list(runRoot)) {
                for (Path dir : dirs.toList()) {
                    String id = dir.getFileName().toString();
                    if (reattached.contains(id)) {
                        // execs of the old daemon: their processes run on unobserved, their files are stale
                        Trees.delete(dir.resolve("exec"));
                        continue;
                    }
                    if (store.byId(id).isEmpty()) {
                        // a container removed while a start of it was under way
                        endShims(shims.getOrDefault(id, List.of()));
                        cleanUpAfterCrash(id);
                    }
                    try {
                        Mounts.unmountAllUnder(dir);
                    } catch (RuntimeException e) {
                        LOG.warn("unmounting stale mounts under {}: {}", dir, e.getMessage());
                    }
                    Trees.delete(dir);
                }
            } catch (IOException e) {
                LOG.warn("listing {}: {}", runRoot, e.getMessage());
            }
        }
        Path dataDirs = paths.containersDir();
        if (Files.isDirectory(dataDirs)) {
            try (Stream<Path> dirs = Files.list(dataDirs)) {
                for (Path dir : dirs.toList()) {
                    if (store.byId(dir.getFileName().toString()).isEmpty()) {
                        Trees.delete(dir);
                        report.add("removed " + dir + " (no such container)");
                    }
                }
            } catch (IOException e) {
                LOG.warn("listing {}: {}", dataDirs, e.getMessage());
            }
        }
        report.forEach(r -> LOG.info("start-up: {}", r));
        return report;
    }

    /**
     * The freezer as the row says: only a user's pause, which the row records, keeps a container
     * frozen. A running container found frozen was frozen by an operation the daemon did not
     * finish (a commit), and nothing else would ever thaw it; a paused one found thawed was
     * being unpaused when the daemon died, and that unpause was never acknowledged.
     */
    private static void freezeAsRecorded(Container c, ContainerProcess process) {
        if (process.cgroup() == null) {
            return;
        }
        try {
            if (c.status() == ContainerStatus.PAUSED) {
                process.cgroup().freeze();
            } else {
                process.cgroup().thaw();
            }
        } catch (RuntimeException e) {
            LOG.warn("container {}: setting its freezer as its row says: {}", c.id(), e.getMessage());
        }
    }

    /** SIGKILLs shims this daemon did not start and does not take over, and waits for them. */
    private static void endShims(List<ProcessHandle> shims) {
        for (ProcessHandle shim : shims) {
            shim.destroyForcibly();
            try {
                shim.onExit().get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("shim {} did not exit", shim.pid());
            }
        }
    }

    private void cleanUpAfterCrash(String id) {
        try {
            cleanUpAfterCrash.accept(id);
        } catch (RuntimeException e) {
            LOG.warn("container {}: removing its cgroup and runtime state: {}", id, e.getMessage());
        }
    }

    /** The container's process, when its runtime can take it over and it is still there. */
    private Optional<ContainerProcess> reattach(Container c) {
        ContainerRuntime runtime = runtimes.get(c.hostConfig().runtime());
        if (runtime == null) {
            return Optional.empty();
        }
        try {
            return runtime.reattach(c.id(), paths.runDir(c.id()).resolve("state"));
        } catch (RuntimeException e) {
            LOG.warn("container {}: cannot reattach: {}", c.id(), e.getMessage());
            return Optional.empty();
        }
    }

    /** Ends a reattached process that cannot be taken over (its shim writes the exit file, its watcher ends). */
    private static void killQuietly(Container c, ContainerProcess process) {
        try {
            process.kill(9);
            process.exit().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("container {}: killing the reattached process: {}", c.id(), e.getMessage());
        }
    }

    /**
     * Removes the AutoRemove containers that do not run: those that ended while no daemon
     * watched, in their grace when the daemon stopped, or stopped by its shutdown. dockerd's
     * restore does the same.
     */
    public void finishAutoRemoves() {
        for (Container c : store.all()) {
            if (c.hostConfig().autoRemove() && !c.status().isAlive()) {
                autoRemoval.now(c.id());
            }
        }
    }

    /** Starts the containers whose restart policy brings them back with the daemon. */
    public void restartPolicies() {
        for (Container c : store.all()) {
            String policy = c.hostConfig().restartPolicy().name();
            boolean start = policy.equals("always")
                    || (policy.equals("unless-stopped") && !c.state().stoppedByUser());
            if (start
                    && !c.status().isAlive()
                    && runtimes.containsKey(c.hostConfig().runtime())) {
                Thread.ofVirtual().name("boot-" + c.shortId()).start(() -> runner.startAtBoot(c));
            }
        }
    }

    private int stopLeftover(Container c) {
        Path exitFile = paths.runDir(c.id()).resolve("state").resolve("exit");
        Optional<ProcessHandle> process =
                c.state().pid() > 0 ? ProcessHandle.of(c.state().pid()) : Optional.empty();
        boolean killed = false;
        if (process.isPresent() && belongsTo(c.state().pid(), c.id())) {
            killed = process.get().destroyForcibly();
        }
        Optional<ProcessHandle> shim =
                c.state().shimPid() > 0 ? ProcessHandle.of(c.state().shimPid()) : Optional.empty();
        shim.ifPresent(h -> {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.debug("shim {} of {} did not exit", h.pid(), c.id());
            }
        });
        cleanUpAfterCrash(c.id());
        try {
            if (Files.exists(exitFile)) {
                String line = Files.readString(exitFile).trim();
                if (line.startsWith("exit ")) {
                    return Integer.parseInt(line.substring(5).trim());
                }
                if (line.startsWith("signal ")) {
                    return 128 + Integer.parseInt(line.substring(7).trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.debug("container {}: exit file: {}", c.id(), e.getMessage());
        }
        return killed ? 137 : 255;
    }

    /** The pid is still the container's (not reused by another process): its cgroup names the ID. */
    private static boolean belongsTo(long pid, String id) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/cgroup")).contains(id);
        } catch (IOException e) {
            return false;
        }
    }
}
