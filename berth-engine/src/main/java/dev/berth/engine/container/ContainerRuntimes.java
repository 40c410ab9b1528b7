package dev.berth.engine.container;

import dev.berth.runtime.ContainerRuntime;
import dev.berth.runtime.cgroup.CgroupDriver;
import dev.berth.runtime.cgroup.Cgroups;
import dev.berth.runtime.shim.ShimRuntime;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The runtimes a daemon runs containers with: Berth's shim (named "berth", the default) on the
 * detected cgroup layout, with container cgroups below {@code cgroupParent}.
 */
public record ContainerRuntimes(Map<String, ContainerRuntime> byName, CgroupDriver cgroups,
        String cgroupParent) {

    public static ContainerRuntimes detect(String cgroupParent) {
        Path shim = findShim();
        CgroupDriver cgroups = Cgroups.detect();
        ShimRuntime berth = new ShimRuntime(shim, cgroups, cgroupParent);
        return new ContainerRuntimes(Map.of("berth", berth), cgroups, cgroupParent);
    }

    /** Removes a container's cgroup (after a daemon crash; the shim removes it after a normal exit). */
    public void removeCgroup(String containerId) {
        cgroups.open(cgroupParent + "/" + containerId).remove();
    }

    /**
     * berth-shim: -Dberth.shim, else below -Dberth.home, else native/target/berth-shim in a
     * directory above this jar (the build tree, as integration tests run the packaged CLI).
     */
    static Path findShim() {
        Path configured = ShimRuntime.defaultShimBinary();
        if (System.getProperty("berth.shim") != null || System.getProperty("berth.home") != null
                || Files.isExecutable(configured)) {
            return configured;
        }
        try {
            Path here = Path.of(ContainerRuntimes.class.getProtectionDomain().getCodeSource().getLocation().toURI());
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
