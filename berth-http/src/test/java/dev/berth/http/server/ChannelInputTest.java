package dev.berth.http.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.EOFException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ChannelInputTest {
    private final AtomicInteger resumes = new AtomicInteger();
    private final ChannelInput input = new ChannelInput(resumes::incrementAndGet);

    @Test
    void pausesWhenFullAndResumesOnceDrainedBelowLowWater() throws Exception {
        int block = 64 * 1024;
        while (!input.pauseIfFull()) {
            input.offer(Unpooled.wrappedBuffer(new byte[block]));
        }
        assertThat(input.available()).isGreaterThanOrEqualTo(ChannelInput.HIGH);
        byte[] buf = new byte[block];
        while (input.available() >= ChannelInput.LOW) {
            assertThat(resumes).hasValue(0);
            input.read(buf);
        }
        assertThat(resumes).as("asked to read again exactly once").hasValue(1);
    }

    @Test
    void endsAfterQueuedBytesAndReportsFailureAfterThem() throws Exception {
        input.offer(Unpooled.wrappedBuffer("abc".getBytes()));
        input.end();
        assertThat(input.readAllBytes()).isEqualTo("abc".getBytes());
        assertThat(input.read()).isEqualTo(-1);

        ChannelInput broken = new ChannelInput(() -> {});
        broken.offer(Unpooled.wrappedBuffer("xy".getBytes()));
        broken.fail(new EOFException("client closed the connection"));
        assertThat(broken.read()).isEqualTo('x');
        assertThat(broken.read()).isEqualTo('y');
        assertThatThrownBy(broken::read).isInstanceOf(EOFException.class);
    }

    @Test
    void closeReleasesBuffersAndDiscardsLaterOnes() {
        ByteBuf queued = Unpooled.buffer().writeBytes(new byte[10]);
        input.offer(queued);
        input.close();
        assertThat(queued.refCnt()).isZero();
        ByteBuf late = Unpooled.buffer().writeBytes(new byte[10]);
        input.offer(late);
        assertThat(late.refCnt()).isZero();
    }
}
