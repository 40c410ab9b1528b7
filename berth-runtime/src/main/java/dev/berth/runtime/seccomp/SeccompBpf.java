package dev.berth.runtime.seccomp;

import dev.berth.core.error.BerthException;
import dev.berth.runtime.spec.Seccomp;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compiles a resolved seccomp filter ({@link Seccomp}, the OCI form) into the classic BPF
 * program the kernel takes (struct sock_filter[], what libseccomp would generate), for Berth's
 * shim to install last before execve. Written here rather than taken from libseccomp because the
 * shim is static and libc-only, and Java decides everything the shim does.
 *
 * <p>The program checks the architecture first (each one the filter lists and {@link
 * SyscallTable} knows; any other gets the default action, as do x32 calls on x86_64), then finds
 * the call by a binary search over its number, then tries the call's rules: those with argument
 * conditions in the filter's order, then an unconditional one; none matching, the default.
 * Arguments are compared as 64-bit unsigned values, a 32-bit half at a time.
 */
public final class SeccompBpf {
    /** One struct sock_filter. */
    public record Insn(int code, int jt, int jf, int k) {}

    static final int LD_ABS = 0x20; // BPF_LD | BPF_W | BPF_ABS
    static final int ALU_AND = 0x54; // BPF_ALU | BPF_AND | BPF_K
    static final int JA = 0x05; // BPF_JMP | BPF_JA
    static final int JEQ = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
    static final int JGT = 0x25;
    static final int JGE = 0x35;
    static final int RET = 0x06; // BPF_RET | BPF_K

    /** struct seccomp_data */
    static final int NR = 0;

    static final int ARCH = 4;
    static final int ARGS = 16;

    static final int RET_KILL_PROCESS = 0x80000000;
    static final int RET_KILL_THREAD = 0;
    static final int RET_TRAP = 0x00030000;
    static final int RET_ERRNO = 0x00050000;
    static final int RET_TRACE = 0x7ff00000;
    static final int RET_LOG = 0x7ffc0000;
    static final int RET_ALLOW = 0x7fff0000;

    private static final int EPERM = 1;
    private static final int X32_SYSCALL_BIT = 0x40000000;
    private static final int MAX_INSNS = 4096; // BPF_MAXINSNS
    private static final int LEAF = 4; // ranges compared one by one at the bottom of the search

    private SeccompBpf() {}

    /** The program as the kernel reads it: 8 bytes an instruction, in this machine's byte order. */
    public static byte[] compile(Seccomp filter) {
        List<Insn> program = instructions(filter);
        ByteBuffer b = ByteBuffer.allocate(program.size() * 8).order(ByteOrder.nativeOrder());
        for (Insn i : program) {
            b.putShort((short) i.code()).put((byte) i.jt()).put((byte) i.jf()).putInt(i.k());
        }
        return b.array();
    }

    public static List<Insn> instructions(Seccomp filter) {
        int defaultAction = action(filter.defaultAction(), filter.defaultErrnoRet(), "defaultAction");
        Set<SyscallTable> tables = new LinkedHashSet<>();
        for (String arch : filter.architectures()) {
            SyscallTable.of(arch).ifPresent(tables::add);
        }
        if (tables.isEmpty()) {
            SyscallTable.of(SyscallTable.nativeArch()).ifPresent(tables::add);
        }
        if (tables.isEmpty()) {
            throw BerthException.unavailable(
                    "seccomp: no system call table for %s (%s)", SyscallTable.nativeArch(), filter.architectures());
        }
        Assembler a = new Assembler();
        Assembler.Label deflt = a.newLabel();
        a.emit(LD_ABS, 0, 0, ARCH);
        List<Assembler.Label> archLabels = new ArrayList<>();
        for (SyscallTable t : tables) {
            Assembler.Label l = a.newLabel();
            archLabels.add(l);
            a.emit(JEQ, 0, 1, t.auditArch());
            a.jump(l);
        }
        a.jump(deflt);
        int i = 0;
        for (SyscallTable t : tables) {
            a.place(archLabels.get(i++));
            emitArch(a, t, filter, deflt, defaultAction);
        }
        a.place(deflt);
        a.emit(RET, 0, 0, defaultAction);
        List<Insn> program = a.assemble();
        if (program.size() > MAX_INSNS) {
            throw BerthException.invalid(
                    "seccomp: the filter needs %d instructions, more than the kernel's %d", program.size(), MAX_INSNS);
        }
        return program;
    }

