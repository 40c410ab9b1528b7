package dev.berth.core.image;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.io.NonClosingOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Makes {@code busybox:latest} offline from a static busybox binary (Debian's busybox-static):
 * one layer with {@code /bin/busybox}, a symlink per applet, {@code /etc/passwd} and
 * {@code /etc/group}, and the usual empty directories; config with {@code Cmd ["sh"]}.
 *
 * <p>The result is a {@code docker save} tar that {@code POST /images/load} takes, so the daemon
 * needs no endpoint of its own and the config bytes — hence the image ID — are exactly what is
 * built here. Everything is deterministic (sorted entries, fixed owners, modes and mtimes, fixed
 * {@code created}), so the same busybox binary always gives the same image ID; Jib's
 * ReproducibleLayerBuilder works the same way.
 */
public final class BusyboxImage {
    /** Fixed time for every mtime and for {@code created}: reproducible builds cannot use "now". */
    public static final Instant EPOCH = Instant.parse("2000-01-01T00:00:00Z");

    public static final String DEFAULT_TAG = "busybox:latest";

    private static final String PASSWD = """
            root:x:0:0:root:/root:/bin/sh
            daemon:x:1:1:daemon:/usr/sbin:/bin/false
            bin:x:2:2:bin:/bin:/bin/false
            sys:x:3:3:sys:/dev:/bin/false
            sync:x:4:100:sync:/bin:/bin/sync
            mail:x:8:8:mail:/var/spool/mail:/bin/false
            www-data:x:33:33:www-data:/var/www:/bin/false
            operator:x:37:37:Operator:/var:/bin/false
            nobody:x:65534:65534:nobody:/home:/bin/false
            """;
    private static final String GROUP = """
            root:x:0:
            daemon:x:1:
            bin:x:2:
            sys:x:3:
            adm:x:4:
            tty:x:5:
            disk:x:6:
            lp:x:7:
            mail:x:8:
            kmem:x:9:
            wheel:x:10:root
            cdrom:x:11:
            dialout:x:18:
            floppy:x:19:
            video:x:28:
            audio:x:29:
            tape:x:32:
            www-data:x:33:
            operator:x:37:
            utmp:x:43:
            plugdev:x:46:
            staff:x:50:
            lock:x:54:
            netdev:x:82:
            users:x:100:
            nogroup:x:65534:
            """;
    private static final Map<String, Integer> DIRECTORIES = Map.ofEntries(
            Map.entry("bin/", 0755),
            Map.entry("dev/", 0755),
            Map.entry("etc/", 0755),
            Map.entry("home/", 0755),
            Map.entry("proc/", 0555),
            Map.entry("root/", 0700),
            Map.entry("sys/", 0555),
            Map.entry("tmp/", 01777),
            Map.entry("usr/", 0755),
            Map.entry("usr/sbin/", 0755),
            Map.entry("var/", 0755),
            Map.entry("var/spool/", 0755),
            Map.entry("var/spool/mail/", 0755),
            Map.entry("var/www/", 0755));

    private final byte[] binary;
    private final List<String> applets;
    private final String architecture;

    /** The image of {@code binary} with a link per name in {@code applets} (what {@code busybox --list} prints). */
    public BusyboxImage(byte[] binary, List<String> applets, String architecture) {
        this.binary = binary.clone();
        this.applets = applets.stream()
                .filter(a -> !a.isEmpty() && !a.equals("busybox") && !a.contains("/"))
                .sorted()
                .distinct()
                .toList();
        this.architecture = architecture;
    }

    /** Reads {@code busybox} and asks it for its applets ({@code busybox --list}). */
    public static BusyboxImage fromBinary(Path busybox) {
        if (!Files.isRegularFile(busybox)) {
            throw BerthException.notFound(
                    "%s not found: install busybox-static (apt-get install busybox-static)", busybox);
        }
        try {
            byte[] binary = Files.readAllBytes(busybox);
            Process p = new ProcessBuilder(busybox.toString(), "--list")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw BerthException.invalid("%s --list failed: %s", busybox, out.strip());
            }
            return new BusyboxImage(binary, out.lines().map(String::strip).toList(), Platforms.hostArchitecture());
        } catch (IOException e) {
            throw BerthException.unavailable("cannot read %s: %s", busybox, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BerthException.unavailable("interrupted while running %s --list", busybox);
        }
    }

    /** The uncompressed layer tar. */
    public byte[] layer() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(binary.length + 64 * 1024);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            // Sorted by path so the tar is the same whatever the order of Map iteration.
            TreeMap<String, Runnable> entries = new TreeMap<>();
            List<IOException> failures = new ArrayList<>();
            DIRECTORIES.forEach((path, mode) -> entries.put(path, () -> put(tar, dir(path, mode), null, failures)));
            entries.put("bin/busybox", () -> put(tar, file("bin/busybox", 0755, binary.length), binary, failures));
            for (String applet : applets) {
                entries.put("bin/" + applet, () -> put(tar, symlink("bin/" + applet, "busybox"), null, failures));
            }
            byte[] passwd = PASSWD.getBytes(StandardCharsets.UTF_8);
            byte[] group = GROUP.getBytes(StandardCharsets.UTF_8);
            entries.put("etc/passwd", () -> put(tar, file("etc/passwd", 0644, passwd.length), passwd, failures));
            entries.put("etc/group", () -> put(tar, file("etc/group", 0644, group.length), group, failures));
            entries.values().forEach(Runnable::run);
            if (!failures.isEmpty()) {
                throw failures.getFirst();
            }
            tar.finish();
        } catch (IOException e) {
            throw BerthException.internal("building the busybox layer", e);
        }
        return bytes.toByteArray();
    }

    private static void put(
            TarArchiveOutputStream tar, TarArchiveEntry entry, byte[] data, List<IOException> failures) {
        try {
            tar.putArchiveEntry(entry);
            if (data != null) {
                tar.write(data);
            }
            tar.closeArchiveEntry();
        } catch (IOException e) {
            failures.add(e);
        }
    }

    private static TarArchiveEntry owned(TarArchiveEntry e, int mode) {
        e.setMode(mode);
        e.setIds(0, 0);
        e.setUserName("");
        e.setGroupName("");
        e.setModTime(EPOCH.toEpochMilli());
        return e;
    }

    private static TarArchiveEntry dir(String path, int mode) {
        return owned(new TarArchiveEntry(path, TarArchiveEntry.LF_DIR), 040000 | mode);
    }

    private static TarArchiveEntry file(String path, int mode, long size) {
        TarArchiveEntry e = owned(new TarArchiveEntry(path, TarArchiveEntry.LF_NORMAL), 0100000 | mode);
        e.setSize(size);
        return e;
    }

    private static TarArchiveEntry symlink(String path, String target) {
        TarArchiveEntry e = owned(new TarArchiveEntry(path, TarArchiveEntry.LF_SYMLINK), 0120777);
        e.setLinkName(target);
        return e;
    }

    /** The image config for {@code layer}: Docker's busybox settings, fixed {@code created}. */
    public Raw<ImageConfig> config(byte[] layer) {
        Digest diffId = Digest.sha256(layer);
        String created = EPOCH.toString();
        ContainerConfig config = ContainerConfig.EMPTY
                .withEnv(List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"))
                .withCmd(List.of("sh"));
        List<History> history = List.of(
                new History(
                        created,
                        null,
                        "berth image bootstrap busybox: /bin/busybox " + Digest.sha256(binary) + " and "
                                + applets.size() + " applet links",
                        null,
                        false),
                new History(created, null, "CMD [\"sh\"]", null, true));
        return Raw.of(new ImageConfig(
                architecture,
                null,
                "linux",
                null,
                null,
                null,
                created,
                null,
                null,
                null,
                config,
                RootFs.layers(List.of(diffId)),
                history));
    }

    /** Writes a {@code docker save} tar (Docker 25+ layout) of the image tagged {@code tag}. */
    public Digest writeSaveTar(String tag, OutputStream out) {
        byte[] layer = layer();
        Raw<ImageConfig> config = config(layer);
        Digest layerDigest = Digest.sha256(layer);
        Raw<Manifest> manifest = Raw.of(Manifest.oci(
                Descriptor.of(MediaTypes.OCI_CONFIG, config.digest(), config.size()),
                List.of(Descriptor.of(MediaTypes.OCI_LAYER, layerDigest, layer.length))));
        String fullName = dev.berth.core.reference.ImageReference.parse(tag)
                .withDefaultTag()
                .toString();
        Index index = Index.oci(List.of(Descriptor.of(MediaTypes.OCI_MANIFEST, manifest.digest(), manifest.size())
                .withAnnotations(Map.of(
                        Index.CONTAINERD_IMAGE_NAME,
                        fullName,
                        Index.REF_NAME,
                        dev.berth.core.reference.ImageReference.parse(fullName)
                                .tag()
                                .orElseThrow()))));
        SaveManifestEntry entry = SaveManifestEntry.of(blob(config.digest()), List.of(tag), List.of(blob(layerDigest)));
        List<IOException> failures = new ArrayList<>();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new NonClosingOutputStream(out))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            put(tar, dir("blobs/", 0755), null, failures);
            put(tar, dir("blobs/sha256/", 0755), null, failures);
            TreeMap<String, byte[]> blobs = new TreeMap<>();
            blobs.put(blob(layerDigest), layer);
            blobs.put(blob(config.digest()), config.bytes());
            blobs.put(blob(manifest.digest()), manifest.bytes());
            blobs.forEach((path, data) -> put(tar, file(path, 0644, data.length), data, failures));
            byte[] indexBytes = ImageJson.bytes(index);
            byte[] manifestJson = ImageJson.bytes(List.of(entry));
            byte[] layout = ImageJson.bytes(OciLayout.CURRENT);
            put(tar, file("index.json", 0644, indexBytes.length), indexBytes, failures);
            put(tar, file("manifest.json", 0644, manifestJson.length), manifestJson, failures);
            put(tar, file(OciLayout.FILE_NAME, 0644, layout.length), layout, failures);
            if (!failures.isEmpty()) {
                throw failures.getFirst();
            }
            tar.finish();
        } catch (IOException e) {
            throw BerthException.unavailable("writing the busybox image tar failed: %s", e.getMessage());
        }
        return config.digest();
    }

    private static String blob(Digest d) {
        return "blobs/sha256/" + d.hex();
    }
}
