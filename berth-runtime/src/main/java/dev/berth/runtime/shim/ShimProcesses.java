package dev.berth.runtime.shim;

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
            ProcessHandle.Info info = p.info();
            boolean shim = info.command().map(c -> c.endsWith("/berth-shim")).orElse(false);
            if (!shim) {
                return;
            }
            for (String arg : info.arguments().orElse(new String[0])) {
                if (arg.startsWith(prefix) && arg.indexOf('/', prefix.length()) > prefix.length()) {
                    String id = arg.substring(prefix.length(), arg.indexOf('/', prefix.length()));
                    found.computeIfAbsent(id, k -> new ArrayList<>()).add(p);
                    return;
                }
            }
        });
        return found;
    }
}
