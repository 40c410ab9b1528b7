package dev.berth.engine.system;

import dev.berth.core.image.Platforms;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What {@code /info} and {@code /version} say about the host, read from /proc and /etc/os-release. */
public record HostFacts(
        String hostname, String kernelVersion, String operatingSystem, String osVersion, int ncpu, long memTotal) {

    public static HostFacts read() {
        String os = "Linux";
        String osVersion = "";
        for (String line : lines(Path.of("/etc/os-release"))) {
            if (line.startsWith("PRETTY_NAME=")) {
                os = unquote(line.substring("PRETTY_NAME=".length()));
            } else if (line.startsWith("VERSION_ID=")) {
                osVersion = unquote(line.substring("VERSION_ID=".length()));
            }
        }
        long mem = 0;
        for (String line : lines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                String[] parts = line.split("\\s+");
                mem = Long.parseLong(parts[1]) * 1024;
            }
        }
        return new HostFacts(
                first(Path.of("/proc/sys/kernel/hostname"), "localhost"),
                first(Path.of("/proc/sys/kernel/osrelease"), System.getProperty("os.version")),
                os,
                osVersion,
                Runtime.getRuntime().availableProcessors(),
                mem);
    }

    /** Go's GOARCH name, as {@code /version} reports it. */
    public static String goArch() {
        return Platforms.hostArchitecture();
    }

    /** {@code uname -m}, as {@code /info} reports it. */
    public static String machine() {
        return switch (goArch()) {
            case "amd64" -> "x86_64";
            case "arm64" -> "aarch64";
            case String other -> other;
        };
    }

    /** The daemon's open file descriptors ({@code /info} NFd), now. */
    public static int openFiles() {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String first(Path p, String fallback) {
        List<String> l = lines(p);
        return l.isEmpty() ? fallback : l.getFirst().strip();
    }
}
