package dev.berth.runtime.shim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the berth-shim processes a daemon started, by the plan each one runs: a shim's arguments
 * name its plan and control fifo, below the daemon's run directory of the container. A daemon
 * killed between starting a shim and recording it finds the shim here at its next start, whatever
 * its rows say (process discovery, as containerd's shims are found by their sockets).
 *
 * <p>A shim is known by its executable: it runs from a sealed memfd copy ({@link SealedShim}, or
 * the one it makes itself when started from its file), so {@code /proc/<pid>/exe} names
 * {@code /memfd:berth-shim (deleted)}, and its {@code argv[0]} is whatever path started it.
 */
public final class ShimProcesses {
    private ShimProcesses() {}

    /**
     * The live berth-shim processes with an argument below {@code runRoot}, by the first name
     * below it (a container's ID, for {@code <exec-root>/containers}).
     */
    public static Map<String, List<ProcessHandle>> below(Path runRoot) {
        String prefix = runRoot.toAbsolutePath().normalize() + "/";
        Map<String, List<ProcessHandle>> found = new HashMap<>();
        ProcessHandle.allProcesses().forEach(p -> {
            List<String> argv = argv(p.pid());
            if (argv.isEmpty() || !isShim(p.pid())) {
                return;
            }
            for (String arg : argv.subList(1, argv.size())) {
                int slash = arg.indexOf('/', prefix.length());
                if (arg.startsWith(prefix) && slash > prefix.length()) {
                    found.computeIfAbsent(arg.substring(prefix.length(), slash), k -> new ArrayList<>())
                            .add(p);
                    return;
                }
            }
        });
        return found;
    }

    /** Whether the process runs berth-shim: from its memfd copy, or (before the copy) from its file. */
    private static boolean isShim(long pid) {
        try {
            String exe = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe"))
                    .toString();
            return exe.startsWith("/memfd:berth-shim") || exe.endsWith("/berth-shim");
        } catch (IOException e) {
            return false; // ended meanwhile
        }
    }

    /** A process's arguments as it was started; none when it has ended or cannot be read. */
    private static List<String> argv(long pid) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
        } catch (IOException e) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                out.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return out;
    }
}
