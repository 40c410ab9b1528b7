package dev.berth.core.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.sys.Libc;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Layers written by other tools: GNU tar in its formats, and PAX records with binary values. */
class TarReaderInteropTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"pax", "gnu", "ustar"})
    void unpacksWhatGnuTarWrites(String format) throws Exception {
        Path source = Files.createDirectory(tmp.resolve("source"));
        String deep = format.equals("ustar")
                ? "d".repeat(90) + "/" + "e".repeat(60)
                : "d".repeat(120) + "/" + "e".repeat(120);
        Files.createDirectories(source.resolve(deep));
        Files.writeString(source.resolve(deep + "/file"), "deep");
        Files.write(source.resolve("big"), new byte[3 * 1024 * 1024 + 7]);
        Libc.symlink(format.equals("ustar") ? "target" : "t".repeat(150), source.resolve("link"));
        Libc.link(source.resolve("big"), source.resolve("big-hardlink"));
        Libc.chmod(source.resolve("big"), 04750);
        Libc.mkfifo(source.resolve("fifo"), 0600);
        Libc.utimensat(source.resolve(deep + "/file"), 1, 0, 1_500_000_000L, 987_654_321L, false);
        if (format.equals("pax")) {
            Libc.lsetxattr(source.resolve("big"), "user.binary", new byte[] {0, (byte) 0xfe, 10, 'x'}, 0);
        }
        Path layer = tmp.resolve("layer.tar");
        Process tar = new ProcessBuilder(
                        "tar",
                        "--format=" + format,
                        "--xattrs",
                        "--xattrs-include=user.*",
                        "--numeric-owner",
                        "-C",
                        source.toString(),
                        "-cf",
                        layer.toString(),
                        ".")
                .redirectErrorStream(true)
                .start();
        String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor()).as(output).isZero();

        Path copy = Files.createDirectory(tmp.resolve("copy"));
        try (InputStream in = Files.newInputStream(layer)) {
            new LayerUnpacker(WhiteoutMode.APPLY).unpack(in, copy);
        }
        assertThat(TreeListing.of(copy, true)).isEqualTo(TreeListing.of(source, true));
        if (format.equals("pax")) {
            assertThat(Files.getLastModifiedTime(copy.resolve(deep + "/file"))
                            .toInstant()
                            .getNano())
                    .isEqualTo(987_654_321);
        }
    }

    @Test
    void binaryPaxXattrValuesAreKeptByteExact() throws Exception {
        byte[] capability = {1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff};
        ByteArrayOutputStream pax = new ByteArrayOutputStream();
        paxRecord(pax, "SCHILY.xattr.user.cap".getBytes(StandardCharsets.UTF_8), capability);
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        tar.write(header("PaxHeaders/ping", 'x', pax.size()));
        tar.write(padded(pax.toByteArray()));
        tar.write(header("ping", '0', 4));
        tar.write(padded("ELF!".getBytes(StandardCharsets.UTF_8)));
        tar.write(new byte[1024]);

        Path root = Files.createDirectory(tmp.resolve("root"));
        new LayerUnpacker(WhiteoutMode.APPLY).unpack(new ByteArrayInputStream(tar.toByteArray()), root);
        assertThat(Libc.lgetxattr(root.resolve("ping"), "user.cap")).isEqualTo(capability);
        assertThat(Files.readString(root.resolve("ping"))).isEqualTo("ELF!");
    }

    @Test
    void aStreamThatEndsInTheLastEntrysPaddingEndsTheArchive() throws Exception {
        // the docker CLI sends such a build context when it adds a Dockerfile from stdin; Go reads it
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        tar.write(header("first", '0', 2));
        tar.write(padded("1\n".getBytes(StandardCharsets.UTF_8)));
        tar.write(header("last", '0', 5));
        tar.write("last\n".getBytes(StandardCharsets.UTF_8));
        Path root = Files.createDirectory(tmp.resolve("unpadded"));
        new LayerUnpacker(WhiteoutMode.PLAIN).unpack(new ByteArrayInputStream(tar.toByteArray()), root);
        assertThat(Files.readString(root.resolve("last"))).isEqualTo("last\n");

        ByteArrayOutputStream cut = new ByteArrayOutputStream();
        cut.write(header("cut", '0', 100));
        cut.write("only part of the data".getBytes(StandardCharsets.UTF_8));
        Path other = Files.createDirectory(tmp.resolve("cut"));
        assertThatThrownBy(() -> new LayerUnpacker(WhiteoutMode.PLAIN)
                        .unpack(new ByteArrayInputStream(cut.toByteArray()), other))
                .hasMessageContaining("truncated");
    }

    private static void paxRecord(ByteArrayOutputStream out, byte[] key, byte[] value) {
        int rest = 1 + key.length + 1 + value.length + 1; // " key=value\n"
        int len = rest + String.valueOf(rest).length();
        if (String.valueOf(len).length() != String.valueOf(rest).length()) {
            len++;
        }
        out.writeBytes(String.valueOf(len).getBytes(StandardCharsets.US_ASCII));
        out.write(' ');
        out.writeBytes(key);
        out.write('=');
        out.writeBytes(value);
        out.write('\n');
    }

    private static byte[] header(String name, char type, long size) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, "%011o".formatted(size));
        put(h, 136, "%011o".formatted(1_600_000_000L));
        h[156] = (byte) type;
        put(h, 257, "ustar");
        put(h, 263, "00");
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, "%06o".formatted(sum));
        h[154] = 0;
        return h;
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }

    private static byte[] padded(byte[] data) {
        return java.util.Arrays.copyOf(data, (data.length + 511) / 512 * 512);
    }
}
