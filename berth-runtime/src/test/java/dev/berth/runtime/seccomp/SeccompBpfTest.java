package dev.berth.runtime.seccomp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.BerthException;
import dev.berth.runtime.spec.Caps;
import dev.berth.runtime.spec.Seccomp;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The compiled program, run by a small classic-BPF interpreter on the seccomp_data the kernel
 * would hand it: Docker's default profile decides each call as Docker documents, and every
 * comparison operator holds at the edges of both 32-bit halves.
 */
class SeccompBpfTest {
    private static final int X86_64 = 0xC000003E;
    private static final int I386 = 0x40000003;
    private static final int ALLOW = 0x7fff0000;
    private static final int EPERM = 0x00050000 | 1;
    private static final int ENOSYS = 0x00050000 | 38;

    private static final List<String> DEFAULT_CAPS = Caps.DOCKER_DEFAULT;

    private static List<SeccompBpf.Insn> defaultProgram(List<String> caps) {
        return SeccompBpf.instructions(SeccompProfile.builtin().resolve(caps, "SCMP_ARCH_X86_64", "6.1.0-18-amd64"));
    }

    @Test
    void dockersDefaultProfileBlocksWhatTheIssueListsAndAllowsTheRest() {
        List<SeccompBpf.Insn> p = defaultProgram(DEFAULT_CAPS);
        // the calls the attack battery reached: keyctl, add_key, request_key, unshare, perf_event_open,
        // userfaultfd, kexec_load, io_uring_setup, lookup_dcookie
        for (int nr : new int[] {250, 248, 249, 272, 298, 323, 246, 425, 212}) {
            assertThat(run(p, X86_64, nr)).as("x86_64 call %d", nr).isEqualTo(EPERM);
        }
        assertThat(run(p, X86_64, 435)).as("clone3").isEqualTo(ENOSYS);
        for (int nr : new int[] {0, 1, 2, 59, 60, 231, 257, 262
        }) { // read write open execve exit exit_group openat newfstatat
            assertThat(run(p, X86_64, nr)).as("x86_64 call %d", nr).isEqualTo(ALLOW);
        }
        // clone: allowed unless it asks for a namespace (CLONE_NEWUSER here)
        assertThat(run(p, X86_64, 56, 17)).isEqualTo(ALLOW);
        assertThat(run(p, X86_64, 56, 0x10000000L | 17)).isEqualTo(EPERM);
        assertThat(run(p, X86_64, 56, 0x1_0000_0000L | 17))
                .as("high bits are outside the mask")
                .isEqualTo(ALLOW);
        // personality: only the values Docker lists
        assertThat(run(p, X86_64, 135, 0)).isEqualTo(ALLOW);
        assertThat(run(p, X86_64, 135, 0xffffffffL)).isEqualTo(ALLOW);
        assertThat(run(p, X86_64, 135, 0x1234)).isEqualTo(EPERM);
        assertThat(run(p, X86_64, 135, 0x1_0000_0000L))
                .as("the high half counts")
                .isEqualTo(EPERM);
        // the 32-bit calls of x86 have their own numbers; x32 and unknown architectures get the default
        assertThat(run(p, I386, 3)).as("i386 read").isEqualTo(ALLOW);
        assertThat(run(p, I386, 288)).as("i386 keyctl").isEqualTo(EPERM);
        assertThat(run(p, X86_64, 0x40000000)).as("x32 read").isEqualTo(EPERM);
        assertThat(run(p, 0xC00000B7, 63)).as("aarch64").isEqualTo(EPERM);
        assertThat(run(p, X86_64, 999)).as("a number nobody has").isEqualTo(EPERM);
    }

    @Test
    void capabilitiesOpenTheirCalls() {
        List<SeccompBpf.Insn> withoutAdmin = defaultProgram(DEFAULT_CAPS);
        List<String> caps = new java.util.ArrayList<>(DEFAULT_CAPS);
        caps.add("CAP_SYS_ADMIN");
        List<SeccompBpf.Insn> withAdmin = defaultProgram(caps);
        for (int nr : new int[] {272, 435, 165}) { // unshare, clone3, mount
            assertThat(run(withoutAdmin, X86_64, nr)).isNotEqualTo(ALLOW);
            assertThat(run(withAdmin, X86_64, nr))
                    .as("with CAP_SYS_ADMIN, call %d", nr)
                    .isEqualTo(ALLOW);
        }
        assertThat(run(withAdmin, X86_64, 56, 0x10000000L | 17)).isEqualTo(ALLOW);
        assertThat(run(withoutAdmin, X86_64, 169)).as("reboot").isEqualTo(EPERM);
    }

