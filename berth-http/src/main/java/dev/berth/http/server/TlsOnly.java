package dev.berth.http.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.OptionalSslHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The first handler of a connection to a TLS listener: a TLS client gets the SslHandler; a client
 * that speaks plain HTTP gets Go's answer, as dockerd's clients see it ("400 Bad Request", "Client
 * sent an HTTP request to an HTTPS server."), and anything else is closed unanswered. Either way
 * no plain byte reaches the API.
 */
final class TlsOnly extends OptionalSslHandler {
    static final String PLAIN_HTTP_ANSWER =
            "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n";
    /**
     * How long a client may take to send the five bytes that tell TLS from plain: the
     * SslHandler's own handshake timeout starts only after them, so a client that connects and
     * sends nothing would otherwise hold its connection (and a descriptor) for ever.
     */
    static final long FIRST_BYTES_TIMEOUT_SECONDS = 10;

    TlsOnly(SslContext ssl) {
        super(ssl);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        ctx.executor()
                .schedule(
                        () -> {
                            if (ctx.pipeline().context(this) != null) {
                                ctx.close(); // still undecided: neither TLS nor plain HTTP came
                            }
                        },
                        FIRST_BYTES_TIMEOUT_SECONDS,
                        TimeUnit.SECONDS);
    }

    @Override
    protected ChannelHandler newNonSslHandler(ChannelHandlerContext ctx) {
        return new Refusal();
    }

    /** Answers (or not) and closes; never passes the bytes on. */
    private static final class Refusal extends ChannelInboundHandlerAdapter {
        private boolean answered;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (answered) {
                    return;
                }
                answered = true;
                if (msg instanceof ByteBuf buf && looksLikeHttp(buf)) {
                    ctx.writeAndFlush(Unpooled.copiedBuffer(PLAIN_HTTP_ANSWER, StandardCharsets.US_ASCII))
                            .addListener(ChannelFutureListener.CLOSE);
                } else {
                    ctx.close();
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // swallowed: the HTTP handlers behind must not ask for more
        }
    }

    /** Go's test (net/http's tlsRecordHeaderLooksLikeHTTP): the five bytes a TLS header would be. */
    static boolean looksLikeHttp(ByteBuf buf) {
        if (buf.readableBytes() < 5) {
            return false;
        }
        String head = buf.toString(buf.readerIndex(), 5, StandardCharsets.US_ASCII);
        return switch (head) {
            case "GET /", "HEAD ", "POST ", "PUT /", "OPTIO" -> true;
            default -> false;
        };
    }
}
