package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import dev.berth.runtime.ContainerRuntime;
import dev.berth.runtime.cgroup.Cgroup;
import dev.berth.runtime.cgroup.CgroupDriver;
import dev.berth.runtime.cgroup.Cgroups;
import dev.berth.runtime.oci.OciRuntime;
import dev.berth.runtime.shim.ShimRuntime;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtimes a daemon runs containers with, as Docker offers them to {@code --runtime}: Berth's
 * shim (named "berth") always, and runc and crun when they are on PATH, each running the same OCI
 * spec. Container cgroups go below {@code cgroupParent} on the detected cgroup layout, whichever
 * runtime makes them.
 *
 * @param byName         the runtimes by name, in the order {@code /info} lists them
 * @param paths          each runtime's executable (berth-shim for "berth"), for {@code /info}
 * @param defaultRuntime the runtime of a container created without one ({@code --default-runtime})
 */
public record ContainerRuntimes(
        Map<String, ContainerRuntime> byName,
        Map<String, String> paths,
        String defaultRuntime,
        CgroupDriver cgroups,
        String cgroupParent) {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerRuntimes.class);

    public static final String BERTH = "berth";

    public ContainerRuntimes {
        byName = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byName));
        paths = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(paths));
        if (!byName.containsKey(defaultRuntime)) {
            throw BerthException.invalid(
                    "specified default runtime '%s' does not exist (available: %s)",
                    defaultRuntime, String.join(", ", byName.keySet()));
        }
    }

    /**
     * Berth's shim, plus runc and crun when found on PATH (their state under
     * {@code <execRoot>/runtimes/<name>}, private to this daemon).
     *
     * @param defaultRuntime must be one of the runtimes found, else the daemon cannot start
     */
    public static ContainerRuntimes detect(String cgroupParent, Path execRoot, String defaultRuntime) {
        CgroupDriver cgroups = Cgroups.detect();
        Path shim = findShim();
        Map<String, ContainerRuntime> byName = new LinkedHashMap<>();
        Map<String, String> paths = new LinkedHashMap<>();
        byName.put(BERTH, new ShimRuntime(shim, cgroups, cgroupParent));
        paths.put(BERTH, shim.toString());
        for (String name : List.of("runc", "crun")) {
            Path binary = OciRuntime.find(name);
            if (binary == null) {
                LOG.debug("runtime {} not found on PATH", name);
                continue;
            }
            // crun 1.x refuses a hybrid layout whose cgroup2 tree has controllers: it runs without
            // seeing that tree (only the v1 hierarchies hold controllers there anyway)
            List<Path> hidden =
                    name.equals("crun") ? cgroups.hybridUnifiedMount().stream().toList() : List.of();
            byName.put(
                    name,
                    new OciRuntime(
                            name,
                            binary,
                            shim,
                            cgroups,
                            cgroupParent,
                            execRoot.toAbsolutePath().resolve("runtimes").resolve(name),
                            hidden));
            paths.put(name, binary.toString());
        }
        return new ContainerRuntimes(byName, paths, defaultRuntime, cgroups, cgroupParent);
    }

    /**
     * Removes what a container left behind when the daemon died under it: the processes still in
     * its cgroup (thawed first: a frozen process cannot die), the cgroup (the shim removes it after
     * a normal exit) and what runc or crun still keep of it. Cheap when there is nothing.
     */
    public void cleanUpAfterCrash(String containerId) {
        for (ContainerRuntime runtime : byName.values()) {
            if (runtime instanceof OciRuntime oci) {
                try {
                    oci.forget(containerId);
                } catch (RuntimeException e) {
                    LOG.warn("container {}: {} delete: {}", containerId, oci.name(), e.getMessage());
                }
            }
        }
        Cgroup cgroup = cgroups.open(cgroupParent + "/" + containerId);
        if (!cgroup.exists()) {
            return;
        }
        endProcesses(cgroup);
        cgroup.remove();
    }

    private static void endProcesses(Cgroup cgroup) {
        try {
            cgroup.thaw();
        } catch (RuntimeException e) {
            LOG.debug("cgroup {}: thaw: {}", cgroup.path(), e.getMessage());
        }
        // the container's first process dies first and the kernel ends its pid namespace; a few rounds at most
        for (int round = 0; round < 250; round++) {
            List<Long> pids = cgroup.processes();
            if (pids.isEmpty()) {
                return;
            }
            pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.warn("cgroup {}: processes {} did not end", cgroup.path(), cgroup.processes());
    }

    /**
     * berth-shim: -Dberth.shim, else below -Dberth.home, else native/target/berth-shim in a
     * directory above this jar (the build tree, as integration tests run the packaged CLI).
     */
    static Path findShim() {
        Path configured = ShimRuntime.defaultShimBinary();
        if (System.getProperty("berth.shim") != null
                || System.getProperty("berth.home") != null
                || Files.isExecutable(configured)) {
            return configured;
        }
        try {
            Path here = Path.of(ContainerRuntimes.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            for (Path dir = here; dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve("native/target/berth-shim");
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall back to the configured path, which names what is missing
        }
        return configured;
    }
}
