package dev.berth.runtime.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.BerthException;
import dev.berth.core.snapshot.MountSpec;
import dev.berth.runtime.Stdio;
import dev.berth.runtime.cgroup.Cgroup;
import dev.berth.runtime.cgroup.CgroupDriver;
import dev.berth.runtime.seccomp.SeccompProfile;
import dev.berth.runtime.spec.Caps;
import dev.berth.runtime.spec.Linux;
import dev.berth.runtime.spec.Seccomp;
import dev.berth.runtime.spec.Spec;
import dev.berth.runtime.spec.SpecBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanBuilderTest {
    /** A v1-like layout with two hierarchies; only containerMounts matters to the plan. */
    private static final CgroupDriver V1 = new CgroupDriver() {
        @Override
        public int version() {
            return 1;
        }

        @Override
        public Cgroup create(String path, Linux.Resources resources) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Cgroup open(String path) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<CgroupMount> containerMounts() {
            return List.of(
                    new CgroupMount("", "tmpfs", "mode=755"),
                    new CgroupMount("memory", "cgroup", "memory"),
                    new CgroupMount("systemd", "cgroup", "name=systemd"));
        }
    };

    private static final long ALL_BUT_SYS_RESOURCE = 0x1fffeffffffL;

    private static long[] hardLimits(long nofile) {
        long[] limits = new long[16];
        Arrays.fill(limits, -1);
        limits[Rlimits.resource("RLIMIT_NOFILE")] = nofile;
        return limits;
    }

    private final PlanBuilder builder = new PlanBuilder(V1, ALL_BUT_SYS_RESOURCE, hardLimits(20000));

    private Plan plan(Spec spec) {
        return builder.build(spec, null, Stdio.none(), Path.of("/state/exit"), false, List.of());
    }

    private static List<String> ops(Plan plan) {
        return plan.steps().stream().map(s -> s.op().wireName()).toList();
    }

    @Test
    void encodesEachArgumentWithItsByteLength() {
        Plan plan = new Plan().add(Op.ARG, "a b\nc").add(Op.ENV, "X=é").add(Op.PIVOT);
        assertThat(new String(plan.encode(), StandardCharsets.UTF_8)).isEqualTo("arg 5:a b\nc\nenv 4:X=é\npivot\n");
    }

    @Test
    void followsRuncsOrderFromPrivateMountsToExec() {
        Plan plan = plan(SpecBuilder.dockerDefaults()
                .args("sh")
                .rootPath("/c/rootfs")
                .hostname("h")
                .build());
        List<String> ops = ops(plan);
        assertThat(ops.indexOf("unshare")).isLessThan(ops.indexOf("mount"));
        assertThat(ops.indexOf("rootfs")).isLessThan(ops.indexOf("mountin"));
        assertThat(ops.lastIndexOf("mountin")).isLessThan(ops.indexOf("mknod"));
        assertThat(ops.lastIndexOf("symlink")).isLessThan(ops.indexOf("pivot"));
        assertThat(ops.indexOf("pivot")).isLessThan(ops.indexOf("mask"));
        assertThat(ops.indexOf("readonly")).isLessThan(ops.indexOf("hostname"));
        assertThat(ops.indexOf("identity")).isLessThan(ops.indexOf("chdir"));
        assertThat(ops.getLast()).isEqualTo("exec");
        assertThat(plan.steps().getFirst().args()).containsExactlyInAnyOrder("pid", "mount", "uts", "ipc", "network");
    }

    @Test
    void cgroupMountBecomesATmpfsOfHierarchiesRemountedReadOnly() {
        Plan plan = plan(SpecBuilder.dockerDefaults().args("sh").rootPath("/r").build());
        List<Plan.Step> cgroupSteps = plan.steps().stream()
                .filter(s -> s.op() == Op.MOUNTIN && s.args().get(1).startsWith("/sys/fs/cgroup"))
                .toList();
        assertThat(cgroupSteps)
                .extracting(s ->
                        s.args().get(1) + " " + s.args().get(2) + " " + s.args().get(4))
                .containsExactly(
                        "/sys/fs/cgroup tmpfs mode=755",
                        "/sys/fs/cgroup/memory cgroup memory",
                        "/sys/fs/cgroup/systemd cgroup name=systemd",
                        "/sys/fs/cgroup  ");
        long remount = Long.parseLong(cgroupSteps.getLast().args().get(3));
        assertThat(remount & MountFlags.MS_RDONLY).isNotZero();
        assertThat(remount & MountFlags.MS_REMOUNT).isNotZero();
    }

    @Test
    void grantsOnlyCapabilitiesTheShimHolds() {
        Plan plan = plan(SpecBuilder.dockerDefaults()
                .args("sh")
                .rootPath("/r")
                .privileged(true, -1L >>> (64 - Caps.KNOWN.size()))
                .build());
        Plan.Step identity = plan.steps().stream()
                .filter(s -> s.op() == Op.IDENTITY)
                .findFirst()
                .orElseThrow();
        assertThat(identity.args().get(2)).isEqualTo("0x" + Long.toHexString(ALL_BUT_SYS_RESOURCE));
        assertThat(ops(plan)).doesNotContain("mask", "readonly");
    }

    @Test
    void rlimitsNeverExceedTheHardLimit() {
        Plan plan = plan(SpecBuilder.dockerDefaults()
                .args("sh")
                .rootPath("/r")
                .rlimit("RLIMIT_NOFILE", 1_048_576, 1_048_576)
                .rlimit("RLIMIT_CORE", -1, -1)
                .build());
        List<List<String>> rlimits = plan.steps().stream()
                .filter(s -> s.op() == Op.RLIMIT)
                .map(Plan.Step::args)
                .toList();
        assertThat(rlimits)
                .containsExactly(
                        List.of("7", "20000", "20000"), List.of("4", "18446744073709551615", "18446744073709551615"));
    }

    @Test
    void bindMountsAreRemountedWithTheirFlags() {
        Plan plan = plan(SpecBuilder.dockerDefaults()
                .args("sh")
                .rootPath("/r")
                .bind("/etc", "/hostetc", true)
                .build());
        List<Plan.Step> binds = plan.steps().stream()
                .filter(s -> s.args().size() > 1 && s.args().get(1).equals("/hostetc"))
                .toList();
        assertThat(binds).hasSize(3); // bind, read-only remount, rprivate
        assertThat(Long.parseLong(binds.get(0).args().get(3))).isEqualTo(MountFlags.MS_BIND | MountFlags.MS_REC);
        assertThat(Long.parseLong(binds.get(1).args().get(3)) & MountFlags.MS_RDONLY)
                .isNotZero();
        assertThatThrownBy(() -> plan(SpecBuilder.dockerDefaults()
                        .args("sh")
                        .rootPath("/r")
                        .bind("/no/such", "/x", false)
                        .build()))
                .isInstanceOf(BerthException.class)
                .hasMessageContaining("/no/such");
    }

    @Test
    void sharedNamespacesAreJoinedAndAPidNamespaceBeforeTheClone() {
        Plan plan = plan(SpecBuilder.dockerDefaults()
                .args("sh")
                .rootPath("/r")
                .namespace("pid", "/proc/7/ns/pid")
                .namespace("network", "/proc/7/ns/net")
                .namespace("uts", SpecBuilder.HOST)
                .build());
        assertThat(plan.steps().getFirst().args()).containsExactlyInAnyOrder("mount", "ipc");
        assertThat(plan.steps().stream()
                        .filter(s -> s.op() == Op.SETNS || s.op() == Op.JOINPID)
                        .map(Plan.Step::toString))
                .containsExactly("joinpid /proc/7/ns/pid", "setns /proc/7/ns/net");
    }

    @Test
    void execJoinsTheMountNamespaceLast() {
        Spec spec = SpecBuilder.dockerDefaults().args("ls").rootPath("/r").build();
        Plan plan = builder.buildExec(
                spec.process(),
                null,
                new java.util.LinkedHashMap<>(java.util.Map.of(
                        "pid",
                        Path.of("/proc/9/ns/pid"),
                        "mnt",
                        Path.of("/proc/9/ns/mnt"),
                        "net",
                        Path.of("/proc/9/ns/net"))),
                Stdio.none(),
                List.of());
        assertThat(plan.steps().stream()
                        .filter(s -> s.op() == Op.SETNS || s.op() == Op.JOINPID)
                        .map(Plan.Step::toString))
                .containsExactly("joinpid /proc/9/ns/pid", "setns /proc/9/ns/net", "setns /proc/9/ns/mnt");
        assertThat(ops(plan)).doesNotContain("pivot", "mountin");
    }

    /**
     * The child moves itself into its cgroup before anything else: before the cgroup namespace is
     * made (its root is the cgroup the process is in) and, for exec, before setns(mnt) changes
     * what the host's cgroupfs paths name.
     */
    @Test
    void childJoinsItsCgroupFirst() {
        List<Path> join =
                List.of(Path.of("/sys/fs/cgroup/memory/berth/c/tasks"), Path.of("/sys/fs/cgroup/pids/berth/c/tasks"));
        Spec spec = SpecBuilder.dockerDefaults()
                .args("sh")
                .rootPath("/r")
                .namespace("network", "/proc/7/ns/net")
                .build();
        Plan plan = builder.build(spec, null, Stdio.none(), null, false, join);
        assertThat(childSteps(plan).subList(0, 4))
                .containsExactly(
                        "write /sys/fs/cgroup/memory/berth/c/tasks 0",
                        "write /sys/fs/cgroup/pids/berth/c/tasks 0",
                        "setns /proc/7/ns/net",
                        "unshare cgroup");

        Plan exec = builder.buildExec(
                spec.process(),
                null,
                new java.util.LinkedHashMap<>(java.util.Map.of(
                        "pid",
                        Path.of("/proc/9/ns/pid"),
                        "cgroup",
                        Path.of("/proc/9/ns/cgroup"),
                        "mnt",
                        Path.of("/proc/9/ns/mnt"))),
                Stdio.none(),
                join);
        assertThat(childSteps(exec).subList(0, 4))
                .containsExactly(
                        "write /sys/fs/cgroup/memory/berth/c/tasks 0",
                        "write /sys/fs/cgroup/pids/berth/c/tasks 0",
                        "setns /proc/9/ns/cgroup",
                        "setns /proc/9/ns/mnt");
    }

    private static List<String> childSteps(Plan plan) {
        return plan.steps().stream()
                .filter(s -> s.op().who() == Op.Who.CHILD)
                .map(Plan.Step::toString)
                .toList();
    }

    @Test
    void rootfsMountCarriesTheSnapshottersWorkingDirectory() {
        Spec spec =
                SpecBuilder.dockerDefaults().args("sh").rootPath("/c/rootfs").build();
        MountSpec relative = new MountSpec(
                "overlay",
                "overlay",
                List.of("lowerdir=l/AAAAAAAAAAAA:l/BBBBBBBBBBBB", "upperdir=ctr-1/fs", "workdir=ctr-1/work"),
                Path.of("/data/snapshots"));
        Plan.Step mount = rootfsMount(builder.build(spec, relative, Stdio.none(), null, false, List.of()));
        assertThat(mount.args())
                .containsExactly(
                        "overlay",
                        "/c/rootfs",
                        "overlay",
                        "0",
                        "lowerdir=l/AAAAAAAAAAAA:l/BBBBBBBBBBBB,upperdir=ctr-1/fs,workdir=ctr-1/work",
                        "/data/snapshots");

        MountSpec absolute = new MountSpec("overlay", "overlay", List.of("lowerdir=/a:/b", "ro"));
        mount = rootfsMount(builder.build(spec, absolute, Stdio.none(), null, false, List.of()));
        assertThat(mount.args())
                .containsExactly(
                        "overlay", "/c/rootfs", "overlay", Long.toString(MountFlags.MS_RDONLY), "lowerdir=/a:/b", "");
    }

    private static Plan.Step rootfsMount(Plan plan) {
        return plan.steps().stream()
                .filter(s -> s.op() == Op.MOUNT && s.args().get(1).equals("/c/rootfs"))
                .findFirst()
                .orElseThrow();
    }

    /**
     * The filter goes in last before execve under no_new_privs; without it, while the shim still
     * holds CAP_SYS_ADMIN (before the identity step drops it), as runc does.
     */
    @Test
    void seccompComesLastUnderNoNewPrivilegesElseBeforeTheIdentity() {
        Spec plain = SpecBuilder.dockerDefaults().args("ls").rootPath("/r").build();
        Seccomp filter =
                SeccompProfile.builtin().resolve(plain.process().capabilities().bounding());
        Plan without = plan(plain.withLinux(plain.linux().withSeccomp(filter)));
        List<String> ops = ops(without);
        assertThat(ops.indexOf("seccomp")).isEqualTo(ops.indexOf("groups") - 1);
        Spec nnp = SpecBuilder.dockerDefaults()
                .args("ls")
                .rootPath("/r")
                .noNewPrivileges(true)
                .build();
        List<String> last = ops(plan(nnp.withLinux(nnp.linux().withSeccomp(filter))));
        assertThat(last.subList(last.size() - 2, last.size())).containsExactly("seccomp", "exec");
        assertThat(last.indexOf("nonewprivs")).isLessThan(last.indexOf("seccomp"));
        assertThat(ops(plan(plain))).doesNotContain("seccomp");
    }
}
