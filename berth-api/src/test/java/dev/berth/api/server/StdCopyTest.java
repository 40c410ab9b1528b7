package dev.berth.api.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;

class StdCopyTest {
    @Test
    void framesEachWriteWithStreamAndBigEndianLength() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        OutputStream out = StdCopy.writer(wire, StdCopy.Stream.STDOUT);
        OutputStream err = StdCopy.writer(wire, StdCopy.Stream.STDERR);
        out.write("hello\n".getBytes());
        err.write(new byte[300]);
        byte[] bytes = wire.toByteArray();
        assertThat(bytes).startsWith(1, 0, 0, 0, 0, 0, 0, 6, 'h', 'e', 'l', 'l', 'o', '\n', 2, 0, 0, 0, 0, 0, 1, 44);
        assertThat(bytes).hasSize(8 + 6 + 8 + 300);

        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        StdCopy.Frame first = StdCopy.readFrame(in);
        assertThat(first.stream()).isEqualTo(StdCopy.Stream.STDOUT);
        assertThat(new String(first.payload())).isEqualTo("hello\n");
        StdCopy.Frame second = StdCopy.readFrame(in);
        assertThat(second.stream()).isEqualTo(StdCopy.Stream.STDERR);
        assertThat(second.payload()).hasSize(300);
        assertThat(StdCopy.readFrame(in)).isNull();
    }

    @Test
    void truncatedFrameIsAnError() {
        byte[] truncated = {1, 0, 0, 0, 0, 0, 0, 10, 'a', 'b'};
        assertThatThrownBy(() -> StdCopy.readFrame(new ByteArrayInputStream(truncated)))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("expected 10 bytes, got 2");
    }
}
