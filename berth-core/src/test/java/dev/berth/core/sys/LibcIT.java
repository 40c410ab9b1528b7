package dev.berth.core.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.BerthException;
import dev.berth.testing.Prerequisites;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibcIT {
    @TempDir
    Path dir;

    @BeforeEach
    void needsRoot() {
        Prerequisites.requireRoot();
    }

    @AfterEach
    void unmount() {
        Mounts.unmountAllUnder(dir);
    }

    @Test
    void bindMountShowsTheSourceAndDetachRemovesIt() throws Exception {
        Path source = Files.createDirectory(dir.resolve("src"));
        Files.writeString(source.resolve("hello"), "world");
        Path target = Files.createDirectory(dir.resolve("dst"));

        Mounts.bind(source, target, true);
        assertThat(Files.readString(target.resolve("hello"))).isEqualTo("world");
        assertThat(Mounts.isMountPoint(target)).isTrue();
        assertThatThrownBy(() -> Files.writeString(target.resolve("new"), "x")).hasMessageContaining("Read-only");

        Mounts.unmountDetach(target);
        assertThat(Mounts.isMountPoint(target)).isFalse();
        assertThat(target.resolve("hello")).doesNotExist();
    }

    @Test
    void unmountOfANonMountPointNamesCallAndPath() {
        assertThatThrownBy(() -> Mounts.unmountDetach(dir))
                .isInstanceOf(BerthException.class)
                .hasMessage("umount2 " + dir + ": Invalid argument (EINVAL)");
    }

    @Test
    void mknodMakesAWorkingCharacterDevice() throws Exception {
        Path devNull = dir.resolve("null");
        Libc.mknod(devNull, Libc.S_IFCHR | 0666, 1, 3);
        Files.writeString(devNull, "discarded");
        assertThat(Files.size(devNull)).isZero();
        long rdev = (long) Files.getAttribute(devNull, "unix:rdev");
        assertThat(Libc.major(rdev)).isEqualTo(1);
        assertThat(Libc.minor(rdev)).isEqualTo(3);
    }

    @Test
    void lchownChangesTheLinkNotTheTarget() throws Exception {
        Path target = Files.writeString(dir.resolve("t"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("l"), target);
        Libc.lchown(link, 1234, 5678);
        assertThat(Files.getAttribute(link, "unix:uid", LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(1234);
        assertThat(Files.getAttribute(link, "unix:gid", LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(5678);
        assertThat(Files.getAttribute(target, "unix:uid")).isEqualTo(0);
    }

    @Test
    void trustedXattrsNeedRootAndWork() throws Exception {
        Path d = Files.createDirectory(dir.resolve("d"));
        Libc.lsetxattr(d, "trusted.overlay.opaque", new byte[] {'y'}, 0);
        assertThat(Libc.lgetxattr(d, "trusted.overlay.opaque")).containsExactly('y');
    }
}
