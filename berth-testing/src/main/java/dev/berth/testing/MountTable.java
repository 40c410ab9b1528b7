package dev.berth.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The host's mount table (/proc/self/mountinfo) as tests read it, to check that nothing is left
 * mounted and to clean up after a test. Its own parser, independent of the one Berth mounts with.
 */
public final class MountTable {
    private MountTable() {}

    /** Mount points at or below {@code root}. */
    public static List<String> under(Path root) {
        String prefix = root.toAbsolutePath().toString();
        List<String> found = new ArrayList<>();
        for (String line : lines()) {
            String mountPoint = unescape(line.split(" ")[4]);
            if (mountPoint.equals(prefix) || mountPoint.startsWith(prefix + "/")) {
                found.add(mountPoint);
            }
        }
        return found;
    }

    /**
     * Every mount whose line names {@code path} anywhere: as mount point, source or option (an
     * overlay's lowerdir too), so that a layer still used by any mount is seen.
     */
    public static List<String> mentioning(Path path) {
        String p = path.toString();
        return lines().stream().filter(l -> l.contains(p)).toList();
    }

    /** Lazily unmounts everything below {@code root}, deepest first (the code under test should have; this is a safety net). */
    public static void detachAllUnder(Path root) {
        List<String> mounts = new ArrayList<>(under(root));
        mounts.sort(Comparator.comparingInt(String::length).reversed());
        for (String mountPoint : mounts) {
            try {
                new ProcessBuilder("umount", "-l", mountPoint)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start()
                        .waitFor();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static List<String> lines() {
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String unescape(String field) {
        return field.replace("\\040", " ")
                .replace("\\011", "\t")
                .replace("\\012", "\n")
                .replace("\\134", "\\");
    }
}
