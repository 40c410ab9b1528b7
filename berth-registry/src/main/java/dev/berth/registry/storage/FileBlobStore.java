package dev.berth.registry.storage;

import dev.berth.core.content.BlobInfo;
import dev.berth.core.content.BlobStore;
import dev.berth.core.content.BlobWriter;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A content store on plain files: {@code <root>/blobs/<alg>/<hex>} and {@code <root>/ingest/<ref>},
 * committed the containerd way (hash while streaming, check, fsync, rename). The registry uses it
 * until berth-core's LocalBlobStore is on main; it only depends on the {@link BlobStore} role.
 */
public final class FileBlobStore implements BlobStore {
    private static final Pattern REF = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,200}");

    private final Path blobs;
    private final Path ingest;

    public FileBlobStore(Path root) {
        this.blobs = root.resolve("blobs");
        this.ingest = root.resolve("ingest");
        try {
            Files.createDirectories(blobs);
            Files.createDirectories(ingest);
        } catch (IOException e) {
            throw BerthException.internal("cannot create content store at " + root, e);
        }
    }

    private Path blobPath(Digest digest) {
        return blobs.resolve(digest.algorithm()).resolve(digest.hex());
    }

    @Override
    public Optional<Long> size(Digest digest) {
        try {
            return Optional.of(Files.size(blobPath(digest)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw BerthException.internal("cannot stat blob " + digest, e);
        }
    }

    @Override
    public InputStream open(Digest digest) {
        try {
            return Files.newInputStream(blobPath(digest));
        } catch (NoSuchFileException e) {
            throw BerthException.notFound("blob %s not found", digest);
        } catch (IOException e) {
            throw BerthException.internal("cannot open blob " + digest, e);
        }
    }

    @Override
    public Path path(Digest digest) {
        Path p = blobPath(digest);
        if (!Files.exists(p)) {
            throw BerthException.notFound("blob %s not found", digest);
        }
        return p;
    }

    @Override
    public BlobInfo ingest(InputStream in, Digest expected, long expectedSize) {
        try (BlobWriter w = writer("direct-" + UUID.randomUUID())) {
            try {
                in.transferTo(w.output());
                return w.commit(expected, expectedSize);
            } catch (IOException | RuntimeException e) {
                w.abort();
                if (e instanceof RuntimeException re) {
                    throw re;
                }
                throw BerthException.unavailable("blob upload interrupted: %s", e.getMessage());
            }
        }
    }

    @Override
    public BlobWriter writer(String ref) {
        if (!REF.matcher(ref).matches()) {
            throw BerthException.invalid("invalid ingest ref: %s", ref);
        }
        return new FileWriter(ref, ingest.resolve(ref));
    }

    @Override
    public boolean delete(Digest digest) {
        try {
            return Files.deleteIfExists(blobPath(digest));
        } catch (IOException e) {
            throw BerthException.internal("cannot delete blob " + digest, e);
        }
    }

    @Override
    public List<Digest> list() {
        List<Digest> out = new ArrayList<>();
        for (String alg : List.of("sha256", "sha512")) {
            Path dir = blobs.resolve(alg);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    try {
                        out.add(new Digest(alg, p.getFileName().toString()));
                    } catch (BerthException notADigest) {
                        // Temporary files and strays are not blobs.
                    }
                }
            } catch (IOException e) {
                throw BerthException.internal("cannot list " + dir, e);
            }
        }
        Collections.sort(out);
        return out;
    }

    @Override
    public List<String> ingests() {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(ingest)) {
            ds.forEach(p -> out.add(p.getFileName().toString()));
        } catch (IOException e) {
            throw BerthException.internal("cannot list " + ingest, e);
        }
        Collections.sort(out);
        return out;
    }

    /**
     * Appends to {@code ingest/<ref>}. The running sha256 is valid only when this writer saw every
     * byte from offset 0; otherwise (a resume after restart, or a sha512 commit) commit rehashes
     * the file, which is rare and keeps no hash state on disk.
     */
    private final class FileWriter implements BlobWriter {
        private final String ref;
        private final Path file;
        private final FileChannel channel;
        private final MessageDigest sha256;
        private boolean hashValid;
        private long offset;
        private final OutputStream output;

        FileWriter(String ref, Path file) {
            this.ref = ref;
            this.file = file;
            try {
                this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                this.offset = channel.size();
                channel.position(offset);
            } catch (IOException e) {
                throw BerthException.internal("cannot open ingest " + file, e);
            }
            this.sha256 = Digest.newHasher("sha256");
            this.hashValid = offset == 0;
            this.output = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                    while (buf.hasRemaining()) {
                        channel.write(buf);
                    }
                    if (hashValid) {
                        sha256.update(b, off, len);
                    }
                    offset += len;
                }
            };
        }

        @Override
        public String ref() {
            return ref;
        }

        @Override
        public long offset() {
            return offset;
        }

        @Override
        public OutputStream output() {
            return output;
        }

        @Override
        public BlobInfo commit(Digest expected, long expectedSize) {
            try {
                if (expectedSize >= 0 && expectedSize != offset) {
                    throw BerthException.dataLoss("size mismatch for %s: expected %d bytes, got %d",
                            expected == null ? ref : expected, expectedSize, offset);
                }
                String alg = expected == null ? "sha256" : expected.algorithm();
                Digest actual = alg.equals("sha256") && hashValid
                        ? Digest.of("sha256", sha256.digest())
                        : rehash(alg);
                if (expected != null && !expected.equals(actual)) {
                    throw BerthException.dataLoss("digest mismatch: expected %s, got %s", expected, actual);
                }
                channel.force(true);
                channel.close();
                Path target = blobPath(actual);
                Files.createDirectories(target.getParent());
                if (Files.exists(target)) {
                    // Content-addressed: another writer committed the same bytes; keep one copy.
                    Files.deleteIfExists(file);
                } else {
                    AtomicFiles.move(file, target);
                }
                return new BlobInfo(actual, offset);
            } catch (IOException e) {
                abort();
                throw BerthException.internal("cannot commit ingest " + ref + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                abort();
                throw e;
            }
        }

        private Digest rehash(String alg) throws IOException {
            MessageDigest md = Digest.newHasher(alg);
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            long pos = 0;
            while (true) {
                buf.clear();
                int n = channel.read(buf, pos);
                if (n < 0) {
                    break;
                }
                buf.flip();
                md.update(buf);
                pos += n;
            }
            return Digest.of(alg, md.digest());
        }

        @Override
        public void abort() {
            close();
            AtomicFiles.deleteQuietly(file);
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing a file we only appended to; nothing to recover.
            }
        }
    }
}
