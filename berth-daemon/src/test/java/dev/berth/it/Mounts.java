package dev.berth.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Reads the host's mount table, to check that nothing is left mounted and to clean up after tests. */
public final class Mounts {
    private Mounts() {}

    /** Mount points (from /proc/self/mountinfo) at or below {@code root}. */
    public static List<String> under(Path root) {
        String prefix = root.toAbsolutePath().toString();
        List<String> found = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String mountPoint = unescape(line.split(" ")[4]);
                if (mountPoint.equals(prefix) || mountPoint.startsWith(prefix + "/")) {
                    found.add(mountPoint);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return found;
    }

    /** Lazily unmounts everything below {@code root}, deepest first (the daemon should have; this is a test's safety net). */
    public static void detachAllUnder(Path root) {
        List<String> mounts = new ArrayList<>(under(root));
        mounts.sort(Comparator.comparingInt(String::length).reversed());
        for (String mountPoint : mounts) {
            Commands.run(List.of("umount", "-l", mountPoint), java.util.Map.of(), null);
        }
    }

    private static String unescape(String field) {
        return field.replace("\\040", " ")
                .replace("\\011", "\t")
                .replace("\\012", "\n")
                .replace("\\134", "\\");
    }
}
