package dev.berth.runtime.plan;

import static dev.berth.runtime.plan.MountFlags.MS_BIND;
import static dev.berth.runtime.plan.MountFlags.MS_NODEV;
import static dev.berth.runtime.plan.MountFlags.MS_NOEXEC;
import static dev.berth.runtime.plan.MountFlags.MS_NOSUID;
import static dev.berth.runtime.plan.MountFlags.MS_PRIVATE;
import static dev.berth.runtime.plan.MountFlags.MS_RDONLY;
import static dev.berth.runtime.plan.MountFlags.MS_REC;
import static dev.berth.runtime.plan.MountFlags.MS_REMOUNT;
import static dev.berth.runtime.plan.MountFlags.MS_SLAVE;

import dev.berth.core.error.BerthException;
import dev.berth.core.snapshot.MountSpec;
import dev.berth.runtime.Stdio;
import dev.berth.runtime.cgroup.CgroupDriver;
import dev.berth.runtime.seccomp.SeccompBpf;
import dev.berth.runtime.spec.Caps;
import dev.berth.runtime.spec.Linux;
import dev.berth.runtime.spec.Mount;
import dev.berth.runtime.spec.Process;
import dev.berth.runtime.spec.Seccomp;
import dev.berth.runtime.spec.Spec;
import dev.berth.runtime.spec.SpecBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an OCI spec into the shim's plan. Every decision is made here (flags, order, what to
 * clamp, which capabilities exist); the shim only executes. The order follows runc and crun:
 * private mounts, rootfs, special filesystems, devices, pivot_root, masking, hostname, rlimits,
 * identity and capabilities, no_new_privs, chdir, execve.
 */
public final class PlanBuilder {
    /** Docker's standard nodes (config-linux.md "Default Devices"): name, major, minor. */
    private static final List<Object[]> DEFAULT_DEVICES = List.of(
            new Object[] {"null", 1, 3},
            new Object[] {"zero", 1, 5},
            new Object[] {"full", 1, 7},
            new Object[] {"random", 1, 8},
            new Object[] {"urandom", 1, 9},
            new Object[] {"tty", 5, 0});

    private static final Map<String, String> DEFAULT_SYMLINKS = Map.of(
            "/dev/fd",
            "/proc/self/fd",
            "/dev/stdin",
            "/proc/self/fd/0",
            "/dev/stdout",
            "/proc/self/fd/1",
            "/dev/stderr",
            "/proc/self/fd/2",
            "/dev/ptmx",
            "pts/ptmx");

    private static final List<String> NAMESPACES = List.of("pid", "mount", "uts", "ipc", "network");

    private final CgroupDriver cgroups;
    private final long heldBounding;
    private final long[] hardLimits;