    private static void emitArch(Assembler a, SyscallTable table, Seccomp filter, Assembler.Label deflt, int dflt) {
        Map<Integer, List<Seccomp.Syscall>> byNumber = new TreeMap<>();
        for (Seccomp.Syscall rule : filter.syscalls()) {
            action(rule.action(), rule.errnoRet(), "syscall action"); // refuse a bad one whatever the arch
            for (String name : rule.names()) {
                table.number(name)
                        .ifPresent(nr -> byNumber.computeIfAbsent(nr, k -> new ArrayList<>())
                                .add(rule));
            }
        }
        // runs of consecutive numbers with the same unconditional action become one range: the
        // default profile's ~300 calls on x86_64 are a few dozen ranges
        List<Range> ranges = new ArrayList<>();
        for (Map.Entry<Integer, List<Seccomp.Syscall>> e : byNumber.entrySet()) {
            int nr = e.getKey();
            Integer simple = simpleAction(e.getValue());
            if (simple != null && simple == dflt) {
                continue; // what the default does anyway
            }
            Range last = ranges.isEmpty() ? null : ranges.getLast();
            if (simple != null
                    && last != null
                    && last.action != null
                    && last.action.equals(simple)
                    && last.hi == nr - 1) {
                ranges.set(ranges.size() - 1, new Range(last.lo, nr, simple, null, null));
            } else {
                ranges.add(new Range(
                        nr, nr, simple, simple == null ? a.newLabel() : null, simple == null ? e.getValue() : null));
            }
        }
        a.emit(LD_ABS, 0, 0, NR);
        if (table == SyscallTable.X86_64) {
            a.emit(JGE, 0, 1, X32_SYSCALL_BIT);
            a.jump(deflt);
        }
        emitSearch(a, ranges, 0, ranges.size(), dflt);
        for (Range r : ranges) {
            if (r.body != null) {
                a.place(r.body);
                emitRules(a, r.rules, deflt);
            }
        }
    }

    /**
     * Numbers {@code lo..hi} that either all end in {@code action} whatever their arguments, or
     * (one number) go to {@code body}, where {@code rules} are tried.
     */
    private record Range(int lo, int hi, Integer action, Assembler.Label body, List<Seccomp.Syscall> rules) {}

    /** The action of a call decided by one unconditional rule alone; null when arguments matter. */
    private static Integer simpleAction(List<Seccomp.Syscall> rules) {
        Seccomp.Syscall first = rules.getFirst();
        boolean conditional = rules.stream().anyMatch(r -> !r.args().isEmpty());
        return conditional ? null : action(first.action(), first.errnoRet(), "syscall action");
    }

    /** A binary search over the sorted ranges [from, to) for the number in the accumulator. */
    private static void emitSearch(Assembler a, List<Range> ranges, int from, int to, int dflt) {
        if (to - from <= LEAF) {
            for (int k = from; k < to; k++) {
                Range r = ranges.get(k);
                if (r.lo == r.hi) {
                    a.emit(JEQ, 0, 1, r.lo);
                } else {
                    a.emit(JGE, 0, 2, r.lo); // below: the next range
                    a.emit(JGT, 1, 0, r.hi); // above: the next range
                }
                if (r.body != null) {
                    a.jump(r.body);
                } else {
                    a.emit(RET, 0, 0, r.action);
                }
            }
            a.emit(RET, 0, 0, dflt);
            return;
        }
        int mid = (from + to) >>> 1;
        Assembler.Label upper = a.newLabel();
        a.emit(JGE, 0, 1, ranges.get(mid).lo);
        a.jump(upper);
        emitSearch(a, ranges, from, mid, dflt);
        a.place(upper);
        emitSearch(a, ranges, mid, to, dflt);
    }

    private static void emitRules(Assembler a, List<Seccomp.Syscall> rules, Assembler.Label deflt) {
        Seccomp.Syscall unconditional = null;
        for (Seccomp.Syscall rule : rules) {
            if (rule.args().isEmpty()) {
                if (unconditional == null) {
                    unconditional = rule;
                }
                continue;
            }
            Assembler.Label next = a.newLabel();
            for (Seccomp.Arg arg : rule.args()) {
                emitCondition(a, arg, next);
            }
            a.emit(RET, 0, 0, action(rule.action(), rule.errnoRet(), "syscall action"));
            a.place(next);
        }
        if (unconditional != null) {
            a.emit(RET, 0, 0, action(unconditional.action(), unconditional.errnoRet(), "syscall action"));
        } else {
            a.jump(deflt);
        }
    }

