package dev.berth.build.builder;

import dev.berth.build.dockerfile.MountSpec;
import dev.berth.build.dockerfile.Stage;
import dev.berth.core.error.BerthException;
import dev.berth.core.io.Trees;
import dev.berth.core.layer.ScopedPath;
import dev.berth.core.sys.Libc;
import dev.berth.engine.image.ConfigChanges;
import dev.berth.engine.image.ProgressListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a RUN's {@code --mount}s become for its container: host directories and files bound in
 * (the context or another stage's files, a cache, a secret), tmpfs mounts, and secret variables.
 * Everything lives in the build's workspace (caches in their own directory) and is outside the
 * container's writable layer, so none of it reaches the step's layer; closing undoes it.
 */
final class RunMounts implements AutoCloseable {
    final List<String> binds = new ArrayList<>();
    final Map<String, String> tmpfs = new LinkedHashMap<>();
    final Map<String, String> env = new LinkedHashMap<>();
    private final List<AutoCloseable> cleanUps = new ArrayList<>();

    private RunMounts() {}

    static RunMounts prepare(BuildSession session, StageBuild stage, List<MountSpec> specs) {
        RunMounts mounts = new RunMounts();
        try {
            for (MountSpec spec : specs) {
                session.cancellation.check();
                mounts.add(session, stage, spec);
            }
            return mounts;
        } catch (RuntimeException e) {
            mounts.close();
            throw e;
        }
    }

    private void add(BuildSession session, StageBuild stage, MountSpec m) {
        String workdir = stage.image().runConfig().workingDir();
        switch (m.type()) {
            case "bind" -> {
                Path source = source(session, m, required(m));
                Path host = m.readOnly() ? source : copyOf(session, source);
                bind(host, target(m, workdir), m.readOnly());
            }
            case "cache" -> {
                String target = target(m, workdir);
                Path seed = m.from() == null ? null : source(session, m, target);
                CacheMounts.Use use = session.tools
                        .cacheMounts()
                        .acquire(
                                m.id() == null || m.id().isEmpty() ? target : m.id(),
                                m.sharing(),
                                m.mode() == null ? 0755 : m.mode(),
                                m.uid() == null ? 0 : m.uid(),
                                m.gid() == null ? 0 : m.gid(),
                                seed,
                                session.workspace);
                cleanUps.add(use);
                bind(use.dir(), target, m.readOnly());
            }
            case "tmpfs" -> tmpfs.put(target(m, workdir), m.size() > 0 ? "size=" + m.size() : "");
            case "secret" -> secret(session, m, workdir);
            default -> throw BerthException.notImplemented("RUN --mount=type=%s is not supported", m.type());
        }
    }

    private static String required(MountSpec m) {
        if (m.target() == null || m.target().isEmpty()) {
            throw BerthException.invalid("mount target is required: --mount=type=%s", m.type());
        }
        return m.target();
    }

    private static String target(MountSpec m, String workdir) {
        return ConfigChanges.workingDir(workdir, required(m));
    }

    /** A bind's or a cache seed's source: a path inside the context, or inside a stage's or an image's files. */
    private Path source(BuildSession session, MountSpec m, String forErrors) {
        Path root;
        if (m.from() == null) {
            if (session.contextRoot == null) {
                throw BerthException.invalid("no build context to mount at %s", forErrors);
            }
            root = session.contextRoot;
        } else {
            Optional<Stage> named = session.dockerfile.stage(m.from(), true);
            StageImage image = named.isPresent()
                    ? session.awaitStage(named.get().index()).image()
                    : session.tools
                            .baseImages()
                            .resolve(
                                    m.from(),
                                    session.request.platform(),
                                    false,
                                    session.request.registryAuth(),
                                    ProgressListener.NONE);
            SnapshotMount mount =
                    SnapshotMount.readOnly(session.tools.snapshots(), image.topChain(), session.workspace.name("from"));
            cleanUps.add(mount);
            root = mount.root();
        }
        String path = m.source() == null || m.source().isEmpty() ? "/" : m.source();
        return ScopedPath.resolve(root, path)
                .filter(p -> Files.exists(p, LinkOption.NOFOLLOW_LINKS))
                .orElseThrow(() -> BerthException.notFound("mount source %s not found", path));
    }

    /** A writable bind gets a copy: what the step writes there is thrown away with the workspace. */
    private static Path copyOf(BuildSession session, Path source) {
        Path dir = session.workspace.directory("bind");
        Path copy = dir.resolve("data");
        if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectory(copy);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Trees.copy(source, copy);
        } else {
            try {
                Files.copy(source, copy, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return copy;
    }

    /** A secret: a file bound read-only (default {@code /run/secrets/<id>}), a variable, or both. */
    private void secret(BuildSession session, MountSpec m, String workdir) {
        String id = m.secretId();
        byte[] value = session.request.secrets().get(id);
        if (value == null) {
            if (m.required()) {
                throw BerthException.invalid("secret %s: not found", id);
            }
            return;
        }
        if (m.env() != null && !m.env().isEmpty()) {
            env.put(m.env(), new String(value, java.nio.charset.StandardCharsets.UTF_8));
        }
        if (m.env() != null && m.target() == null) {
            return;
        }
        String target = m.target() == null ? "/run/secrets/" + id : ConfigChanges.workingDir(workdir, m.target());
        Path file = session.workspace.directory("secret").resolve("value");
        try {
            Files.write(file, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Libc.chmod(file, m.mode() == null ? 0400 : m.mode());
        Libc.lchown(file, m.uid() == null ? 0 : m.uid(), m.gid() == null ? 0 : m.gid());
        bind(file, target, true);
    }

    private void bind(Path host, String target, boolean readOnly) {
        binds.add(host + ":" + target + (readOnly ? ":ro" : ""));
    }

    @Override
    public void close() {
        for (int i = cleanUps.size() - 1; i >= 0; i--) {
            try {
                cleanUps.get(i).close();
            } catch (Exception e) {
                throw new IllegalStateException("releasing a RUN mount: " + e.getMessage(), e);
            }
        }
        cleanUps.clear();
    }
}