    /** Compiled filters by filter: containers mostly share a few (the default profile, per capability set). */
    private final Map<Seccomp, String> compiled = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Seccomp, String> eldest) {
            return size() > 16;
        }
    });

    /**
     * @param cgroups      the layout to mount at the container's /sys/fs/cgroup
     * @param heldBounding the capabilities the shim can grant (its bounding set)
     * @param hardLimits   the shim's hard rlimits by resource number (-1 unlimited)
     */
    public PlanBuilder(CgroupDriver cgroups, long heldBounding, long[] hardLimits) {
        this.cgroups = cgroups;
        this.heldBounding = heldBounding;
        this.hardLimits = hardLimits.clone();
    }

    /**
     * @param rootfsMount the container's root filesystem to mount at root.path inside the new
     *                    mount namespace (so nothing of it shows on the host), or null when
     *                    root.path is a ready directory
     * @param cgroupJoin  the files the child writes "0" to, first, to move itself into its cgroup
     *                    ({@link dev.berth.runtime.cgroup.Cgroup#joinFiles}); empty when the caller
     *                    places it
     */
    public Plan build(
            Spec spec, MountSpec rootfsMount, Stdio stdio, Path exitFile, boolean init, List<Path> cgroupJoin) {
        Process process = spec.process();
        Linux linux =
                spec.linux() == null ? new Linux(null, null, null, null, null, null, null, null, null) : spec.linux();
        if (process == null || process.args().isEmpty()) {
            throw BerthException.invalid("no command specified");
        }
        String root = spec.root().path();
        if (!root.startsWith("/")) {
            throw BerthException.invalid("the shim needs an absolute rootfs path, got %s", root);
        }
        Plan plan = new Plan();

        // --- supervisor settings (read before clone)
        List<String> fresh = linux.namespaces().stream()
                .filter(n -> n.path() == null && NAMESPACES.contains(n.type()))
                .map(Linux.Namespace::type)
                .toList();
        plan.add(Op.NAMESPACES, fresh.toArray());
        // setns(CLONE_NEWPID) moves only children made after it: the shim joins before it clones (--pid container:)
        linux.namespaces().stream()
                .filter(n -> n.type().equals("pid") && n.path() != null)
                .findFirst()
                .ifPresent(n -> plan.add(Op.JOINPID, n.path()));
        if (stdio.stdin() != null) plan.add(Op.STDIN, stdio.stdin());
        if (stdio.stdout() != null) plan.add(Op.STDOUT, stdio.stdout());
        if (stdio.stderr() != null) plan.add(Op.STDERR, stdio.stderr());
        if (process.terminal()) {
            plan.add(Op.TERMINAL);
            if (process.consoleSize() != null) {
                plan.add(
                        Op.WINSIZE,
                        process.consoleSize().height(),
                        process.consoleSize().width());
            }
        }
        if (exitFile != null) plan.add(Op.EXITFILE, exitFile);
        if (init) plan.add(Op.INIT);

        // --- in the child, once released: its cgroup first, so that the cgroup namespace is rooted there
        joinCgroup(plan, cgroupJoin);
        for (Linux.Namespace ns : linux.namespaces()) {
            if (ns.path() != null && !ns.type().equals("pid")) {
                plan.add(Op.SETNS, ns.path());
            }
        }
        if (linux.hasNamespace("cgroup")) {
            plan.add(Op.UNSHARE, "cgroup");
        }
        long propagation = "rslave".equals(linux.rootfsPropagation()) ? MS_SLAVE | MS_REC : MS_PRIVATE | MS_REC;
        plan.add(Op.MOUNT, "", "/", "", propagation, "");
        if (rootfsMount != null) {
            // a long overlay chain names its lowerdirs relative to the snapshots directory (the
            // mount data is one page): the shim mounts from there, as Docker's overlay2 does
            Path cwd = rootfsMount.workingDir();
            plan.add(
                    Op.MOUNT,
                    rootfsMount.source(),
                    root,
                    rootfsMount.type(),
                    rootfsMount.flags(),
                    rootfsMount.data(),
                    cwd == null ? "" : cwd.toAbsolutePath());
        } else {
            plan.add(Op.MOUNT, root, root, "", MS_BIND | MS_REC, ""); // pivot_root needs a mount point
        }
        plan.add(Op.ROOTFS, root);

        boolean hasDevTmpfs = false;
        for (Mount m : spec.mounts()) {
            if (m.destination().equals("/dev") && !m.isBind()) {
                hasDevTmpfs = true;
            }
            addMount(plan, m);
        }
        if (hasDevTmpfs) {
            for (Object[] d : DEFAULT_DEVICES) {
                plan.add(Op.MKNOD, "/dev/" + d[0], "c", d[1], d[2], 0666, 0, 0, "/dev/" + d[0]);
            }
            DEFAULT_SYMLINKS.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> plan.add(Op.SYMLINK, e.getValue(), e.getKey()));
        }
        for (Linux.Device d : linux.devices()) {
            plan.add(
                    Op.MKNOD,
                    d.path(),
                    d.type(),
                    d.major(),
                    d.minor(),
                    d.fileMode() == null ? 0666 : d.fileMode(),
                    d.uid() == null ? 0 : d.uid(),
                    d.gid() == null ? 0 : d.gid(),
                    d.path());
        }
        if (!process.cwd().equals("/")) {
            plan.add(Op.MKDIRIN, process.cwd()); // Docker creates a missing WorkingDir
        }

        plan.add(Op.PIVOT);
        linux.sysctl().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> plan.add(Op.WRITE, "/proc/sys/" + e.getKey().replace('.', '/'), e.getValue()));
        for (String p : linux.maskedPaths()) plan.add(Op.MASK, p);
        for (String p : linux.readonlyPaths()) plan.add(Op.READONLY, p);
        if (spec.root().readonly()) plan.add(Op.REMOUNT_RO, "/");
        if (process.terminal()) plan.add(Op.CONSOLE);
        if (spec.hostname() != null && !spec.hostname().isEmpty()) plan.add(Op.HOSTNAME, spec.hostname());
        if (spec.domainname() != null && !spec.domainname().isEmpty()) plan.add(Op.DOMAINNAME, spec.domainname());

        addProcess(plan, process, linux.seccomp());
        return plan;
    }

    /**
     * A process joining a running container (docker exec): born in the container's pid namespace,
     * then, once released, into the container's cgroup (while the host's paths still mean what
     * they say) and its ipc, uts, network, cgroup and (last, as it changes what paths mean) mount
     * namespaces. No exit file: an exec is not taken over by a restarted daemon, and its exit
     * comes on the shim's events.
     *
     * @param namespaces the container's namespaces to join, e.g. /proc/&lt;pid&gt;/ns/*
     * @param cgroupJoin as for {@link #build}
     */
    public Plan buildExec(
            Process process,
            Seccomp seccomp,
            java.util.Map<String, Path> namespaces,
            Stdio stdio,
            List<Path> cgroupJoin) {
        if (process.args().isEmpty()) {
            throw BerthException.invalid("no command specified");
        }
        Plan plan = new Plan();
        plan.add(Op.NAMESPACES);
        if (namespaces.containsKey("pid")) plan.add(Op.JOINPID, namespaces.get("pid"));
        if (stdio.stdin() != null) plan.add(Op.STDIN, stdio.stdin());
        if (stdio.stdout() != null) plan.add(Op.STDOUT, stdio.stdout());
        if (stdio.stderr() != null) plan.add(Op.STDERR, stdio.stderr());
        if (process.terminal()) {
            plan.add(Op.TERMINAL);
            if (process.consoleSize() != null) {
                plan.add(
                        Op.WINSIZE,
                        process.consoleSize().height(),
                        process.consoleSize().width());
            }
        }
        joinCgroup(plan, cgroupJoin);
        for (String type : List.of("ipc", "uts", "net", "cgroup", "mnt")) {
            if (namespaces.containsKey(type)) {
                plan.add(Op.SETNS, namespaces.get(type));
            }
        }
        if (process.terminal()) plan.add(Op.CONSOLE);
        addProcess(plan, process, seccomp);
        return plan;
    }

    /** The child moves itself: a single-threaded process joins without the kernel's global lock (see joinFiles). */
    private static void joinCgroup(Plan plan, List<Path> files) {
        for (Path f : files) {
            plan.add(Op.WRITE, f, "0");
        }
    }

    /**
     * The process's limits, identity and command. The seccomp filter goes in last before execve
     * when no_new_privs is set; without it the kernel takes a filter only from a process holding
     * CAP_SYS_ADMIN, so it goes in before the identity drops capabilities (as runc does), and the
     * few calls left before execve must pass it.
     */
    private void addProcess(Plan plan, Process process, Seccomp seccomp) {
        String filter = seccomp == null
                ? null
                : compiled.computeIfAbsent(seccomp, f -> HexFormat.of().formatHex(SeccompBpf.compile(f)));
        if (filter != null && !process.noNewPrivileges()) plan.add(Op.SECCOMP, filter);
        for (Process.Rlimit rl : process.rlimits()) {
            int resource = Rlimits.resource(rl.type());
            long hard = resource < hardLimits.length ? Rlimits.clamp(rl.hard(), hardLimits[resource]) : rl.hard();
            long soft = Rlimits.clamp(rl.soft(), hard);
            plan.add(Op.RLIMIT, resource, Long.toUnsignedString(soft), Long.toUnsignedString(hard));
        }
        Process.User user = process.user();
        plan.add(Op.GROUPS, user.additionalGids().toArray());
        Process.Capabilities caps = process.capabilities();
        plan.add(
                Op.IDENTITY,
                user.uid(),
                user.gid(),
                hex(caps == null ? 0 : mask(caps.bounding())),
                hex(caps == null ? 0 : mask(caps.effective())),
                hex(caps == null ? 0 : mask(caps.permitted())),
                hex(caps == null ? 0 : mask(caps.inheritable())),
                hex(caps == null ? 0 : mask(caps.ambient())));
        if (process.noNewPrivileges()) plan.add(Op.NONEWPRIVS);
        plan.add(Op.CHDIR, process.cwd());
        for (String arg : process.args()) plan.add(Op.ARG, arg);
        for (String env : process.env()) plan.add(Op.ENV, env);
        if (filter != null && process.noNewPrivileges()) plan.add(Op.SECCOMP, filter);
        String path = process.getenv("PATH");
        plan.add(Op.EXEC, path == null ? SpecBuilder.DEFAULT_PATH : path);
    }

    /** A capability the shim does not hold cannot be granted; asking for it must not fail the start. */
    private long mask(List<String> names) {
        return names == null ? 0 : Caps.mask(names) & heldBounding;
    }

    private static String hex(long mask) {
        return "0x" + Long.toHexString(mask);
    }

    private void addMount(Plan plan, Mount m) {
        MountFlags f = MountFlags.parse(m.options());
        String dest = m.destination();
        if (m.type() != null && (m.type().equals("cgroup") || m.type().equals("cgroup2"))) {
            addCgroupMounts(plan, dest, f.flags());
            return;
        }
        if (f.bind() || "bind".equals(m.type())) {
            Path source = Path.of(m.source());
            if (!Files.exists(source)) {
                throw BerthException.invalid("bind source path does not exist: %s", m.source());
            }
            String create = Files.isDirectory(source) ? "d" : "f";
            plan.add(Op.MOUNTIN, m.source(), dest, "", MS_BIND | (f.recursive() ? MS_REC : 0), "", create);
            long extra = f.flags() & ~MS_REMOUNT;
            if (extra != 0) {
                plan.add(Op.MOUNTIN, "", dest, "", MS_BIND | MS_REMOUNT | extra, "", "-");
            }
        } else {
            plan.add(Op.MOUNTIN, m.source() == null ? m.type() : m.source(), dest, m.type(), f.flags(), f.data(), "d");
        }
        if (f.propagation() != 0) {
            plan.add(Op.MOUNTIN, "", dest, "", f.propagation(), "", "-");
        }
    }

    /** Docker's /sys/fs/cgroup: on v1 a tmpfs holding each hierarchy, on v2 the unified tree. */
    private void addCgroupMounts(Plan plan, String dest, long flags) {
        long base = MS_NOSUID | MS_NODEV | MS_NOEXEC;
        List<CgroupDriver.CgroupMount> mounts = cgroups.containerMounts();
        for (CgroupDriver.CgroupMount cm : mounts) {
            String target = cm.dir().isEmpty() ? dest : dest + "/" + cm.dir();
            if (cm.type().equals("tmpfs")) {
                plan.add(Op.MOUNTIN, "tmpfs", target, "tmpfs", base, cm.data(), "d");
            } else {
                plan.add(Op.MOUNTIN, cm.type(), target, cm.type(), base | (flags & MS_RDONLY), cm.data(), "d");
            }
        }
        if (mounts.getFirst().type().equals("tmpfs") && (flags & MS_RDONLY) != 0) {
            plan.add(Op.MOUNTIN, "", dest, "", MS_BIND | MS_REMOUNT | MS_RDONLY | base, "", "-");
        }
    }
}
