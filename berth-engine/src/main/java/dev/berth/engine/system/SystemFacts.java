package dev.berth.engine.system;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code /info} reports about the engine, at one moment: object counts and how the daemon is
 * set up. The daemon's composition root supplies a fresh one per request (a
 * {@code Supplier<SystemFacts>}), built from its stores; host facts (CPUs, memory, kernel, OS) are
 * {@link HostFacts}, read once at start.
 *
 * @param daemonId the daemon's persistent ID (Docker's engine ID, kept under the data root)
 * @param dataRoot {@code --data-root}
 * @param images number of images (not tags)
 * @param containers containers by state
 * @param storageDriver {@code overlayfs} or {@code vfs}, as chosen at start
 * @param driverStatus key/value lines {@code docker info} prints under the driver
 * @param cgroupDriver {@code cgroupfs} (Berth writes cgroup files itself)
 * @param cgroupVersion {@code "1"} or {@code "2"}, detected
 * @param loggingDriver the default log driver's name
 * @param logDrivers the log drivers containers may use
 * @param runtimes OCI runtimes by name → path of their executable
 * @param defaultRuntime the runtime used without {@code --runtime}
 * @param warnings lines {@code docker info} prints as WARNING
 */
public record SystemFacts(
        String daemonId,
        Path dataRoot,
        int images,
        ContainerCounts containers,
        String storageDriver,
        List<List<String>> driverStatus,
        String cgroupDriver,
        String cgroupVersion,
        String loggingDriver,
        List<String> logDrivers,
        Map<String, String> runtimes,
        String defaultRuntime,
        List<String> warnings) {

    public SystemFacts {
        driverStatus = driverStatus.stream().map(List::copyOf).toList();
        logDrivers = List.copyOf(logDrivers);
        runtimes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(runtimes));
        warnings = List.copyOf(warnings);
    }

    /** Containers by state; {@code total} is their sum. */
    public record ContainerCounts(int running, int paused, int stopped) {
        public static final ContainerCounts NONE = new ContainerCounts(0, 0, 0);

        public int total() {
            return running + paused + stopped;
        }
    }

    /** Facts with Berth's defaults for everything but identity, location, counts and driver. */
    public static SystemFacts of(
            String daemonId, Path dataRoot, int images, ContainerCounts containers, String storageDriver) {
        return new SystemFacts(
                daemonId,
                dataRoot,
                images,
                containers,
                storageDriver,
                List.of(),
                "cgroupfs",
                "1",
                "json-file",
                List.of("json-file"),
                Map.of(),
                "berth",
                List.of());
    }

    public SystemFacts withDriverStatus(List<List<String>> status) {
        return new SystemFacts(
                daemonId,
                dataRoot,
                images,
                containers,
                storageDriver,
                status,
                cgroupDriver,
                cgroupVersion,
                loggingDriver,
                logDrivers,
                runtimes,
                defaultRuntime,
                warnings);
    }

    public SystemFacts withCgroup(String driver, String version) {
        return new SystemFacts(
                daemonId,
                dataRoot,
                images,
                containers,
                storageDriver,
                driverStatus,
                driver,
                version,
                loggingDriver,
                logDrivers,
                runtimes,
                defaultRuntime,
                warnings);
    }

    public SystemFacts withRuntimes(Map<String, String> runtimes, String defaultRuntime) {
        return new SystemFacts(
                daemonId,
                dataRoot,
                images,
                containers,
                storageDriver,
                driverStatus,
                cgroupDriver,
                cgroupVersion,
                loggingDriver,
                logDrivers,
                runtimes,
                defaultRuntime,
                warnings);
    }

    public SystemFacts withWarnings(List<String> warnings) {
        return new SystemFacts(
                daemonId,
                dataRoot,
                images,
                containers,
                storageDriver,
                driverStatus,
                cgroupDriver,
                cgroupVersion,
                loggingDriver,
                logDrivers,
                runtimes,
                defaultRuntime,
                warnings);
    }

    public SystemFacts withLogging(String defaultDriver, List<String> drivers) {
        return new SystemFacts(
                daemonId,
                dataRoot,
                images,
                containers,
                storageDriver,
                driverStatus,
                cgroupDriver,
                cgroupVersion,
                defaultDriver,
                drivers,
                runtimes,
                defaultRuntime,
                warnings);
    }
}
