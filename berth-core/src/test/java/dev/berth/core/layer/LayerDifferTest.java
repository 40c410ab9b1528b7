package dev.berth.core.layer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.digest.Digest;
import dev.berth.core.io.Trees;
import dev.berth.core.sys.Libc;
import dev.berth.testing.TarBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerDifferTest {
    @TempDir
    Path tmp;

    private Path unpacked(String name, byte[] layer) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve(name));
        new LayerUnpacker(WhiteoutMode.APPLY).unpack(new ByteArrayInputStream(layer), dir);
        return dir;
    }

    private static byte[] baseLayer() {
        return new TarBuilder()
                .dir("etc")
                .file("etc/passwd", "root:x:0:0\n")
                .file("etc/group", "root:x:0\n")
                .dir("bin")
                .file("bin/busybox", "BB", 0755, e -> {})
                .hardlink("bin/sh", "bin/busybox")
                .symlink("bin/ls", "busybox")
                .dir("var/cache")
                .file("var/cache/a", "a")
                .file("var/cache/b", "b")
                .dir("tmp", 01777, e -> {})
                .file("x".repeat(200), "long name")
                .build();
    }

    @Test
    void comparisonRoundTripsChangesOntoTheLowerTree() throws Exception {
        Path lower = unpacked("lower", baseLayer());
        Path upper = Files.createDirectory(tmp.resolve("upper"));
        Trees.copy(lower, upper);
        assertThat(TreeListing.of(upper, true)).isEqualTo(TreeListing.of(lower, true));

        // a container's changes
        Files.writeString(upper.resolve("etc/passwd"), "root:x:0:0\nuser:x:1000:1000\n");
        Files.delete(upper.resolve("etc/group"));
        Trees.delete(upper.resolve("var/cache"));
        Files.createDirectories(upper.resolve("home/user/" + "deep".repeat(40)));
        Files.writeString(upper.resolve("home/user/notes"), "hello");
        Libc.chmod(upper.resolve("bin/busybox"), 04755);
        Files.delete(upper.resolve("bin/ls"));
        Libc.symlink("/bin/busybox", upper.resolve("bin/ls"));
        Libc.link(upper.resolve("home/user/notes"), upper.resolve("home/user/notes-link"));
        Libc.lsetxattr(upper.resolve("home/user/notes"), "user.tag", new byte[] {(byte) 0xff, 0, 1}, 0);
        Libc.mkfifo(upper.resolve("tmp/fifo"), 0600);

        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        LayerDigest written = LayerDiffer.writeComparison(lower, upper, tar, null);
        assertThat(written.diffId()).isEqualTo(Digest.sha256(tar.toByteArray()));
        assertThat(written.uncompressedSize()).isEqualTo(tar.size());
        // passwd, busybox (hard-linked as sh: once), notes (hard-linked as notes-link: once)
        assertThat(written.contentSize()).isEqualTo("root:x:0:0\nuser:x:1000:1000\n".length() + 2 + 5);

        List<String> names = names(tar.toByteArray());
        assertThat(names)
                .contains(
                        "etc/",
                        "etc/passwd",
                        "etc/.wh.group",
                        "var/.wh.cache",
                        "bin/busybox",
                        "bin/ls",
                        "home/",
                        "home/user/",
                        "home/user/notes",
                        "home/user/notes-link",
                        "tmp/fifo",
                        "bin/sh"); // sh shares busybox's inode, whose mode changed
        assertThat(names).doesNotContain("var/cache/a", "x".repeat(200));

        Path replay = Files.createDirectory(tmp.resolve("replay"));
        Trees.copy(lower, replay);
        new LayerUnpacker(WhiteoutMode.APPLY).unpack(new ByteArrayInputStream(tar.toByteArray()), replay);
        assertThat(TreeListing.of(replay, false)).isEqualTo(TreeListing.of(upper, false));
    }

    @Test
    void outputIsDeterministicAndSorted() throws Exception {
        Path upper = unpacked("upper", baseLayer());
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        LayerDiffer.writeComparison(null, upper, first, null);
        LayerDiffer.writeComparison(null, upper, second, null);
        assertThat(first.toByteArray()).isEqualTo(second.toByteArray());
        assertThat(names(first.toByteArray()))
                .containsExactly(
                        "bin/",
                        "bin/busybox",
                        "bin/ls",
                        "bin/sh",
                        "etc/",
                        "etc/group",
                        "etc/passwd",
                        "tmp/",
                        "var/",
                        "var/cache/",
                        "var/cache/a",
                        "var/cache/b",
                        "x".repeat(200));
    }

    @Test
    void fullTreeRoundTripsThroughATar() throws Exception {
        Path source = unpacked("source", baseLayer());
        Files.writeString(source.resolve("etc/ünïcode-名前"), "utf8");
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        LayerDiffer.writeComparison(null, source, tar, null);
        Path copy = unpacked("copy", tar.toByteArray());
        assertThat(TreeListing.of(copy, true)).isEqualTo(TreeListing.of(source, true));
    }

    @Test
    void overlayUpperWhiteoutDevicesBecomeWhiteoutEntries() throws Exception {
        Path upper = Files.createDirectory(tmp.resolve("upper"));
        Files.createDirectory(upper.resolve("etc"));
        Files.writeString(upper.resolve("etc/hosts"), "127.0.0.1 localhost\n");
        Libc.mknod(upper.resolve("etc/shadow"), Libc.S_IFCHR, 0, 0);

        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        LayerDiffer.writeOverlayUpper(upper, tar, null);

        assertThat(names(tar.toByteArray())).containsExactly("etc/", "etc/hosts", "etc/.wh.shadow");
        Path lower = Files.createDirectories(tmp.resolve("lower/etc"));
        Files.writeString(lower.resolve("shadow"), "secret");
        new LayerUnpacker(WhiteoutMode.APPLY).unpack(new ByteArrayInputStream(tar.toByteArray()), lower.getParent());
        assertThat(lower.resolve("shadow")).doesNotExist();
        assertThat(Files.readString(lower.resolve("hosts"), StandardCharsets.UTF_8))
                .isEqualTo("127.0.0.1 localhost\n");
    }

    @Test
    void clampsLaterMtimesToTheGivenInstant() throws Exception {
        Path upper = Files.createDirectory(tmp.resolve("clamped"));
        Path old = Files.writeString(upper.resolve("old"), "a");
        Path recent = Files.writeString(upper.resolve("recent"), "b");
        Files.setLastModifiedTime(old, FileTime.fromMillis(1_000_000L * 1000));
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        LayerDiffer.writeComparison(null, upper, tar, Instant.ofEpochSecond(2_000_000));
        Map<String, Long> mtimes = new HashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar.toByteArray()))) {
            for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
                mtimes.put(e.getName(), e.getModTime().getTime() / 1000);
            }
        }
        assertThat(mtimes).containsEntry("old", 1_000_000L).containsEntry("recent", 2_000_000L);
        assertThat(Files.getLastModifiedTime(recent).toMillis() / 1000).isGreaterThan(2_000_000L);
    }

    @Test
    void writesManySmallFilesInLargeChunksAndWhole() throws Exception {
        Path upper = Files.createDirectory(tmp.resolve("many"));
        byte[] kib = new byte[1024];
        for (int i = 0; i < 2000; i++) {
            kib[0] = (byte) i;
            Files.write(upper.resolve(String.format("f%04d", i)), kib);
        }
        Files.write(upper.resolve("big"), new byte[(1 << 20) + 17]);
        int[] calls = {0};
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        java.io.OutputStream counting = new java.io.FilterOutputStream(bytes) {
            @Override
            public void write(byte[] b, int off, int len) {
                calls[0]++;
                bytes.write(b, off, len);
            }
        };
        LayerDigest written = LayerDiffer.writeOverlayUpper(upper, counting, null);
        assertThat(written.diffId()).isEqualTo(Digest.sha256(bytes.toByteArray()));
        assertThat(written.uncompressedSize()).isEqualTo(bytes.size());
        assertThat(calls[0]).isLessThan(40); // ~4.2 MiB in 256 KiB chunks, not one call per 512-byte record
        Path copy = unpacked("copy", bytes.toByteArray());
        assertThat(TreeListing.of(copy, true)).isEqualTo(TreeListing.of(upper, true));
    }

    static List<String> names(byte[] tar) throws Exception {
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                names.add(e.getName());
            }
        }
        return names;
    }
}
