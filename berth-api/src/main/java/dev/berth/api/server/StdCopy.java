package dev.berth.api.server;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Docker's multiplexed stream format ({@code pkg/stdcopy}), used for attach, exec and logs of
 * containers without a TTY: each frame is an 8-byte header {@code [stream, 0, 0, 0, size as
 * big-endian uint32]} followed by {@code size} bytes of that stream.
 */
public final class StdCopy {
    /** Stream numbers in the frame header. */
    public enum Stream {
        STDIN(0),
        STDOUT(1),
        STDERR(2),
        SYSTEM(3);

        final int id;

        Stream(int id) {
            this.id = id;
        }
    }

    private StdCopy() {}

    /**
     * An OutputStream that frames every write as one {@code stream} frame on {@code out}. Writers
     * for stdout and stderr may share {@code out}: frames are written under {@code out}'s lock
     * so they never interleave.
     */
    public static OutputStream writer(OutputStream out, Stream stream) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return;
                }
                byte[] frame = new byte[8 + len];
                frame[0] = (byte) stream.id;
                frame[4] = (byte) (len >>> 24);
                frame[5] = (byte) (len >>> 16);
                frame[6] = (byte) (len >>> 8);
                frame[7] = (byte) len;
                System.arraycopy(b, off, frame, 8, len);
                synchronized (out) {
                    out.write(frame);
                    out.flush();
                }
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }
        };
    }

    /** One decoded frame. */
    public record Frame(Stream stream, byte[] payload) {}

    /** Reads the next frame, or {@code null} at a clean end of stream. */
    public static Frame readFrame(InputStream in) throws IOException {
        byte[] header = new byte[8];
        int n = in.readNBytes(header, 0, 8);
        if (n == 0) {
            return null;
        }
        if (n < 8) {
            throw new EOFException("truncated stdcopy frame header");
        }
        int id = header[0];
        if (id < 0 || id > 3) {
            throw new IOException("unrecognized stdcopy stream " + id);
        }
        int size = ((header[4] & 0xff) << 24)
                | ((header[5] & 0xff) << 16)
                | ((header[6] & 0xff) << 8)
                | (header[7] & 0xff);
        byte[] payload = in.readNBytes(size);
        if (payload.length < size) {
            throw new EOFException("truncated stdcopy frame: expected " + size + " bytes, got " + payload.length);
        }
        return new Frame(Stream.values()[id], payload);
    }
}
