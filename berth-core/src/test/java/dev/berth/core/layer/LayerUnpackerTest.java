package dev.berth.core.layer;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.io.Compression;
import dev.berth.core.sys.Libc;
import dev.berth.testing.Blobs;
import dev.berth.testing.TarBuilder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LayerUnpackerTest {
    @TempDir
    Path tmp;

    Path root;
    Path outside;

    @BeforeEach
    void dirs() throws Exception {
        root = Files.createDirectory(tmp.resolve("root"));
        outside = Files.createDirectory(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "original");
    }

    private LayerDigest unpack(WhiteoutMode mode, byte[] layer) {
        return new LayerUnpacker(mode).unpack(new ByteArrayInputStream(layer), root);
    }

    private LayerDigest unpack(byte[] layer) {
        return unpack(WhiteoutMode.APPLY, layer);
    }

    private void assertRefused(byte[] layer, String entry) {
        for (WhiteoutMode mode : WhiteoutMode.values()) {
            assertThatThrownBy(() -> unpack(mode, layer))
                    .isInstanceOf(BerthException.class)
                    .hasMessageContaining("layer entry " + entry)
                    .extracting(e -> ((BerthException) e).kind())
                    .isEqualTo(ErrorKind.INVALID_ARGUMENT);
        }
        assertOutsideUntouched();
    }

    private void assertOutsideUntouched() {
        try (var files = Files.list(outside)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("secret");
            assertThat(Files.readString(outside.resolve("secret"))).isEqualTo("original");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(tmp.resolve("evil")).doesNotExist();
    }

    // ---- ordinary content ------------------------------------------------------------------

    @Test
    void unpacksATreeAndReportsTheDiffIdOfTheUncompressedTar() throws Exception {
        byte[] layer = new TarBuilder()
                .dir("etc")
                .file("etc/hostname", "berth\n")
                .symlink("etc/alias", "hostname")
                .dir("usr/bin")
                .file("usr/bin/tool", "#!/bin/sh\n", 0755, e -> {})
                .build();

        LayerDigest result = unpack(layer);

        assertThat(result.diffId()).isEqualTo(Digest.sha256(layer));
        assertThat(result.uncompressedSize()).isEqualTo(layer.length);
        assertThat(result.contentSize()).isEqualTo("berth\n".length() + "#!/bin/sh\n".length());
        assertThat(Files.readString(root.resolve("etc/hostname"))).isEqualTo("berth\n");
        assertThat(Libc.readlink(root.resolve("etc/alias"))).isEqualTo("hostname");
        assertThat(Files.getAttribute(root.resolve("usr/bin/tool"), "unix:mode"))
                .isEqualTo(0100755);
        assertThat(Files.getAttribute(root.resolve("etc/hostname"), "unix:mode"))
                .isEqualTo(0100644);
    }

    @ParameterizedTest
    @EnumSource(
            value = Compression.class,
            names = {"NONE", "GZIP", "ZSTD"})
    void detectsCompressionByMagicBytesAndHashesTheUncompressedTar(Compression compression) throws Exception {
        byte[] tar = new TarBuilder().file("a", "content of a").build();
        byte[] layer = switch (compression) {
            case GZIP -> Blobs.gzip(tar);
            case ZSTD -> Blobs.zstd(tar);
            default -> tar;
        };
        assertThat(Compression.detect(new java.io.BufferedInputStream(new ByteArrayInputStream(layer))))
                .isEqualTo(compression);

        LayerDigest result = unpack(layer);

        assertThat(result.diffId()).isEqualTo(Digest.sha256(tar));
        assertThat(Files.readString(root.resolve("a"))).isEqualTo("content of a");
    }

    @Test
    void scratchUnpackWritesTheSameTreeWithoutADiffId() throws Exception {
        byte[] big = new byte[3 << 20];
        big[big.length - 1] = 7;
        byte[] tar = new TarBuilder()
                .dir("d")
                .file("d/small", "s")
                .file("d/big", big)
                .build();
        LayerDigest digest = LayerUnpacker.scratch(WhiteoutMode.PLAIN).unpack(new ByteArrayInputStream(tar), root);
        assertThat(digest.diffId()).isNull();
        assertThat(digest.uncompressedSize()).isEqualTo(tar.length);
        assertThat(Files.readString(root.resolve("d/small"))).isEqualTo("s");
        assertThat(Files.readAllBytes(root.resolve("d/big"))).isEqualTo(big);
    }

    @Test
    void paddingAfterTheEndOfArchiveCountsInTheDiffId() {
        byte[] tar = new TarBuilder().file("a", "x").build();
        byte[] padded = Arrays.copyOf(tar, tar.length + 8192);
        LayerDigest result = unpack(padded);
        assertThat(result.diffId()).isEqualTo(Digest.sha256(padded));
        assertThat(result.uncompressedSize()).isEqualTo(padded.length);
    }

    @Test
    void paxAndGnuLongNamesAndLongLinkNames() throws Exception {
        String longDir = "d".repeat(120) + "/" + "e".repeat(120);
        String longName = longDir + "/" + "f".repeat(150);
        byte[] pax = new TarBuilder(TarArchiveOutputStream.LONGFILE_POSIX)
                .file(longName, "pax")
                .symlink("short-link", longName)
                .hardlink("g".repeat(130), longName)
                .build();
        unpack(pax);
        assertThat(Files.readString(root.resolve(longName))).isEqualTo("pax");
        assertThat(Libc.readlink(root.resolve("short-link"))).isEqualTo(longName);
        assertThat(Files.isSameFile(root.resolve("g".repeat(130)), root.resolve(longName)))
                .isTrue();

        Path gnuRoot = Files.createDirectory(tmp.resolve("gnu"));
        byte[] gnu = new TarBuilder(TarArchiveOutputStream.LONGFILE_GNU)
                .file(longName, "gnu")
                .symlink("h".repeat(110), "t".repeat(140))
                .build();
        new LayerUnpacker(WhiteoutMode.OVERLAY).unpack(new ByteArrayInputStream(gnu), gnuRoot);
        assertThat(Files.readString(gnuRoot.resolve(longName))).isEqualTo("gnu");
        assertThat(Libc.readlink(gnuRoot.resolve("h".repeat(110)))).isEqualTo("t".repeat(140));
    }

    @Test
    void hardLinksShareTheInode() throws Exception {
        unpack(new TarBuilder()
                .dir("bin")
                .file("bin/busybox", "BB", 0755, e -> {})
                .hardlink("bin/sh", "bin/busybox")
                .hardlink("bin/ls", "/bin/busybox")
                .build());
        Object inode = Files.getAttribute(root.resolve("bin/busybox"), "unix:ino");
        assertThat(Files.getAttribute(root.resolve("bin/sh"), "unix:ino")).isEqualTo(inode);
        assertThat(Files.getAttribute(root.resolve("bin/ls"), "unix:ino")).isEqualTo(inode);
        assertThat(Files.getAttribute(root.resolve("bin/sh"), "unix:nlink")).isEqualTo(3);
    }

    @Test
    void modesIncludingSetuidSetgidAndSticky() throws Exception {
        unpack(new TarBuilder()
                .file("suid", "x", 04755, e -> {})
                .file("sgid", "x", 02711, e -> {})
                .file("private", "x", 0600, e -> {})
                .file("open", "x", 0777, e -> {})
                .dir("tmp", 01777, e -> {})
                .dir("ro", 0555, e -> {})
                .file("ro/inside", "x")
                .build());
        assertThat(mode("suid")).isEqualTo(04755);
        assertThat(mode("sgid")).isEqualTo(02711);
        assertThat(mode("private")).isEqualTo(0600);
        assertThat(mode("open")).isEqualTo(0777);
        assertThat(mode("tmp")).isEqualTo(01777);
        assertThat(mode("ro")).isEqualTo(0555);
        assertThat(Files.readString(root.resolve("ro/inside"))).isEqualTo("x");
    }

    @Test
    void mtimesWithNanosecondsOnFilesSymlinksAndDirectoriesAfterTheirContents() throws Exception {
        unpack(new TarBuilder()
                // (commons-compress, writing this tar, keeps 100 ns; GNU tar interop checks full nanoseconds)
                .dir("d", 0755, e -> e.addPaxHeader("mtime", "1500000000.5"))
                .file("d/f", "x", 0644, e -> e.addPaxHeader("mtime", "1600000000.1234567"))
                .symlink("d/l", "f", e -> e.addPaxHeader("mtime", "1400000000.25"))
                .build());
        assertThat(mtime("d")).isEqualTo(java.time.Instant.ofEpochSecond(1_500_000_000L, 500_000_000));
        assertThat(mtime("d/f")).isEqualTo(java.time.Instant.ofEpochSecond(1_600_000_000L, 123_456_700));
        assertThat(mtime("d/l")).isEqualTo(java.time.Instant.ofEpochSecond(1_400_000_000L, 250_000_000));
    }

    @Test
    void userXattrsAreSetAndOverlayXattrsFromTheTarAreDropped() throws Exception {
        unpack(new TarBuilder()
                .file("f", "x", 0644, e -> {
                    e.addPaxHeader("SCHILY.xattr.user.mime", "text/plain");
                    e.addPaxHeader("SCHILY.xattr.trusted.overlay.opaque", "y");
                })
                .file("g", "x", 0644, e -> e.addPaxHeader("LIBARCHIVE.xattr.user.bin", "AAH/YQ=="))
                .build());
        assertThat(new String(Libc.lgetxattr(root.resolve("f"), "user.mime"), StandardCharsets.UTF_8))
                .isEqualTo("text/plain");
        assertThat(Libc.lgetxattr(root.resolve("f"), "trusted.overlay.opaque")).isNull();
        assertThat(Libc.lgetxattr(root.resolve("g"), "user.bin")).containsExactly(0, 1, 0xff, 'a');
    }

    @Test
    void fifos() throws Exception {
        unpack(new TarBuilder().node("pipe", TarConstants.LF_FIFO, 0, 0, 0640).build());
        int mode = (int) Files.getAttribute(root.resolve("pipe"), "unix:mode", NOFOLLOW_LINKS);
        assertThat(mode & Libc.S_IFMT).isEqualTo(Libc.S_IFIFO);
        assertThat(mode & 07777).isEqualTo(0640);
    }

    @Test
    void laterEntriesReplaceEarlierOnes() throws Exception {
        unpack(new TarBuilder().file("a", "one").dir("b").file("b/x", "x").build());
        unpack(new TarBuilder()
                .file("a", "two")
                .file("b", "now a file")
                .dir("a2")
                .build());
        assertThat(Files.readString(root.resolve("a"))).isEqualTo("two");
        assertThat(Files.readString(root.resolve("b"))).isEqualTo("now a file");
    }

    @Test
    void absoluteNamesAreRelativeToTheRootAsInDocker() throws Exception {
        unpack(new TarBuilder()
                .file("/etc/evil", "inside")
                .file("./x/../y", "y")
                .build());
        assertThat(Files.readString(root.resolve("etc/evil"))).isEqualTo("inside");
        assertThat(Files.readString(root.resolve("y"))).isEqualTo("y");
        assertOutsideUntouched();
    }

    // ---- whiteouts -------------------------------------------------------------------------

    @Test
    void applyModeDeletesWhitedOutPathsAndEmptiesOpaqueDirectoriesOfLowerContent() throws Exception {
        unpack(new TarBuilder()
                .file("gone", "x")
                .dir("dir")
                .file("dir/sub/file", "x")
                .dir("opaque")
                .file("opaque/old", "x")
                .dir("opaque/olddir")
                .file("opaque/olddir/f", "x")
                .file("kept", "x")
                .build());

        unpack(new TarBuilder()
                .whiteout(".wh.gone")
                .whiteout("dir/.wh.sub")
                .dir("opaque")
                .file("opaque/-early", "written before the marker")
                .whiteout("opaque/.wh..wh..opq")
                .file("opaque/new", "new")
                .build());

        assertThat(root.resolve("gone")).doesNotExist();
        assertThat(root.resolve("dir/sub")).doesNotExist();
        assertThat(root.resolve("dir")).isDirectory();
        assertThat(root.resolve("kept")).exists();
        try (var children = Files.list(root.resolve("opaque"))) {
            assertThat(children.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("-early", "new");
        }
        assertThat(root.resolve(".wh.gone")).doesNotExist();
    }

    @Test
    void overlayModeWritesWhiteoutsAsZeroZeroCharacterDevices() throws Exception {
        unpack(
                WhiteoutMode.OVERLAY,
                new TarBuilder().dir("etc").whiteout("etc/.wh.passwd").build());
        Path whiteout = root.resolve("etc/passwd");
        int mode = (int) Files.getAttribute(whiteout, "unix:mode", NOFOLLOW_LINKS);
        assertThat(mode & Libc.S_IFMT).isEqualTo(Libc.S_IFCHR);
        assertThat((long) Files.getAttribute(whiteout, "unix:rdev", NOFOLLOW_LINKS))
                .isZero();
        assertThat(root.resolve("etc/.wh.passwd")).doesNotExist();
    }

    // ---- attacks ---------------------------------------------------------------------------

    @Test
    void refusesDotDotThatLeavesTheRoot() {
        assertRefused(new TarBuilder().file("../evil", "x").build(), "../evil");
        assertRefused(new TarBuilder().dir("a").file("a/../../evil", "x").build(), "a/../../evil");
    }

    @Test
    void refusesWritingThroughASymlinkPlantedByAnEarlierEntry() {
        assertRefused(
                new TarBuilder()
                        .symlink("link", outside.toString())
                        .file("link/evil", "x")
                        .build(),
                "link/evil");
        assertRefused(
                new TarBuilder()
                        .symlink("link", "../outside")
                        .file("link/evil", "x")
                        .build(),
                "link/evil");
    }

    @Test
    void refusesSymlinkedParentDirectoriesDeeperDown() {
        assertRefused(
                new TarBuilder()
                        .dir("a")
                        .symlink("a/b", outside.toString())
                        .file("a/b/c/evil", "x")
                        .build(),
                "a/b/c/evil");
        assertRefused(
                new TarBuilder()
                        .symlink("a", "b")
                        .symlink("b", outside.toString())
                        .file("a/evil", "x")
                        .build(),
                "a/evil");
    }

    @Test
    void aSymlinkReplacedByAFileIsReplacedNotWrittenThrough() throws Exception {
        unpack(new TarBuilder()
                .symlink("secret", outside.resolve("secret").toString())
                .file("secret", "in the layer")
                .build());
        assertThat(Files.isSymbolicLink(root.resolve("secret"))).isFalse();
        assertThat(Files.readString(root.resolve("secret"))).isEqualTo("in the layer");
        assertOutsideUntouched();

        unpack(new TarBuilder()
                .symlink("d", outside.toString())
                .dir("d")
                .file("d/x", "x")
                .build());
        assertThat(Files.isDirectory(root.resolve("d"), LinkOption.NOFOLLOW_LINKS))
                .isTrue();
        assertOutsideUntouched();
    }

    @Test
    void refusesHardLinksOutsideTheRootOrThroughASymlink() {
        assertRefused(new TarBuilder().hardlink("stolen", "../outside/secret").build(), "stolen");
        assertRefused(
                new TarBuilder()
                        .symlink("l", outside.toString())
                        .hardlink("stolen", "l/secret")
                        .build(),
                "stolen");
        // An absolute link target means the root's own /secret, which this layer does not have.
        assertRefused(
                new TarBuilder()
                        .hardlink("stolen", outside.resolve("secret").toString())
                        .build(),
                "stolen");
    }

    @Test
    void applyModeFollowsLowerLayerSymlinksInsideTheRootOnly() throws Exception {
        Files.createDirectories(root.resolve("run"));
        Files.createDirectories(root.resolve("var"));
        Files.createSymbolicLink(root.resolve("var/run"), Path.of("/run"));
        Files.createSymbolicLink(root.resolve("escape"), Path.of("../../.."));

        unpack(new TarBuilder().file("var/run/app.pid", "42").build());
        assertThat(Files.readString(root.resolve("run/app.pid"))).isEqualTo("42");

        assertThatThrownBy(
                        () -> unpack(new TarBuilder().file("escape/evil", "x").build()))
                .isInstanceOf(BerthException.class)
                .hasMessageContaining("layer entry escape/evil");
        assertOutsideUntouched();
    }

    @Test
    void malformedAndTruncatedLayersAreInvalidArguments() {
        byte[] tar = new TarBuilder().file("a", "x".repeat(5000)).build();
        byte[] truncated = Arrays.copyOf(tar, 1024);
        assertThatThrownBy(() -> unpack(truncated))
                .isInstanceOf(BerthException.class)
                .extracting(e -> ((BerthException) e).kind())
                .isEqualTo(ErrorKind.INVALID_ARGUMENT);
        byte[] garbage = "this is not a tar archive at all".repeat(40).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> unpack(garbage))
                .isInstanceOf(BerthException.class)
                .extracting(e -> ((BerthException) e).kind())
                .isEqualTo(ErrorKind.INVALID_ARGUMENT);
        byte[] gz = Blobs.gzip(tar);
        assertThatThrownBy(() -> unpack(Arrays.copyOf(gz, gz.length / 2)))
                .isInstanceOf(BerthException.class)
                .extracting(e -> ((BerthException) e).kind())
                .isEqualTo(ErrorKind.INVALID_ARGUMENT);
    }

    private int mode(String path) throws Exception {
        return (int) Files.getAttribute(root.resolve(path), "unix:mode", NOFOLLOW_LINKS) & 07777;
    }

    private java.time.Instant mtime(String path) throws Exception {
        return Files.getLastModifiedTime(root.resolve(path), NOFOLLOW_LINKS).toInstant();
    }
}
