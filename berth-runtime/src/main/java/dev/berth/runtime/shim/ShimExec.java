package dev.berth.runtime.shim;

import dev.berth.core.error.BerthException;
import dev.berth.runtime.ContainerProcess;
import dev.berth.runtime.Stdio;
import dev.berth.runtime.cgroup.Cgroup;
import dev.berth.runtime.plan.Plan;
import dev.berth.runtime.spec.Caps;
import dev.berth.runtime.spec.Process;
import dev.berth.runtime.spec.SpecBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code docker exec}: another process in a running container, through berth-shim. The plan
 * joins the container's namespaces instead of making new ones: the supervisor joins the pid
 * namespace before clone ("joinpid"), the child setns into ipc, uts, net, cgroup and, last (its
 * /proc paths are resolved on the host), mount — which also moves it to the container's root.
 * The daemon places the child in the container's cgroup before letting it go.
 */
public final class ShimExec {
    /** Joined in this order by the child; mnt last (see above). */
    private static final List<String> CHILD_NAMESPACES = List.of("ipc", "uts", "net", "cgroup", "mnt");

    private final Path shimBinary;
    private final long heldBounding;

    public ShimExec(Path shimBinary) {
        this.shimBinary = shimBinary;
        this.heldBounding = Caps.heldBounding();
    }

    /**
     * Creates the exec'd process, waiting like a created container: call
     * {@link ContainerProcess#start()} to run it.
     *
     * @param containerPid the host pid of the container's first process
     * @param shareNetwork false when the container has its own network namespace (joined), true for host networking
     */
    public ContainerProcess create(String execId, long containerPid, Cgroup cgroup, Process process, Stdio stdio,
            Path stateDir) {
        if (process.args().isEmpty()) {
            throw BerthException.invalid("No exec command specified");
        }
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw BerthException.unavailable("cannot create %s: %s", stateDir, e.getMessage());
        }
        Path exitFile = stateDir.resolve("exit");
        Plan plan = plan(containerPid, process, stdio, exitFile);
        Path planFile = stateDir.resolve("plan");
        try {
            Files.write(planFile, plan.encode());
        } catch (IOException e) {
            throw BerthException.unavailable("cannot write %s: %s", planFile, e.getMessage());
        }
        ShimSupervisor.Launch launch = ShimSupervisor.launch(shimBinary, planFile, stateDir.resolve("shim.log"));
        try {
            if (cgroup != null) {
                cgroup.add(launch.pid());
            }
        } catch (RuntimeException e) {
            launch.process().destroyForcibly();
            throw e;
        }
        return new ShimSupervisor(execId, launch, null, exitFile, () -> { }, message -> message);
    }

    Plan plan(long containerPid, Process process, Stdio stdio, Path exitFile) {
        String ns = "/proc/" + containerPid + "/ns/";
        Plan plan = new Plan();
        plan.add("namespaces");
        if (stdio.stdin() != null) plan.add("stdin", stdio.stdin());
        if (stdio.stdout() != null) plan.add("stdout", stdio.stdout());
        if (stdio.stderr() != null) plan.add("stderr", stdio.stderr());
        if (process.terminal()) {
            plan.add("terminal");
            if (process.consoleSize() != null) {
                plan.add("winsize", process.consoleSize().height(), process.consoleSize().width());
            }
        }
        plan.add("exitfile", exitFile);
        plan.add("joinpid", ns + "pid");
        for (String type : CHILD_NAMESPACES) {
            if (Files.exists(Path.of(ns + type))) {
                plan.add("setns", ns + type);
            }
        }
        if (process.terminal()) plan.add("console");
        Process.User user = process.user();
        plan.add("groups", user.additionalGids().toArray());
        Process.Capabilities caps = process.capabilities();
        plan.add("identity", user.uid(), user.gid(), hex(mask(caps == null ? null : caps.bounding())),
                hex(mask(caps == null ? null : caps.effective())), hex(mask(caps == null ? null : caps.permitted())),
                hex(mask(caps == null ? null : caps.inheritable())), hex(mask(caps == null ? null : caps.ambient())));
        if (process.noNewPrivileges()) plan.add("nonewprivs");
        plan.add("chdir", process.cwd());
        for (String arg : process.args()) plan.add("arg", arg);
        for (String env : process.env()) plan.add("env", env);
        String path = process.getenv("PATH");
        plan.add("exec", path == null ? SpecBuilder.DEFAULT_PATH : path);
        return plan;
    }

    private long mask(List<String> names) {
        return names == null ? 0 : Caps.mask(names) & heldBounding;
    }

    private static String hex(long mask) {
        return "0x" + Long.toHexString(mask);
    }
}