    /** Falls through when argument {@code arg.index()} meets the condition, else jumps to {@code fail}. */
    private static void emitCondition(Assembler a, Seccomp.Arg arg, Assembler.Label fail) {
        if (arg.index() < 0 || arg.index() > 5) {
            throw BerthException.invalid("seccomp: argument index %d is not 0 to 5", arg.index());
        }
        int lo = ARGS + 8 * arg.index(); // little-endian: the low half first
        int hi = lo + 4;
        int vlo = (int) arg.value();
        int vhi = (int) (arg.value() >>> 32);
        switch (arg.op()) {
            case "SCMP_CMP_EQ" -> {
                a.emit(LD_ABS, 0, 0, hi);
                a.emit(JEQ, 1, 0, vhi);
                a.jump(fail);
                a.emit(LD_ABS, 0, 0, lo);
                a.emit(JEQ, 1, 0, vlo);
                a.jump(fail);
            }
            case "SCMP_CMP_MASKED_EQ" -> { // (arg & value) == valueTwo
                a.emit(LD_ABS, 0, 0, hi);
                a.emit(ALU_AND, 0, 0, vhi);
                a.emit(JEQ, 1, 0, (int) (arg.valueTwo() >>> 32));
                a.jump(fail);
                a.emit(LD_ABS, 0, 0, lo);
                a.emit(ALU_AND, 0, 0, vlo);
                a.emit(JEQ, 1, 0, (int) arg.valueTwo());
                a.jump(fail);
            }
            case "SCMP_CMP_NE" -> {
                a.emit(LD_ABS, 0, 0, hi);
                a.emit(JEQ, 0, 3, vhi); // the high halves differ: met
                a.emit(LD_ABS, 0, 0, lo);
                a.emit(JEQ, 0, 1, vlo);
                a.jump(fail);
            }
            case "SCMP_CMP_GT", "SCMP_CMP_GE" -> { // high above: met; high equal: the low halves decide
                int cmp = arg.op().equals("SCMP_CMP_GT") ? JGT : JGE;
                a.emit(LD_ABS, 0, 0, hi);
                a.emit(JGT, 5, 0, vhi);
                a.emit(JEQ, 1, 0, vhi);
                a.jump(fail);
                a.emit(LD_ABS, 0, 0, lo);
                a.emit(cmp, 1, 0, vlo);
                a.jump(fail);
            }
            case "SCMP_CMP_LT", "SCMP_CMP_LE" -> { // not GE, not GT
                int cmp = arg.op().equals("SCMP_CMP_LT") ? JGE : JGT;
                a.emit(LD_ABS, 0, 0, hi);
                a.emit(JGE, 0, 5, vhi); // high below: met
                a.emit(JEQ, 1, 0, vhi);
                a.jump(fail);
                a.emit(LD_ABS, 0, 0, lo);
                a.emit(cmp, 0, 1, vlo);
                a.jump(fail);
            }
            default -> throw BerthException.invalid("seccomp: unknown comparison operator %s", arg.op());
        }
    }

    /** SECCOMP_RET_* for a libseccomp action name. */
    static int action(String name, Integer errno, String what) {
        int data = errno == null ? 0 : errno & 0xffff;
        return switch (name == null ? "" : name) {
            case "SCMP_ACT_ALLOW" -> RET_ALLOW;
            case "SCMP_ACT_ERRNO" -> RET_ERRNO | (errno == null ? EPERM : data);
            case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> RET_KILL_THREAD;
            case "SCMP_ACT_KILL_PROCESS" -> RET_KILL_PROCESS;
            case "SCMP_ACT_TRAP" -> RET_TRAP;
            case "SCMP_ACT_TRACE" -> RET_TRACE | data;
            case "SCMP_ACT_LOG" -> RET_LOG;
            default -> throw BerthException.invalid("seccomp: unknown %s '%s'", what, name);
        };
    }

    /**
     * Instructions with forward jumps to labels. Conditional jumps only skip a fixed few
     * instructions (their offsets are 8 bits); anything farther goes through a JA, whose offset
     * is 32 bits and is filled in once every label is placed.
     */
    private static final class Assembler {
        private final List<int[]> code = new ArrayList<>(); // code, jt, jf, k, label (-1 none)
        private final List<Integer> positions = new ArrayList<>();

        record Label(int id) {}

        Label newLabel() {
            positions.add(-1);
            return new Label(positions.size() - 1);
        }

        void place(Label l) {
            positions.set(l.id(), code.size());
        }

        void emit(int op, int jt, int jf, int k) {
            code.add(new int[] {op, jt, jf, k, -1});
        }

        void jump(Label l) {
            code.add(new int[] {JA, 0, 0, 0, l.id()});
        }

        List<Insn> assemble() {
            List<Insn> out = new ArrayList<>(code.size());
            for (int pc = 0; pc < code.size(); pc++) {
                int[] c = code.get(pc);
                int k = c[3];
                if (c[4] >= 0) {
                    int target = positions.get(c[4]);
                    if (target <= pc) {
                        throw new IllegalStateException("seccomp: backward jump at " + pc);
                    }
                    k = target - pc - 1;
                }
                out.add(new Insn(c[0], c[1], c[2], k));
            }
            return out;
        }
    }
}
