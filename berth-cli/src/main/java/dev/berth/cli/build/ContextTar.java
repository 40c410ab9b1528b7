package dev.berth.cli.build;

import dev.berth.build.context.IgnorePatterns;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * A build context as the docker CLI sends it: the directory's files as a tar, without what its
 * {@code .dockerignore} leaves out (the Dockerfile and the ignore file are always sent), every
 * entry owned by root, symlinks sent as links (never followed), and a Dockerfile that lives
 * elsewhere (or came on stdin) added under a name of its own.
 */
public final class ContextTar {
    private final Path dir;
    private final IgnorePatterns ignore;
    private final List<String> keep;
    private final String extraName;
    private final byte[] extraDockerfile;

    /**
     * @param dir             the context directory, or null for a context of the Dockerfile alone
     * @param dockerfile      the Dockerfile's path relative to the context, kept whatever the ignore file says
     * @param extraName       a name for a Dockerfile from outside the context, or null
     * @param extraDockerfile its text
     */
    public ContextTar(Path dir, String dockerfile, String extraName, byte[] extraDockerfile) {
        this.dir = dir;
        this.extraName = extraName;
        this.extraDockerfile = extraDockerfile;
        this.keep = List.of(dockerfile, ".dockerignore");
        Path ignoreFile = dir == null ? null : dir.resolve(".dockerignore");
        try {
            this.ignore = ignoreFile != null && Files.isRegularFile(ignoreFile)
                    ? IgnorePatterns.parse(Files.readString(ignoreFile))
                    : IgnorePatterns.NONE;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void writeTo(OutputStream out) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, "UTF-8");
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        if (dir != null) {
            walk(tar, dir, "");
        }
        if (extraName != null) {
            TarArchiveEntry e = new TarArchiveEntry(extraName);
            e.setSize(extraDockerfile.length);
            e.setMode(0600);
            tar.putArchiveEntry(e);
            tar.write(extraDockerfile);
            tar.closeArchiveEntry();
        }
        tar.finish();
        tar.flush();
    }

    private void walk(TarArchiveOutputStream tar, Path current, String prefix) throws IOException {
        List<Path> children;
        try (Stream<Path> list = Files.list(current)) {
            children = list.sorted((a, b) -> Arrays.compare(
                            a.getFileName().toString().getBytes(StandardCharsets.UTF_8),
                            b.getFileName().toString().getBytes(StandardCharsets.UTF_8)))
                    .toList();
        }
        for (Path child : children) {
            String name = prefix + child.getFileName();
            boolean directory = Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS);
            if (ignore.excludes(name) && !keep.contains(name)) {
                if (directory && ignore.mayIncludeBelow(name)) {
                    walk(tar, child, name + "/");
                }
                continue;
            }
            entry(tar, child, name, directory);
            if (directory) {
                walk(tar, child, name + "/");
            }
        }
    }

    private static void entry(TarArchiveOutputStream tar, Path path, String name, boolean directory)
            throws IOException {
        PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        TarArchiveEntry e;
        if (directory) {
            e = new TarArchiveEntry(name + "/", TarConstants.LF_DIR);
        } else if (a.isSymbolicLink()) {
            e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
            e.setLinkName(Files.readSymbolicLink(path).toString());
        } else if (a.isRegularFile()) {
            e = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
            e.setSize(a.size());
        } else {
            return; // sockets, fifos and devices are not sent, as the docker CLI skips them
        }
        int mode = (int) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        e.setMode(mode & 07777);
        e.setModTime(a.lastModifiedTime());
        e.setIds(0, 0);
        tar.putArchiveEntry(e);
        if (a.isRegularFile()) {
            try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
                in.transferTo(tar);
            }
        }
        tar.closeArchiveEntry();
    }
}
