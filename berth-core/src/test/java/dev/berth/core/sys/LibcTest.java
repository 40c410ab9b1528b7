package dev.berth.core.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibcTest {
    @TempDir
    Path dir;

    @Test
    void failedCallNamesCallPathAndStrerrorAndPicksKindFromErrno() {
        Path missing = dir.resolve("missing/null");
        assertThatThrownBy(() -> Libc.mkfifo(missing, 0644))
                .isInstanceOf(BerthException.class)
                .hasMessage("mknod " + missing + ": No such file or directory (ENOENT)")
                .satisfies(e -> {
                    assertThat(((BerthException) e).kind()).isEqualTo(ErrorKind.NOT_FOUND);
                    assertThat(Errno.of(e)).isEqualTo(Errno.ENOENT);
                });
    }

    @Test
    void existingTargetIsAlreadyExists() throws Exception {
        Path fifo = dir.resolve("fifo");
        Libc.mkfifo(fifo, 0600);
        assertThatThrownBy(() -> Libc.mkfifo(fifo, 0600))
                .isInstanceOf(BerthException.class)
                .extracting(e -> ((BerthException) e).kind())
                .isEqualTo(ErrorKind.ALREADY_EXISTS);
    }

    @Test
    void errnoKinds() {
        assertThat(Errno.kind(Errno.EPERM)).isEqualTo(ErrorKind.FORBIDDEN);
        assertThat(Errno.kind(Errno.EACCES)).isEqualTo(ErrorKind.FORBIDDEN);
        assertThat(Errno.kind(Errno.EINVAL)).isEqualTo(ErrorKind.INVALID_ARGUMENT);
        assertThat(Errno.kind(Errno.EBUSY)).isEqualTo(ErrorKind.INTERNAL);
        assertThat(Errno.message("mknod", "/x/dev/null", Errno.EPERM))
                .isEqualTo("mknod /x/dev/null: Operation not permitted (EPERM)");
    }

    @Test
    void mkfifoMakesAFifoWithThePermissions() throws Exception {
        Path fifo = dir.resolve("fifo");
        Libc.mkfifo(fifo, 0640);
        int mode = (int) Files.getAttribute(fifo, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        assertThat(mode & Libc.S_IFMT).isEqualTo(Libc.S_IFIFO);
        assertThat(mode & 0777).isEqualTo(0640 & ~Libc.umask());
    }

    @Test
    void utimensatOnASymlinkSetsTheLinkNotItsTarget() throws Exception {
        Path target = Files.writeString(dir.resolve("target"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target.getFileName());
        FileTime targetBefore = Files.getLastModifiedTime(target);

        Libc.utimensat(link, 1_000_000_000L, 5, 1_234_567_890L, 123_456_789L, true);

        assertThat(Files.getLastModifiedTime(link, LinkOption.NOFOLLOW_LINKS).toInstant())
                .isEqualTo(java.time.Instant.ofEpochSecond(1_234_567_890L, 123_456_789L));
        assertThat(Files.getLastModifiedTime(target)).isEqualTo(targetBefore);
    }

    @Test
    void userXattrsRoundTrip() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        byte[] binary = {0, 1, (byte) 0xff, 'a'};
        Libc.lsetxattr(file, "user.berth.test", binary, 0);
        Libc.lsetxattr(file, "user.berth.other", "v".getBytes(StandardCharsets.UTF_8), 0);

        assertThat(Libc.lgetxattr(file, "user.berth.test")).isEqualTo(binary);
        assertThat(Libc.llistxattr(file)).contains("user.berth.test", "user.berth.other");
        Libc.lremovexattr(file, "user.berth.test");
        assertThat(Libc.lgetxattr(file, "user.berth.test")).isNull();
        assertThat(Libc.llistxattr(file)).doesNotContain("user.berth.test");
    }

    @Test
    void openWriteAndFchmodKeepSetuidAndStickyBits() throws Exception {
        Path file = dir.resolve("suid");
        int fd = Libc.open(file, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_NOFOLLOW, 0600);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocateFrom("hello", StandardCharsets.UTF_8);
            Libc.writeFully(fd, data, 5, file);
            Libc.fchmod(fd, 04755, file);
            Libc.futimens(fd, 0, Libc.UTIME_OMIT, 42, 7, file);
        } finally {
            Libc.close(fd, file);
        }
        assertThat(Files.readString(file)).isEqualTo("hello");
        int mode = (int) Files.getAttribute(file, "unix:mode");
        assertThat(mode & 07777).isEqualTo(04755);
        assertThat(Files.getLastModifiedTime(file).toInstant()).isEqualTo(java.time.Instant.ofEpochSecond(42, 7));
    }

    @Test
    void openRefusesToFollowASymlinkWithNoFollow() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("l"), dir.resolve("elsewhere"));
        assertThatThrownBy(() -> Libc.open(link, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_NOFOLLOW, 0644))
                .isInstanceOf(BerthException.class)
                .hasMessageContaining("open " + link)
                .hasMessageContaining("(ELOOP)");
        assertThat(Files.exists(dir.resolve("elsewhere"))).isFalse();
    }

    @Test
    void makedevMatchesGlibcEncoding() {
        assertThat(Libc.makedev(1, 3)).isEqualTo(0x103L);
        assertThat(Libc.makedev(259, 70000)).isEqualTo(0x11110370L);
        long dev = Libc.makedev(4095 + 4096 * 3, 1 << 20);
        assertThat(Libc.major(dev)).isEqualTo(4095 + 4096 * 3);
        assertThat(Libc.minor(dev)).isEqualTo(1 << 20);
    }

    @Test
    void statfsReportsTheFilesystemMagic() {
        assertThat(Libc.statfsType(Path.of("/proc"))).isEqualTo(0x9fa0L);
    }

    @Test
    void identityCallsAgreeWithTheJvm() throws Exception {
        int uid = (int) Files.getAttribute(Files.writeString(dir.resolve("me"), ""), "unix:uid");
        assertThat(Libc.geteuid()).isEqualTo(uid);
        assertThat(Libc.getuid()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void spreadSubdirectoriesSetsTheTopdirFlagWhereTheFilesystemHasIt() throws Exception {
        Path spread = Files.createDirectory(dir.resolve("spread"));
        boolean set = Libc.spreadSubdirectories(spread);
        if (Files.getFileStore(spread).type().equals("ext4")) {
            assertThat(set).isTrue();
            assertThat(Libc.spreadSubdirectories(spread)).as("already set").isTrue();
            Process lsattr = new ProcessBuilder("lsattr", "-d", spread.toString()).start();
            String flags = new String(lsattr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(flags.split(" ")[0]).contains("T");
        }
        Files.createDirectory(spread.resolve("child")); // a hint only: directories work as before
        assertThat(Files.isDirectory(spread.resolve("child"))).isTrue();
    }
}
