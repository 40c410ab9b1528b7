package dev.berth.core.snapshot;

import dev.berth.core.error.BerthException;
import dev.berth.core.sys.Libc;
import dev.berth.core.sys.Mounts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One mount to perform, as {@code mount(2)} takes it: type, source, options (flags such as
 * {@code ro}/{@code rbind}, the rest joined by commas as data).
 *
 * <p>{@code workingDir}, when not null, is the directory the relative paths in the options are
 * relative to: overlay's mount data is limited to one page, so a long lowerdir chain is given as
 * short relative names ({@code l/ABC…}) and must be mounted with that directory as the working
 * directory, as Docker's overlay2 driver does. {@link #mountAt} does this on a thread with its
 * own working directory (unshare(CLONE_FS)), so the JVM's stays untouched.
 */
public record MountSpec(String type, String source, List<String> options, Path workingDir) {
    public MountSpec {
        options = List.copyOf(options);
    }

    public MountSpec(String type, String source, List<String> options) {
        this(type, source, options, null);
    }

    /** Whether this is a bind mount ({@code bind} or {@code rbind} among the options). */
    public boolean isBind() {
        return options.contains("bind") || options.contains("rbind");
    }

    public boolean readOnly() {
        return options.contains("ro");
    }

    /** The options that are not mount flags, comma-joined: the data argument of mount(2). */
    public String data() {
        List<String> data = new ArrayList<>();
        for (String o : options) {
            if (flag(o) == 0 && !o.equals("rw")) {
                data.add(o);
            }
        }
        return String.join(",", data);
    }

    /** The mount(2) flags the options name (without MS_RDONLY for binds: that takes a remount). */
    public long flags() {
        long flags = 0;
        for (String o : options) {
            flags |= flag(o);
        }
        return flags;
    }

    /** Mounts this at {@code target} (the caller unmounts, e.g. with {@link Mounts#unmountDetach}). */
    public void mountAt(Path target) {
        if (isBind()) {
            Mounts.bind(Path.of(source), target, readOnly());
            return;
        }
        String data = data();
        if (workingDir == null) {
            Mounts.mount(source, target, type, flags(), data.isEmpty() ? null : data);
            return;
        }
        Path absoluteTarget = target.toAbsolutePath();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread mounter = Thread.ofPlatform().name("berth-mount").unstarted(() -> {
            try {
                Libc.unshare(Libc.CLONE_FS);
                Libc.chdir(workingDir);
                Mounts.mount(source, absoluteTarget, type, flags(), data);
            } catch (RuntimeException e) {
                failure.set(e);
            }
        });
        mounter.start();
        try {
            mounter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BerthException.unavailable("interrupted while mounting %s", target);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    private static long flag(String option) {
        return switch (option) {
            case "ro" -> Mounts.MS_RDONLY;
            case "bind" -> Mounts.MS_BIND;
            case "rbind" -> Mounts.MS_BIND | Mounts.MS_REC;
            case "nosuid" -> Mounts.MS_NOSUID;
            case "nodev" -> Mounts.MS_NODEV;
            case "noexec" -> Mounts.MS_NOEXEC;
            default -> 0;
        };
    }
}
