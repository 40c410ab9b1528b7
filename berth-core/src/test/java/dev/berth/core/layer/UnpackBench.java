package dev.berth.core.layer;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The unpack benchmark's Berth side (bench/unpack.sh runs it; not a test). Stays up as the daemon
 * would: reads destination directories from stdin, one per line, unpacks the layer into each and
 * prints the wall time, so the script can alternate tar and Berth runs under the same load.
 *
 * <p>Usage: {@code UnpackBench <layer file> [overlay|apply]}, then destinations on stdin.
 */
public final class UnpackBench {
    private UnpackBench() {}

    public static void main(String[] args) throws Exception {
        Path layer = Path.of(args[0]);
        WhiteoutMode mode = args.length > 1 && args[1].equals("apply") ? WhiteoutMode.APPLY : WhiteoutMode.OVERLAY;
        LayerUnpacker unpacker = new LayerUnpacker(mode);
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in));
        String line;
        while ((line = commands.readLine()) != null) {
            Path dest = Path.of(line.trim());
            Files.createDirectories(dest);
            long start = System.nanoTime();
            LayerDigest result;
            try (InputStream in = Files.newInputStream(layer)) {
                result = unpacker.unpack(in, dest);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf(
                    "berth: %d ms (diff ID %s, %d bytes)%n", millis, result.diffId(), result.uncompressedSize());
            System.out.flush();
        }
    }
}
