package dev.berth.core.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kernel releases ("6.1.0-18-amd64") compared by their leading numbers, as moby's kernel.CompareKernelVersion. */
public final class KernelVersion {
    private KernelVersion() {}

    /** This machine's release, from /proc/sys/kernel/osrelease. */
    public static String running() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        } catch (IOException e) {
            return "0";
        }
    }

    /** Whether this machine's kernel is {@code release} or newer. */
    public static boolean atLeast(String release) {
        return compare(running(), release) >= 0;
    }

    /** Negative, zero or positive as {@code a} is older than, the same as or newer than {@code b}. */
    public static int compare(String a, String b) {
        int[] x = numbers(a);
        int[] y = numbers(b);
        for (int i = 0; i < 3; i++) {
            if (x[i] != y[i]) {
                return Integer.compare(x[i], y[i]);
            }
        }
        return 0;
    }

    private static final Pattern LEADING = Pattern.compile("^(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?");

    /** Major, minor and patch of "6.1.0-18-amd64" or "4.8"; missing parts are 0. */
    private static int[] numbers(String release) {
        int[] n = new int[3];
        Matcher m = LEADING.matcher(release);
        if (m.find()) {
            for (int i = 0; i < 3; i++) {
                n[i] = m.group(i + 1) == null ? 0 : (int) Math.min(Integer.MAX_VALUE, Long.parseLong(m.group(i + 1)));
            }
        }
        return n;
    }
}
