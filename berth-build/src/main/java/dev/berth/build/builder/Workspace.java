package dev.berth.build.builder;

import dev.berth.core.io.Trees;
import dev.berth.core.sys.Libc;
import dev.berth.core.sys.Mounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The files of builds in progress, under {@code <data-root>/builds/work/<build>}: the unpacked
 * context, mount points of snapshots a step reads or writes, files a step makes (heredocs,
 * downloads, secrets). Private to root like the rest of the data root. Nothing there outlives its
 * build; after a crash, {@link #cleanUp} unmounts and deletes what is left before the daemon
 * checks its snapshots (a mount left on a snapshot would keep it busy).
 */
final class Workspace implements AutoCloseable {
    private final Path dir;
    private final AtomicInteger names = new AtomicInteger();

    private Workspace(Path dir) {
        this.dir = dir;
    }

    static Path workRoot(Path dataRoot) {
        return dataRoot.resolve("builds").resolve("work");
    }

    /** Removes the workspaces of builds a crash interrupted: their mounts first, then their files. */
    static void cleanUp(Path dataRoot) {
        Path work = workRoot(dataRoot);
        if (!Files.exists(work)) {
            return;
        }
        Mounts.unmountAllUnder(work);
        Trees.delete(work);
    }

    static Workspace create(Path dataRoot) {
        try {
            Path root = Files.createDirectories(workRoot(dataRoot));
            Libc.chmod(dataRoot.resolve("builds"), 0700);
            return new Workspace(
                    Files.createDirectory(root.resolve(UUID.randomUUID().toString())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new directory name in the workspace ({@code prefix-N}), not yet created. */
    Path name(String prefix) {
        return dir.resolve(prefix + "-" + names.incrementAndGet());
    }

    /** A new, empty directory in the workspace. */
    Path directory(String prefix) {
        try {
            return Files.createDirectory(name(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unmounts anything a failed step left mounted, then deletes the workspace. */
    @Override
    public void close() {
        Mounts.unmountAllUnder(dir);
        Trees.delete(dir);
    }
}
