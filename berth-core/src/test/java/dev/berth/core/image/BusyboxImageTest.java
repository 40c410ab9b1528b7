package dev.berth.core.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.digest.Digest;
import dev.berth.testing.Busybox;
import dev.berth.testing.Prerequisites;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BusyboxImageTest {
    @TempDir
    Path dir;

    private static final byte[] FAKE_BINARY = "#!fake busybox\n".getBytes(StandardCharsets.UTF_8);

    private static BusyboxImage image() {
        return new BusyboxImage(FAKE_BINARY, List.of("sh", "ls", "[", "busybox", "cat"), "amd64");
    }

    @Test
    void sameBinaryGivesTheSameImageIdEveryTime() {
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Digest first = image().writeSaveTar(BusyboxImage.DEFAULT_TAG, a);
        Digest second = new BusyboxImage(FAKE_BINARY, List.of("cat", "ls", "sh", "[", "busybox"), "amd64")
                .writeSaveTar(BusyboxImage.DEFAULT_TAG, b);
        assertThat(second).isEqualTo(first);
        assertThat(b.toByteArray()).isEqualTo(a.toByteArray());
        Digest other = new BusyboxImage("#!another\n".getBytes(StandardCharsets.UTF_8), List.of("sh"), "amd64")
                .writeSaveTar(BusyboxImage.DEFAULT_TAG, new ByteArrayOutputStream());
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void layerHasBusyboxAppletLinksUsersAndDirectoriesWithFixedOwnersAndTimes() throws Exception {
        Map<String, TarArchiveEntry> entries = new HashMap<>();
        List<String> order = new ArrayList<>();
        Map<String, String> contents = new HashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(image().layer()))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                entries.put(e.getName(), e);
                order.add(e.getName());
                if (e.isFile()) {
                    contents.put(e.getName(), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        assertThat(order).isSorted();
        assertThat(entries.get("bin/sh").isSymbolicLink()).isTrue();
        assertThat(entries.get("bin/sh").getLinkName()).isEqualTo("busybox");
        assertThat(entries).containsKeys("bin/[", "bin/ls", "bin/cat", "proc/", "sys/", "dev/", "var/", "root/");
        assertThat(entries).doesNotContainKey("bin/busybox/");
        assertThat(entries.get("bin/busybox").getMode() & 07777).isEqualTo(0755);
        assertThat(entries.get("tmp/").getMode() & 07777).isEqualTo(01777);
        assertThat(contents.get("etc/passwd"))
                .startsWith("root:x:0:0:root:/root:/bin/sh\n")
                .contains("nobody:x:65534:65534:");
        assertThat(contents.get("etc/group")).contains("root:x:0:", "nogroup:x:65534:");
        assertThat(entries.values()).allSatisfy(e -> {
            assertThat(e.getLongUserId()).isZero();
            assertThat(e.getModTime().toInstant()).isEqualTo(BusyboxImage.EPOCH);
        });
    }

    @Test
    void theHostsStaticBusyboxBuildsWhenInstalled() {
        Prerequisites.requireBusybox();
        Path busybox = Busybox.BINARY;
        BusyboxImage image = BusyboxImage.fromBinary(busybox);
        Digest a = image.writeSaveTar(BusyboxImage.DEFAULT_TAG, new ByteArrayOutputStream());
        Digest b = BusyboxImage.fromBinary(busybox).writeSaveTar(BusyboxImage.DEFAULT_TAG, new ByteArrayOutputStream());
        assertThat(a).isEqualTo(b);
    }
}
