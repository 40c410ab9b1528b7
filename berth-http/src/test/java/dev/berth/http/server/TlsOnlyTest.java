package dev.berth.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The first handler of a TLS listener, on an EmbeddedChannel. */
class TlsOnlyTest {
    private static SslContext tls;

    @BeforeAll
    static void certificate() throws Exception {
        SelfSignedCertificate cert = new SelfSignedCertificate("localhost");
        tls = SslContextBuilder.forServer(cert.certificate(), cert.privateKey()).build();
    }

    private static String received(EmbeddedChannel channel) {
        StringBuilder out = new StringBuilder();
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return out.toString();
    }

    @Test
    void plainHttpGetsGosAnswerAndIsClosed() {
        EmbeddedChannel channel = new EmbeddedChannel(new TlsOnly(tls));
        channel.writeInbound(
                Unpooled.copiedBuffer("GET /_ping HTTP/1.1\r\nHost: d\r\n\r\n", StandardCharsets.ISO_8859_1));
        assertThat(received(channel)).isEqualTo(TlsOnly.PLAIN_HTTP_ANSWER);
        assertThat(channel.isOpen()).isFalse();
        assertThat((Object) channel.readInbound()).as("no plain byte goes on").isNull();
    }

    @Test
    void otherPlainBytesAreClosedUnanswered() {
        EmbeddedChannel channel = new EmbeddedChannel(new TlsOnly(tls));
        channel.writeInbound(Unpooled.copiedBuffer("HELLO THERE\r\n", StandardCharsets.ISO_8859_1));
        assertThat(received(channel)).isEmpty();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aTlsClientHelloGetsTheSslHandler() {
        EmbeddedChannel channel = new EmbeddedChannel(new TlsOnly(tls));
        // The header of a TLS record (handshake, version 3.1, length 512) is enough to tell.
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {22, 3, 1, 2, 0}));
        assertThat(channel.pipeline().get(SslHandler.class)).isNotNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void aClientThatSendsNothingIsClosedAfterTheFirstBytesTimeout() {
        EmbeddedChannel silent = new EmbeddedChannel();
        silent.freezeTime();
        silent.pipeline().addLast(new TlsOnly(tls));
        silent.advanceTimeBy(TlsOnly.FIRST_BYTES_TIMEOUT_SECONDS - 1, TimeUnit.SECONDS);
        silent.runScheduledPendingTasks();
        assertThat(silent.isOpen()).isTrue();
        silent.advanceTimeBy(1, TimeUnit.SECONDS);
        silent.runScheduledPendingTasks();
        assertThat(silent.isOpen()).isFalse();
    }
}
