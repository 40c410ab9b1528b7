package dev.berth.runtime.plan;

import dev.berth.core.error.BerthException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** RLIMIT_* names in resource-number order (asm-generic/resource.h) and this process's hard limits. */
public final class Rlimits {
    public static final List<String> NAMES = List.of(
            "RLIMIT_CPU",
            "RLIMIT_FSIZE",
            "RLIMIT_DATA",
            "RLIMIT_STACK",
            "RLIMIT_CORE",
            "RLIMIT_RSS",
            "RLIMIT_NPROC",
            "RLIMIT_NOFILE",
            "RLIMIT_MEMLOCK",
            "RLIMIT_AS",
            "RLIMIT_LOCKS",
            "RLIMIT_SIGPENDING",
            "RLIMIT_MSGQUEUE",
            "RLIMIT_NICE",
            "RLIMIT_RTPRIO",
            "RLIMIT_RTTIME");

    private Rlimits() {}

    public static int resource(String name) {
        int r = NAMES.indexOf(name);
        if (r < 0) {
            throw BerthException.invalid("unknown rlimit %s", name);
        }
        return r;
    }

    /**
     * The hard limits of this process, indexed by resource; -1 is unlimited. The shim inherits
     * them, and without CAP_SYS_RESOURCE (missing on these machines) nothing may go above them.
     * /proc/self/limits lists the resources in number order.
     */
    public static long[] hardLimits() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/limits"));
            List<Long> hard = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String value = line.length() > 47 ? line.substring(47).trim().split("\\s+")[0] : "unlimited";
                hard.add(value.equals("unlimited") ? -1L : Long.parseLong(value));
            }
            return hard.stream().mapToLong(Long::longValue).toArray();
        } catch (IOException | NumberFormatException e) {
            throw BerthException.internal("reading /proc/self/limits", e);
        }
    }

    /** min over unsigned values, where -1 (all bits) is infinity. */
    static long clamp(long value, long ceiling) {
        return Long.compareUnsigned(value, ceiling) > 0 ? ceiling : value;
    }
}