    @Test
    void everyComparisonHoldsAtTheEdgesOfBothHalves() {
        long[] values = {0, 1, 0xffffffffL, 0x1_0000_0000L, 0x1_0000_0001L, 0x7fffffff_ffffffffL, -1L, 0x80000000L};
        for (String op : List.of(
                "SCMP_CMP_EQ",
                "SCMP_CMP_NE",
                "SCMP_CMP_LT",
                "SCMP_CMP_LE",
                "SCMP_CMP_GT",
                "SCMP_CMP_GE",
                "SCMP_CMP_MASKED_EQ")) {
            for (long v : values) {
                long two = 0x1_0000_0000L;
                Seccomp f = new Seccomp(
                        "SCMP_ACT_ERRNO",
                        null,
                        List.of("SCMP_ARCH_X86_64"),
                        List.of(new Seccomp.Syscall(
                                List.of("write"), "SCMP_ACT_ALLOW", null, List.of(new Seccomp.Arg(2, v, two, op)))));
                List<SeccompBpf.Insn> p = SeccompBpf.instructions(f);
                for (long a : values) {
                    boolean met = switch (op) {
                        case "SCMP_CMP_EQ" -> a == v;
                        case "SCMP_CMP_NE" -> a != v;
                        case "SCMP_CMP_LT" -> Long.compareUnsigned(a, v) < 0;
                        case "SCMP_CMP_LE" -> Long.compareUnsigned(a, v) <= 0;
                        case "SCMP_CMP_GT" -> Long.compareUnsigned(a, v) > 0;
                        case "SCMP_CMP_GE" -> Long.compareUnsigned(a, v) >= 0;
                        default -> (a & v) == two;
                    };
                    assertThat(run(p, X86_64, 1, 0, 0, a))
                            .as("%s arg %x against %x", op, a, v)
                            .isEqualTo(met ? ALLOW : EPERM);
                }
            }
        }
    }

    @Test
    void actionsAndBadInput() {
        Seccomp f = new Seccomp(
                "SCMP_ACT_ALLOW",
                null,
                List.of(),
                List.of(
                        new Seccomp.Syscall(List.of("mkdir"), "SCMP_ACT_ERRNO", 13, List.of()),
                        new Seccomp.Syscall(List.of("rmdir"), "SCMP_ACT_KILL_PROCESS", null, List.of()),
                        new Seccomp.Syscall(List.of("no_such_call"), "SCMP_ACT_ERRNO", null, List.of())));
        List<SeccompBpf.Insn> p = SeccompBpf.instructions(f);
        assertThat(run(p, X86_64, 83)).isEqualTo(0x00050000 | 13);
        assertThat(run(p, X86_64, 84)).isEqualTo(0x80000000);
        assertThat(run(p, X86_64, 0)).isEqualTo(ALLOW);
        assertThatThrownBy(() -> SeccompBpf.instructions(new Seccomp("SCMP_ACT_NOPE", null, List.of(), List.of())))
                .isInstanceOf(BerthException.class)
                .hasMessageContaining("unknown defaultAction 'SCMP_ACT_NOPE'");
        assertThat(SeccompBpf.compile(f)).hasSize(p.size() * 8);
    }

    /** A classic BPF interpreter for what the compiler emits (seccomp_data, little-endian). */
    static int run(List<SeccompBpf.Insn> program, int arch, int nr, long... args) {
        long[] a6 = java.util.Arrays.copyOf(args, 6);
        int acc = 0;
        for (int pc = 0; pc < program.size(); pc++) {
            SeccompBpf.Insn i = program.get(pc);
            switch (i.code()) {
                case SeccompBpf.LD_ABS -> acc = load(i.k(), arch, nr, a6);
                case SeccompBpf.ALU_AND -> acc &= i.k();
                case SeccompBpf.JA -> pc += i.k();
                case SeccompBpf.JEQ -> pc += acc == i.k() ? i.jt() : i.jf();
                case SeccompBpf.JGT -> pc += Integer.compareUnsigned(acc, i.k()) > 0 ? i.jt() : i.jf();
                case SeccompBpf.JGE -> pc += Integer.compareUnsigned(acc, i.k()) >= 0 ? i.jt() : i.jf();
                case SeccompBpf.RET -> {
                    return i.k();
                }
                default -> throw new AssertionError("unknown instruction " + i);
            }
        }
        throw new AssertionError("the program ran off its end");
    }

    private static int load(int offset, int arch, int nr, long[] args) {
        if (offset == SeccompBpf.NR) {
            return nr;
        }
        if (offset == SeccompBpf.ARCH) {
            return arch;
        }
        int i = (offset - SeccompBpf.ARGS) / 8;
        return (offset - SeccompBpf.ARGS) % 8 == 0 ? (int) args[i] : (int) (args[i] >>> 32);
    }
}
