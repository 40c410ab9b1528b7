package dev.berth.core.layer;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.sys.Libc;
import dev.berth.testing.Prerequisites;
import dev.berth.testing.TarBuilder;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of unpacking that need root: devices, owners, trusted xattrs. */
class LayerUnpackerIT {
    @TempDir
    Path root;

    @BeforeEach
    void needsRoot() {
        Prerequisites.requireRoot();
    }

    @Test
    void characterAndBlockDevicesKeepTheirNumbersAndModes() throws Exception {
        byte[] layer = new TarBuilder()
                .dir("dev")
                .node("dev/null", TarConstants.LF_CHR, 1, 3, 0666)
                .node("dev/loop9", TarConstants.LF_BLK, 7, 9, 0660)
                .build();
        new LayerUnpacker(WhiteoutMode.APPLY).unpack(new ByteArrayInputStream(layer), root);

        int nullMode = (int) Files.getAttribute(root.resolve("dev/null"), "unix:mode", NOFOLLOW_LINKS);
        assertThat(nullMode).isEqualTo(Libc.S_IFCHR | 0666);
        long rdev = (long) Files.getAttribute(root.resolve("dev/null"), "unix:rdev", NOFOLLOW_LINKS);
        assertThat(Libc.major(rdev)).isEqualTo(1);
        assertThat(Libc.minor(rdev)).isEqualTo(3);
        int loopMode = (int) Files.getAttribute(root.resolve("dev/loop9"), "unix:mode", NOFOLLOW_LINKS);
        assertThat(loopMode).isEqualTo(Libc.S_IFBLK | 0660);
        Files.writeString(root.resolve("dev/null"), "works as /dev/null");
    }

    @Test
    void ownersOfFilesDirectoriesAndSymlinksAndSetuidSurvivingChown() throws Exception {
        byte[] layer = new TarBuilder()
                .dir("home/user", 0700, e -> {
                    e.setUserId(1000);
                    e.setGroupId(1000);
                })
                .file("home/user/suid", "x", 04755, e -> {
                    e.setUserId(1000);
                    e.setGroupId(50);
                })
                .symlink("home/user/link", "suid", e -> {
                    e.setUserId(1001);
                    e.setGroupId(1002);
                })
                .build();
        new LayerUnpacker(WhiteoutMode.APPLY).unpack(new ByteArrayInputStream(layer), root);

        assertThat(owner("home/user")).isEqualTo("1000:1000");
        assertThat(owner("home/user/suid")).isEqualTo("1000:50");
        assertThat(owner("home/user/link")).isEqualTo("1001:1002");
        assertThat((int) Files.getAttribute(root.resolve("home/user/suid"), "unix:mode") & 07777)
                .isEqualTo(04755);
        assertThat((int) Files.getAttribute(root.resolve("home/user"), "unix:mode") & 07777)
                .isEqualTo(0700);
    }

    @Test
    void overlayModeMarksOpaqueDirectoriesWithTheTrustedXattr() throws Exception {
        byte[] layer = new TarBuilder()
                .dir("etc")
                .whiteout("etc/.wh..wh..opq")
                .file("etc/only", "x")
                .build();
        new LayerUnpacker(WhiteoutMode.OVERLAY).unpack(new ByteArrayInputStream(layer), root);
        assertThat(Libc.lgetxattr(root.resolve("etc"), "trusted.overlay.opaque"))
                .containsExactly('y');
        assertThat(root.resolve("etc/.wh..wh..opq")).doesNotExist();
        assertThat(root.resolve("etc/only")).exists();
    }

    @Test
    void trustedXattrsOtherThanOverlayAreKeptForRoot() throws Exception {
        byte[] layer = new TarBuilder()
                .file("f", "x", 0644, e -> e.addPaxHeader("SCHILY.xattr.trusted.berth", "v"))
                .build();
        new LayerUnpacker(WhiteoutMode.APPLY).unpack(new ByteArrayInputStream(layer), root);
        assertThat(Libc.lgetxattr(root.resolve("f"), "trusted.berth")).containsExactly('v');
    }

    private String owner(String path) throws Exception {
        Path p = root.resolve(path);
        return Files.getAttribute(p, "unix:uid", NOFOLLOW_LINKS) + ":"
                + Files.getAttribute(p, "unix:gid", NOFOLLOW_LINKS);
    }
}
