package dev.berth.runtime.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Spec mount options split into mount(2) flags and the filesystem's data string. */
public record MountFlags(long flags, long propagation, String data, boolean bind, boolean recursive) {
    public static final long MS_RDONLY = 1;
    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;
    public static final long MS_NOEXEC = 8;
    public static final long MS_SYNCHRONOUS = 16;
    public static final long MS_REMOUNT = 32;
    public static final long MS_MANDLOCK = 64;
    public static final long MS_DIRSYNC = 128;
    public static final long MS_NOATIME = 1024;
    public static final long MS_NODIRATIME = 2048;
    public static final long MS_BIND = 4096;
    public static final long MS_REC = 16384;
    public static final long MS_UNBINDABLE = 1L << 17;
    public static final long MS_PRIVATE = 1L << 18;
    public static final long MS_SLAVE = 1L << 19;
    public static final long MS_SHARED = 1L << 20;
    public static final long MS_RELATIME = 1L << 21;
    public static final long MS_STRICTATIME = 1L << 24;

    private record Flag(boolean clear, long bits) {}

    private static final Map<String, Flag> FLAGS = Map.ofEntries(
            Map.entry("ro", new Flag(false, MS_RDONLY)),
            Map.entry("rw", new Flag(true, MS_RDONLY)),
            Map.entry("nosuid", new Flag(false, MS_NOSUID)),
            Map.entry("suid", new Flag(true, MS_NOSUID)),
            Map.entry("nodev", new Flag(false, MS_NODEV)),
            Map.entry("dev", new Flag(true, MS_NODEV)),
            Map.entry("noexec", new Flag(false, MS_NOEXEC)),
            Map.entry("exec", new Flag(true, MS_NOEXEC)),
            Map.entry("sync", new Flag(false, MS_SYNCHRONOUS)),
            Map.entry("async", new Flag(true, MS_SYNCHRONOUS)),
            Map.entry("dirsync", new Flag(false, MS_DIRSYNC)),
            Map.entry("mand", new Flag(false, MS_MANDLOCK)),
            Map.entry("nomand", new Flag(true, MS_MANDLOCK)),
            Map.entry("noatime", new Flag(false, MS_NOATIME)),
            Map.entry("atime", new Flag(true, MS_NOATIME)),
            Map.entry("nodiratime", new Flag(false, MS_NODIRATIME)),
            Map.entry("diratime", new Flag(true, MS_NODIRATIME)),
            Map.entry("relatime", new Flag(false, MS_RELATIME)),
            Map.entry("norelatime", new Flag(true, MS_RELATIME)),
            Map.entry("strictatime", new Flag(false, MS_STRICTATIME)),
            Map.entry("nostrictatime", new Flag(true, MS_STRICTATIME)));

    private static final Map<String, Long> PROPAGATION = Map.of(
            "private",
            MS_PRIVATE,
            "rprivate",
            MS_PRIVATE | MS_REC,
            "shared",
            MS_SHARED,
            "rshared",
            MS_SHARED | MS_REC,
            "slave",
            MS_SLAVE,
            "rslave",
            MS_SLAVE | MS_REC,
            "unbindable",
            MS_UNBINDABLE,
            "runbindable",
            MS_UNBINDABLE | MS_REC);

    public static MountFlags parse(List<String> options) {
        long flags = 0;
        long propagation = 0;
        boolean bind = false;
        boolean recursive = false;
        List<String> data = new ArrayList<>();
        for (String option : options) {
            Flag f = FLAGS.get(option);
            if (f != null) {
                flags = f.clear() ? flags & ~f.bits() : flags | f.bits();
            } else if (PROPAGATION.containsKey(option)) {
                propagation = PROPAGATION.get(option);
            } else if (option.equals("bind")) {
                bind = true;
            } else if (option.equals("rbind")) {
                bind = true;
                recursive = true;
            } else {
                data.add(option);
            }
        }
        return new MountFlags(flags, propagation, String.join(",", data), bind, recursive);
    }
}
