package dev.berth.build.builder;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.layer.ScopedPath;
import dev.berth.core.sys.Libc;
import dev.berth.engine.container.LayeredFiles;
import dev.berth.engine.image.LayerStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Steps that write files into a new layer without running anything: a writable snapshot on the
 * stage's image is mounted in the workspace, the daemon writes through it, and the snapshot is
 * committed as the step's layer (no second unpack). A failure or a cancel removes the snapshot.
 */
final class FileSteps {
    private final BuildSession session;
    private final StageBuild stage;

    FileSteps(BuildSession session, StageBuild stage) {
        this.session = session;
        this.stage = stage;
    }

    /** WORKDIR's directory, owned by the stage's USER, unless the image has it already. */
    Optional<LayerStore.Committed> makeDirectory(String dir) {
        LayeredFiles image = session.imageFiles(stage.image().chain());
        if (image.isDirectory(dir)) {
            return Optional.empty();
        }
        Owners.Owner owner = Owners.user(image, stage.image().runConfig().user());
        return write(stage.image().topChain(), root -> makeDirectories(root, dir, owner));
    }

    /**
     * Writes a layer: {@code writer} gets the root of a writable snapshot on top of
     * {@code parentChain} (null: an empty one, for {@code --link}); the snapshot is then committed.
     * Empty when nothing changed.
     */
    Optional<LayerStore.Committed> write(Digest parentChain, Consumer<Path> writer) {
        session.cancellation.check();
        String key = "build-" + UUID.randomUUID();
        SnapshotMount mount =
                SnapshotMount.writable(session.tools.snapshots(), key, parentChain, session.workspace.name("mnt"));
        try {
            writer.accept(mount.root());
            mount.close();
            session.cancellation.check();
            return session.tools
                    .images()
                    .layers()
                    .commitActive(key, parentChain, session.sourceDateEpoch, session.lease);
        } catch (RuntimeException e) {
            mount.discard();
            throw e;
        }
    }

    /**
     * Makes {@code path} and its missing parents under {@code root} (mode 0755, owned by
     * {@code owner}), following the root's own symlinks inside it; returns the directory.
     */
    static Path makeDirectories(Path root, String path, Owners.Owner owner) {
        Path resolved = ScopedPath.resolve(root, path)
                .orElseThrow(() -> BerthException.invalid("cannot resolve %s: too many symlinks", path));
        Path rel = root.relativize(resolved);
        Path dir = root;
        try {
            for (Path part : rel) {
                if (part.toString().isEmpty()) {
                    continue;
                }
                dir = dir.resolve(part);
                if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                    throw BerthException.invalid("mkdir %s: not a directory", path);
                }
                Files.createDirectory(dir);
                Libc.chmod(dir, 0755);
                Libc.lchown(dir, owner.uid(), owner.gid());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}
