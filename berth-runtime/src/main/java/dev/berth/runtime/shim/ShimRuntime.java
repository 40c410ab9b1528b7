package dev.berth.runtime.shim;

import dev.berth.core.error.BerthException;
import dev.berth.runtime.ContainerProcess;
import dev.berth.runtime.ContainerRequest;
import dev.berth.runtime.ContainerRuntime;
import dev.berth.runtime.cgroup.Cgroup;
import dev.berth.runtime.cgroup.CgroupDriver;
import dev.berth.runtime.plan.Plan;
import dev.berth.runtime.plan.PlanBuilder;
import dev.berth.runtime.plan.Rlimits;
import dev.berth.runtime.spec.Caps;
import dev.berth.runtime.spec.Linux;
import dev.berth.runtime.spec.Spec;
import dev.berth.runtime.spec.SpecJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Berth's own runtime: writes the plan for berth-shim, starts the shim, places the waiting child
 * in its cgroups, and lets it go on {@link ContainerProcess#start()}.
 */
public final class ShimRuntime implements ContainerRuntime {
    /** The shim's control fifo in a container's state dir: how a daemon that reattaches reaches it. */
    public static Path controlFifo(Path stateDir) {
        return stateDir.resolve("control");
    }

    private final Path shimBinary;
    private final CgroupDriver cgroups;
    private final String cgroupParent;
    private final PlanBuilder planBuilder;

    /**
     * @param cgroupParent where container cgroups go when the spec names none, e.g. "/berth"
     */
    public ShimRuntime(Path shimBinary, CgroupDriver cgroups, String cgroupParent) {
        if (!Files.isExecutable(shimBinary)) {
            throw BerthException.unavailable(
                    "berth-shim not found or not executable at %s (build native/)", shimBinary);
        }
        this.shimBinary = shimBinary;
        this.cgroups = cgroups;
        this.cgroupParent = cgroupParent;
        this.planBuilder = new PlanBuilder(cgroups, Caps.heldBounding(), Rlimits.hardLimits());
    }

    /** The shim from -Dberth.shim, else native/target/berth-shim below the Berth home (-Dberth.home). */
    public static Path defaultShimBinary() {
        String explicit = System.getProperty("berth.shim");
        if (explicit != null) {
            return Path.of(explicit);
        }
        return Path.of(System.getProperty("berth.home", ".")).resolve("native/target/berth-shim");
    }

    @Override
    public String name() {
        return "berth";
    }

    @Override
    public ContainerProcess create(ContainerRequest request) {
        Spec spec = request.spec();
        Path state = request.stateDir();
        try {
            Files.createDirectories(state);
        } catch (IOException e) {
            throw BerthException.unavailable("cannot create %s: %s", state, e.getMessage());
        }
        // the cgroup exists before the shim: its child moves itself in once released (see joinFiles)
        Linux.Resources resources = spec.linux() == null ? null : spec.linux().resources();
        Cgroup cgroup = cgroups.create(cgroupPath(spec, request.id()), resources);
        try {
            Path exitFile = state.resolve("exit");
            Plan plan = planBuilder.build(
                    spec, request.rootfs(), request.stdio(), exitFile, request.init(), cgroup.joinFiles());
            Path planFile = state.resolve("plan");
            try {
                Files.deleteIfExists(exitFile);
                plan.write(planFile);
                SpecJson.write(spec, state.resolve("config.json"));
            } catch (IOException e) {
                throw BerthException.unavailable("cannot write %s: %s", planFile, e.getMessage());
            }
            ShimSupervisor.Launch launch =
                    ShimSupervisor.launch(shimBinary, planFile, state.resolve("shim.log"), controlFifo(state));
            try {
                // what a restarted daemon needs to find the container again (see reattach)
                Files.writeString(
                        state.resolve("shim.pid"),
                        Long.toString(launch.process().pid()));
                Files.writeString(state.resolve("pid"), Long.toString(launch.pid()));
            } catch (IOException e) {
                // the child still waits for "go": killing the shim closes its socket and it exits
                launch.process().destroyForcibly();
                throw BerthException.unavailable("cannot write pid files in %s: %s", state, e.getMessage());
            }
            return new ShimSupervisor(request.id(), launch, cgroup, exitFile, cgroup::remove, message -> message);
        } catch (RuntimeException e) {
            cgroup.remove();
            throw e;
        }
    }

    /**
     * Runs another process in a running container (docker exec): its namespaces, its cgroup, the
     * identity and capabilities of {@code process}.
     */
    @Override
    public ContainerProcess exec(
            String execId,
            ContainerProcess container,
            dev.berth.runtime.spec.Process process,
            dev.berth.runtime.spec.Seccomp seccomp,
            dev.berth.runtime.Stdio stdio,
            Path stateDir) {
        if (container.exit().isDone()) {
            throw BerthException.conflict("container %s is not running", container.id());
        }
        java.util.Map<String, Path> namespaces = new java.util.LinkedHashMap<>();
        Path ns = Path.of("/proc", Long.toString(container.pid()), "ns");
        for (String type : java.util.List.of("pid", "ipc", "uts", "net", "cgroup", "mnt")) {
            namespaces.put(type, ns.resolve(type));
        }
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw BerthException.unavailable("cannot create %s: %s", stateDir, e.getMessage());
        }
        Path planFile = stateDir.resolve("plan");
        try {
            planBuilder
                    .buildExec(
                            process,
                            seccomp,
                            namespaces,
                            stdio,
                            container.cgroup().joinFiles())
                    .write(planFile);
        } catch (IOException e) {
            throw BerthException.unavailable("cannot write %s: %s", planFile, e.getMessage());
        }
        ShimSupervisor.Launch launch = ShimSupervisor.launch(shimBinary, planFile, stateDir.resolve("shim.log"));
        // the cgroup is the container's: it stays when the exec'd process ends
        return new ShimSupervisor(execId, launch, null, null, () -> {}, message -> message);
    }

    /**
     * Finds a container again after a daemon restart from its state directory. The shim outlives
     * the daemon (its own session; it ignores SIGPIPE and only notes that its control pipe
     * closed), keeps reaping, and writes the exit file when the container ends, so a shim that is
     * still running this container's plan is a container that can be taken over. Its control pipe
     * died with the old daemon; the control fifo beside the plan takes the same commands (resize,
     * closestdin). Empty when the shim is gone (its exit file, if any, says how the container ended).
     */
    @Override
    public java.util.Optional<ContainerProcess> reattach(String id, Path stateDir) {
        long shimPid;
        long pid;
        Spec spec;
        try {
            shimPid = Long.parseLong(
                    Files.readString(stateDir.resolve("shim.pid")).trim());
            pid = Long.parseLong(Files.readString(stateDir.resolve("pid")).trim());
            spec = SpecJson.read(stateDir.resolve("config.json"));
        } catch (IOException | NumberFormatException | BerthException e) {
            return java.util.Optional.empty();
        }
        Path exitFile = stateDir.resolve("exit");
        // a recycled pid is not our shim: it must be berth-shim running this container's plan
        String plan = stateDir.resolve("plan").toString();
        long shimStart = ReattachedContainer.startTime(shimPid);
        boolean ours = shimStart >= 0
                && ProcessHandle.of(shimPid)
                        .flatMap(h -> h.info().arguments())
                        .map(args -> java.util.Arrays.asList(args).contains(plan))
                        .orElse(false);
        if (!ours || Files.exists(exitFile)) {
            return java.util.Optional.empty();
        }
        Cgroup cgroup = cgroups.open(cgroupPath(spec, id));
        Path control = controlFifo(stateDir);
        return java.util.Optional.of(new ReattachedContainer(
                id, pid, shimPid, shimStart, exitFile, cgroup, Files.exists(control) ? control : null));
    }

    private String cgroupPath(Spec spec, String id) {
        String path = spec.linux() == null ? null : spec.linux().cgroupsPath();
        return path != null && !path.isEmpty() ? path : cgroupParent + "/" + id;
    }
}
