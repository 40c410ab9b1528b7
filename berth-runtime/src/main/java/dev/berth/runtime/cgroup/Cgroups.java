package dev.berth.runtime.cgroup;

import dev.berth.core.error.BerthException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the cgroup layout of this machine from /proc/self/mountinfo and /proc/cgroups, never
 * assuming one: v1 when the controllers Berth needs are on v1 hierarchies (also "hybrid", where
 * a controller-less cgroup2 sits at /sys/fs/cgroup/unified), v2 when they are on the unified one.
 */
public final class Cgroups {
    private Cgroups() {}

    public static CgroupDriver detect() {
        try {
            return detect(
                    Files.readAllLines(Path.of("/proc/self/mountinfo")), Files.readAllLines(Path.of("/proc/cgroups")));
        } catch (IOException e) {
            throw BerthException.unavailable("cannot read the cgroup layout: %s", e.getMessage());
        }
    }

    static CgroupDriver detect(List<String> mountinfo, List<String> procCgroups) {
        Set<String> enabledV1 = new java.util.HashSet<>();
        for (String line : procCgroups) {
            if (line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            // hierarchy 0 = not bound to a v1 hierarchy (so on v2, if anywhere)
            if (f.length >= 4 && f[3].equals("1") && !f[1].equals("0")) {
                enabledV1.add(f[0]);
            }
        }
        Map<String, Path> v1 = new LinkedHashMap<>();
        List<Hierarchy> hierarchies = new ArrayList<>();
        Path unified = null;
        for (String line : mountinfo) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] pre = line.substring(0, dash).split(" ");
            String[] post = line.substring(dash + 3).split(" ");
            if (pre.length < 5 || post.length < 3) {
                continue;
            }
            Path mountPoint = Path.of(unescape(pre[4]));
            if (post[0].equals("cgroup2")) {
                unified = unified == null ? mountPoint : unified;
            } else if (post[0].equals("cgroup")) {
                List<String> options = new ArrayList<>();
                for (String opt : post[2].split(",")) {
                    if (!opt.equals("rw") && !opt.equals("ro")) {
                        options.add(opt);
                    }
                }
                String root = pre[3];
                hierarchies.add(new Hierarchy(mountPoint, root, String.join(",", options)));
                for (String opt : options) {
                    if (enabledV1.contains(opt)) {
                        v1.putIfAbsent(opt, mountPoint);
                    }
                }
            }
        }
        if (v1.containsKey("memory") || v1.containsKey("pids") || v1.containsKey("cpu")) {
            return new CgroupV1(hierarchies, unified);
        }
        if (unified != null) {
            return new CgroupV2(unified);
        }
        throw BerthException.unavailable("no cgroup hierarchy found in /proc/self/mountinfo");
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** A v1 hierarchy: where it is mounted, which cgroup its root shows, its controllers ("cpu,cpuacct", "name=systemd"). */
    record Hierarchy(Path mountPoint, String root, String options) {
        Path dir(String cgroupPath) {
            String rel = cgroupPath;
            if (!root.equals("/") && rel.startsWith(root)) {
                rel = rel.substring(root.length());
            }
            return mountPoint.resolve(rel.replaceFirst("^/+", ""));
        }

        boolean has(String controller) {
            return List.of(options.split(",")).contains(controller);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw BerthException.unavailable("cannot read %s: %s", file, e.getMessage());
        }
    }

    /** The pids in a {@code cgroup.procs} file; none when it is missing (the cgroup is gone). */
    static java.util.List<Long> readPids(Path procs) {
        try {
            return Files.readAllLines(procs).stream()
                    .filter(l -> !l.isBlank())
                    .map(l -> Long.parseLong(l.trim()))
                    .toList();
        } catch (java.nio.file.NoSuchFileException e) {
            return java.util.List.of();
        } catch (IOException e) {
            throw BerthException.unavailable("cannot read %s: %s", procs, e.getMessage());
        }
    }

    static long readLong(Path file, long ifMissing) {
        if (!Files.exists(file)) {
            return ifMissing;
        }
        String v = read(file);
        return v.equals("max") ? -1 : Long.parseLong(v);
    }

    static void write(Path file, String value) {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            throw BerthException.invalid("cannot write %s to %s: %s", value, file, e.getMessage());
        }
    }

    /** "key value" lines (memory.stat, cpu.stat, memory.events, memory.oom_control). */
    static Map<String, Long> readKeyed(Path file) {
        Map<String, Long> map = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return map;
        }
        for (String line : read(file).split("\n")) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2) {
                try {
                    map.put(kv[0], Long.parseLong(kv[1]));
                } catch (NumberFormatException ignored) {
                    // a non-numeric entry is not a statistic
                }
            }
        }
        return map;
    }

    /** rmdir, retrying while the kernel still counts exiting tasks (EBUSY), for up to about two seconds. */
    static void removeDir(Path dir) {
        for (int attempt = 0; ; attempt++) {
            try {
                Files.deleteIfExists(dir);
                return;
            } catch (IOException e) {
                if (attempt >= 400) {
                    throw BerthException.unavailable("cannot remove cgroup %s: %s", dir, e.getMessage());
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw BerthException.unavailable("interrupted removing cgroup %s", dir);
                }
            }
        }
    }
}
