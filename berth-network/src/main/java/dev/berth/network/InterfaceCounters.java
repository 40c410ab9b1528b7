package dev.berth.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One interface's traffic counters, as Docker's stats "networks" show them. */
public record InterfaceCounters(
        long rxBytes,
        long rxPackets,
        long rxErrors,
        long rxDropped,
        long txBytes,
        long txPackets,
        long txErrors,
        long txDropped) {

    /**
     * The counters of every interface but lo in the network namespace of process {@code pid}, from
     * /proc/PID/net/dev (which shows the process's own namespace); empty when it is gone.
     */
    public static Map<String, InterfaceCounters> of(long pid) {
        try {
            return parse(Files.readAllLines(Path.of("/proc/" + pid + "/net/dev")));
        } catch (IOException e) {
            return Map.of();
        }
    }

    static Map<String, InterfaceCounters> parse(List<String> lines) {
        Map<String, InterfaceCounters> out = new LinkedHashMap<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0 || line.contains("|")) {
                continue; // the two header lines
            }
            String name = line.substring(0, colon).trim();
            String[] f = line.substring(colon + 1).trim().split("\\s+");
            if (name.equals("lo") || f.length < 16) {
                continue;
            }
            out.put(
                    name,
                    new InterfaceCounters(
                            Long.parseLong(f[0]),
                            Long.parseLong(f[1]),
                            Long.parseLong(f[2]),
                            Long.parseLong(f[3]),
                            Long.parseLong(f[8]),
                            Long.parseLong(f[9]),
                            Long.parseLong(f[10]),
                            Long.parseLong(f[11])));
        }
        return out;
    }
}
