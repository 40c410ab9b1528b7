package dev.berth.build.builder;

import dev.berth.build.cache.StepKey;
import dev.berth.build.context.IgnorePatterns;
import dev.berth.build.context.Sources;
import dev.berth.build.dockerfile.Chmod;
import dev.berth.build.dockerfile.Heredoc;
import dev.berth.build.dockerfile.Instruction;
import dev.berth.build.dockerfile.ShellLex;
import dev.berth.build.dockerfile.Stage;
import dev.berth.core.content.BlobInfo;
import dev.berth.core.content.BlobWriter;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.io.Compression;
import dev.berth.core.layer.LayerDiffer;
import dev.berth.core.layer.LayerDigest;
import dev.berth.core.layer.LayerUnpacker;
import dev.berth.core.layer.WhiteoutMode;
import dev.berth.core.sys.Libc;
import dev.berth.engine.container.LayeredFiles;
import dev.berth.engine.image.LayerBlob;
import dev.berth.engine.image.LayerStore;
import dev.berth.engine.image.ProgressListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * COPY and ADD. The sources are chosen under their root (the context, or another stage's or an
 * image's files, mounted read-only), written as one tar with the step's owner, mode and excludes
 * applied, and unpacked at the destination through the stage's mounted writable snapshot — the
 * way Docker's classic builder copies (a tar, then an untar), here streamed, with the unpacker's
 * rules for staying inside the root. The step's cache key takes the same tar written without
 * times: contents and metadata count, mtimes never do. {@code --link} writes into an empty
 * directory instead, whose layer is then stacked on the image (and is found again by a key that
 * does not depend on the image below it).
 */
final class CopyStep {
    private final BuildSession session;
    private final StageBuild stage;
    private final FileSteps files;

    CopyStep(BuildSession session, StageBuild stage) {
        this.session = session;
        this.stage = stage;
        this.files = new FileSteps(session, stage);
    }

    /** One thing to write: a file or tree under the destination directory, or an archive ADD unpacks there. */
    private record Item(Path path, String name, boolean archive) {}

    void copy(Instruction.Copy c) {
        Map<String, String> env = stage.env();
        ShellLex lex = session.lex;
        String dest = lex.word(c.dest(), env);
        String chown = c.chown() == null ? null : lex.word(c.chown(), env);
        Chmod chmod = c.chmod() == null ? null : Chmod.parse(lex.word(c.chmod(), env));
        List<String> excludes = c.excludes().stream().map(e -> lex.word(e, env)).toList();
        String from = c.from() == null ? null : lex.word(c.from(), env);
        List<String> sources = new ArrayList<>();
        for (String s : c.sources()) {
            sources.add(lex.withRawEscapes().word(s, env));
        }
        try (SourceRoot root = sourceRoot(from, c)) {
            String workdir = stage.image().runConfig().workingDir();
            String destPath = absolute(dest, workdir);
            LayeredFiles image = session.imageFiles(stage.image().chain());
            boolean destIsDir =
                    dest.endsWith("/") || dest.equals(".") || dest.endsWith("/.") || image.isDirectory(destPath);
            IgnorePatterns excluded = IgnorePatterns.of(excludes);
            MessageDigest extra = Digest.newHasher("sha256");
            List<Sources.Match> matches = new ArrayList<>();
            List<String> urls = new ArrayList<>();
            List<String> matchedBy = new ArrayList<>();
            for (String source : sources) {
                if (c.add() && Downloads.isUrl(source)) {
                    urls.add(source);
                    continue;
                }
                for (Sources.Match m : select(c, root.path(), source)) {
                    String base = m.path().getFileName() == null
                            ? ""
                            : m.path().getFileName().toString();
                    if (excludes.isEmpty() || !(excluded.excludes(m.relative()) || excluded.excludes(base))) {
                        matches.add(m);
                        matchedBy.add(source);
                    }
                }
            }
            boolean several = matches.size() + urls.size() + c.heredocs().size() > 1;
            if (several && !destIsDir) {
                throw BerthException.invalid(
                        "When using %s with more than one source file, the destination must be a directory and end with a /",
                        c.name());
            }
            boolean intoDir = destIsDir || several;
            List<Item> items = new ArrayList<>();
            for (int i = 0; i < matches.size(); i++) {
                items.add(item(c, matchedBy.get(i), matches.get(i), intoDir, destPath));
            }
            for (String url : urls) {
                items.add(download(c, url, dest, intoDir, extra));
            }
            for (Heredoc doc : c.heredocs()) {
                items.add(heredoc(doc, env, intoDir, destPath));
            }
            if (items.isEmpty()) {
                throw BerthException.invalid("%s failed: no source files were specified", c.name());
            }
            String unpackRoot = intoDir ? destPath : parentOf(destPath);
            Owners.Owner owner = chown == null ? null : Owners.chown(image, chown);
            LayerDiffer.CopyRewrite rewrite = rewrite(from == null, owner, chmod, excluded, excludes.isEmpty());
            String checksum = checksum(items, rewrite, extra);
            String createdBy = createdBy(
                    c, from, chown, c.chmod() == null ? null : lex.word(c.chmod(), env), excludes, sources, dest);
            StepKey key = stage.key(createdBy).part("files", checksum).part("into", unpackRoot);
            Owners.Owner dirOwner = owner == null ? Owners.Owner.ROOT : owner;
            if (c.link()) {
                linked(createdBy, key.done(), checksum, unpackRoot, items, rewrite, dirOwner);
            } else {
                stage.cached(
                        key.done(),
                        createdBy,
                        stage.image().runConfig(),
                        stage.author(),
                        () -> files.write(
                                        stage.image().topChain(),
                                        r -> writeInto(r, unpackRoot, items, rewrite, dirOwner))
                                .orElse(null));
            }
        }
    }

    /** The matches of one source; a path that is not there fails the step as dockerd words it. */
    private static List<Sources.Match> select(Instruction.Copy c, Path root, String source) {
        try {
            return Sources.select(root, source);
        } catch (BerthException e) {
            if (e.kind() == dev.berth.core.error.ErrorKind.NOT_FOUND) {
                throw BerthException.notFound("%s failed: %s", c.name(), e.getMessage());
            }
            throw e;
        }
    }

    // ---- sources ----------------------------------------------------------------------------

    /** Where the sources are read from, mounted for the step when it is not the context. */
    private record SourceRoot(Path path, SnapshotMount mount) implements AutoCloseable {
        @Override
        public void close() {
            if (mount != null) {
                mount.close();
            }
        }
    }

    private SourceRoot sourceRoot(String from, Instruction.Copy c) {
        if (from == null) {
            if (session.contextRoot == null) {
                throw BerthException.invalid("%s failed: no build context", c.name());
            }
            return new SourceRoot(session.contextRoot, null);
        }
        Optional<Stage> named = session.dockerfile.stage(from, true);
        StageImage source;
        if (named.isPresent()) {
            source = session.awaitStage(named.get().index()).image();
        } else {
            source = session.tools
                    .baseImages()
                    .resolve(from, session.request.platform(), false, session.request.registryAuth(), stage.out());
        }
        SnapshotMount m =
                SnapshotMount.readOnly(session.tools.snapshots(), source.topChain(), session.workspace.name("from"));
        return new SourceRoot(m.root(), m);
    }

    private Item item(Instruction.Copy c, String source, Sources.Match m, boolean intoDir, String destPath) {
        boolean directory = Files.isDirectory(m.path(), LinkOption.NOFOLLOW_LINKS);
        boolean archive = c.add() && !directory && !Boolean.FALSE.equals(c.unpack()) && Archives.isTar(m.path());
        String name;
        if (c.parents()) {
            name = preservedPath(source, m.relative());
        } else if (directory || archive) {
            name = "";
        } else {
            name = intoDir ? m.path().getFileName().toString() : baseOf(destPath);
        }
        return new Item(m.path(), name, archive);
    }

    /** {@code --parents}: the source's path kept below the destination, from after a {@code /./} when there is one. */
    private static String preservedPath(String source, String relative) {
        String s = source.startsWith("./") ? source.substring(2) : source;
        int pivot = s.lastIndexOf("/./");
        if (pivot < 0) {
            return relative;
        }
        String dropped = Sources.clean(s.substring(0, pivot));
        return dropped.isEmpty() || !relative.startsWith(dropped + "/")
                ? relative
                : relative.substring(dropped.length() + 1);
    }

    private Item download(Instruction.Copy c, String url, String dest, boolean destIsDir, MessageDigest extra) {
        String name = baseOf(java.net.URI.create(url).getPath());
        if (destIsDir && name.isEmpty()) {
            throw BerthException.invalid("cannot determine filename from url: %s", url);
        }
        Path dir = session.workspace.directory("url");
        Downloads.Fetched fetched =
                session.tools.downloads().fetch(url, dir.resolve(name.isEmpty() ? "download" : name));
        if (c.checksum() != null) {
            Digest expected = Digest.parse(c.checksum());
            if (!expected.equals(fetched.digest())) {
                throw BerthException.invalid("digest mismatch %s: %s", expected, fetched.digest());
            }
        }
        Libc.chmod(fetched.file(), 0600);
        fetched.lastModified().ifPresent(t -> setMtime(fetched.file(), t));
        extra.update(url.getBytes(StandardCharsets.UTF_8));
        extra.update(fetched.digest().toString().getBytes(StandardCharsets.UTF_8));
        boolean archive = Boolean.TRUE.equals(c.unpack()) && Archives.isTar(fetched.file());
        String finalName = archive ? "" : destIsDir ? name : baseOf(dest);
        return new Item(fetched.file(), finalName, archive);
    }

    private Item heredoc(Heredoc doc, Map<String, String> env, boolean intoDir, String destPath) {
        String content = doc.body();
        if (doc.expand()) {
            content = session.lex.withoutQuoteProcessing().word(content, env);
        }
        try {
            Path dir = session.workspace.directory("heredoc");
            Path file = Files.writeString(dir.resolve(baseOf(doc.name())), content);
            Libc.chmod(file, 0644);
            return new Item(file, intoDir ? file.getFileName().toString() : baseOf(destPath), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the tar ----------------------------------------------------------------------------

    /** Context files are owned by root unless --chown says otherwise; files from a stage keep their owners. */
    private static LayerDiffer.CopyRewrite rewrite(
            boolean fromContext, Owners.Owner owner, Chmod chmod, IgnorePatterns excluded, boolean noExcludes) {
        int uid = owner != null ? owner.uid() : fromContext ? 0 : -1;
        int gid = owner != null ? owner.gid() : fromContext ? 0 : -1;
        return new LayerDiffer.CopyRewrite() {
            @Override
            public boolean excluded(String relative) {
                return !noExcludes && excluded.excludes(relative);
            }

            @Override
            public int uid() {
                return uid;
            }

            @Override
            public int gid() {
                return gid;
            }

            @Override
            public int mode(int mode, boolean directory) {
                return chmod == null ? mode & 07777 : chmod.apply(mode & 07777, directory);
            }
        };
    }

    /** The key's view of the files: the tar of them with every time set to the epoch, and archive contents. */
    private static String checksum(List<Item> items, LayerDiffer.CopyRewrite rewrite, MessageDigest extra) {
        LayerDigest files =
                LayerDiffer.writeCopy(copies(items), rewrite, OutputStream.nullOutputStream(), Instant.EPOCH);
        for (Item item : items) {
            if (item.archive()) {
                try (InputStream in = Files.newInputStream(item.path(), LinkOption.NOFOLLOW_LINKS)) {
                    extra.update(("archive " + item.name()).getBytes(StandardCharsets.UTF_8));
                    byte[] buf = new byte[64 * 1024];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        extra.update(buf, 0, n);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return files.diffId().hex() + HexFormat.of().formatHex(extra.digest());
    }

    private static List<LayerDiffer.CopySource> copies(List<Item> items) {
        return items.stream()
                .filter(i -> !i.archive())
                .map(i -> new LayerDiffer.CopySource(i.path(), i.name()))
                .toList();
    }

    /** Makes the destination directory under {@code root} and unpacks the items there. */
    private void writeInto(
            Path root, String unpackRoot, List<Item> items, LayerDiffer.CopyRewrite rewrite, Owners.Owner dirOwner) {
        Path target = FileSteps.makeDirectories(root, unpackRoot, dirOwner);
        List<LayerDiffer.CopySource> copies = copies(items);
        if (!copies.isEmpty()) {
            TarPipe.run(
                    out -> LayerDiffer.writeCopy(copies, rewrite, out, null),
                    in -> new LayerUnpacker(WhiteoutMode.PLAIN).unpack(in, target));
        }
        for (Item item : items) {
            if (item.archive()) {
                session.cancellation.check();
                try (InputStream raw = Files.newInputStream(item.path(), LinkOption.NOFOLLOW_LINKS);
                        InputStream plain = Compression.decompress(raw)) {
                    new LayerUnpacker(WhiteoutMode.PLAIN).unpack(plain, target);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /**
     * {@code --link}: the files are written into an empty directory and become a layer of their
     * own, whose blob is then stacked on the image. A second key without the image below finds
     * that layer again when only earlier steps changed.
     */
    private void linked(
            String createdBy,
            String key,
            String checksum,
            String unpackRoot,
            List<Item> items,
            LayerDiffer.CopyRewrite rewrite,
            Owners.Owner dirOwner) {
        String linkKey = StepKey.after("link")
                .part("step", createdBy)
                .part("files", checksum)
                .part("into", unpackRoot)
                .done();
        boolean[] made = {false};
        stage.cached(key, createdBy, stage.image().runConfig(), stage.author(), () -> {
            Optional<LayerBlob> layer = session.request.noCache() ? Optional.empty() : linkedLayer(linkKey);
            if (layer.isEmpty()) {
                made[0] = true;
                Path dir = session.workspace.directory("link");
                writeInto(dir, unpackRoot, items, rewrite, dirOwner);
                layer = Optional.of(blobOf(dir));
            }
            LayerStore.Unpacked unpacked = session.tools
                    .images()
                    .layers()
                    .unpack(stage.image().topChain(), layer.get().digest(), layer.get(), ProgressListener.NONE);
            session.lease.add(unpacked.chainId());
            return new LayerStore.Committed(unpacked, layer.get());
        });
        if (made[0]) {
            session.tools.cache().record(linkKey, stage.image().id(), createdBy, 0);
        }
    }

    /** The layer a --link step with this key made before: the top layer of the image it is recorded with. */
    private Optional<LayerBlob> linkedLayer(String linkKey) {
        return session.tools.cache().lookup(linkKey).map(id -> {
            List<LayerBlob> blobs = session.tools.images().store().layerBlobs(id);
            return blobs.getLast();
        });
    }

    /** The directory's files as an uncompressed layer blob (leased). */
    private LayerBlob blobOf(Path dir) {
        try (BlobWriter writer =
                session.tools.blobs().writer("link-" + dir.getFileName() + "-" + java.util.UUID.randomUUID())) {
            try {
                OutputStream out = writer.output();
                LayerDigest written = LayerDiffer.writeComparison(null, dir, out, session.sourceDateEpoch);
                out.flush();
                session.lease.add(written.diffId());
                BlobInfo info = writer.commit(written.diffId(), written.uncompressedSize());
                return new LayerBlob(info.digest(), info.size(), dev.berth.core.image.MediaTypes.OCI_LAYER);
            } catch (IOException | RuntimeException e) {
                writer.abort();
                throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
            }
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static String createdBy(
            Instruction.Copy c,
            String from,
            String chown,
            String chmod,
            List<String> excludes,
            List<String> sources,
            String dest) {
        StringBuilder s = new StringBuilder(c.name());
        if (from != null) {
            s.append(" --from=").append(from);
        }
        if (chown != null) {
            s.append(" --chown=").append(chown);
        }
        if (chmod != null) {
            s.append(" --chmod=").append(chmod);
        }
        if (c.link()) {
            s.append(" --link");
        }
        if (c.parents()) {
            s.append(" --parents");
        }
        for (String e : excludes) {
            s.append(" --exclude=").append(e);
        }
        if (c.checksum() != null) {
            s.append(" --checksum=").append(c.checksum());
        }
        if (c.unpack() != null) {
            s.append(" --unpack=").append(c.unpack());
        }
        for (String source : sources) {
            s.append(' ').append(source);
        }
        for (Heredoc doc : c.heredocs()) {
            s.append(" <<").append(doc.name());
        }
        return s.append(' ').append(dest).toString();
    }

    private static String absolute(String dest, String workdir) {
        String base = workdir == null || workdir.isEmpty() ? "/" : workdir;
        String joined = dest.startsWith("/") ? dest : base + "/" + dest;
        return Path.of(joined).normalize().toString();
    }

    private static String parentOf(String path) {
        Path parent = Path.of(path).getParent();
        return parent == null ? "/" : parent.toString();
    }

    private static String baseOf(String path) {
        Path name = Path.of(path.isEmpty() ? "/" : path).getFileName();
        return name == null ? "" : name.toString();
    }

    private static void setMtime(Path file, Instant t) {
        try {
            Files.setLastModifiedTime(file, FileTime.from(t));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
