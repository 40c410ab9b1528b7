package dev.berth.registry.it;

import dev.berth.core.digest.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A one-layer OCI image layout made from /bin/busybox (bin/busybox plus a bin/sh symlink), for
 * clients like skopeo to push. {@code extra} makes a second image with a different top layer.
 */
public record TestImage(
        Path layout, Digest manifest, Digest config, Digest layer, byte[] layerBytes, long manifestSize) {

    public static TestImage create(Path layout, String extra) throws IOException {
        byte[] busybox = Files.readAllBytes(Path.of("/bin/busybox"));
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            TarArchiveEntry dir = new TarArchiveEntry("bin/");
            dir.setMode(040755);
            out.putArchiveEntry(dir);
            out.closeArchiveEntry();
            TarArchiveEntry bb = new TarArchiveEntry("bin/busybox");
            bb.setMode(0100755);
            bb.setSize(busybox.length);
            out.putArchiveEntry(bb);
            out.write(busybox);
            out.closeArchiveEntry();
            TarArchiveEntry sh = new TarArchiveEntry("bin/sh", TarArchiveEntry.LF_SYMLINK);
            sh.setLinkName("busybox");
            out.putArchiveEntry(sh);
            out.closeArchiveEntry();
            if (extra != null) {
                byte[] e = extra.getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry f = new TarArchiveEntry("etc/extra");
                f.setMode(0100644);
                f.setSize(e.length);
                out.putArchiveEntry(f);
                out.write(e);
                out.closeArchiveEntry();
            }
        }
        byte[] tarBytes = tar.toByteArray();
        Digest diffId = Digest.sha256(tarBytes);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
            g.write(tarBytes);
        }
        byte[] layer = gz.toByteArray();
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/sh\"]},"
                        + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffId + "\"]},"
                        + "\"history\":[{\"created_by\":\"berth registry test\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        Digest layerDigest = write(layout, layer);
        Digest configDigest = write(layout, config);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                        + configDigest
                        + "\",\"size\":" + config.length
                        + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                        + "\"digest\":\"" + layerDigest + "\",\"size\":" + layer.length + "}]}")
                .getBytes(StandardCharsets.UTF_8);
        Digest manifestDigest = write(layout, manifest);
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(
                layout.resolve("index.json"),
                "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                        + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + manifestDigest
                        + "\",\"size\":"
                        + manifest.length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"latest\"}}]}");
        return new TestImage(layout, manifestDigest, configDigest, layerDigest, layer, manifest.length);
    }

    private static Digest write(Path layout, byte[] data) throws IOException {
        Digest d = Digest.sha256(data);
        Path p = layout.resolve("blobs/sha256").resolve(d.hex());
        Files.createDirectories(p.getParent());
        Files.write(p, data);
        return d;
    }
}
