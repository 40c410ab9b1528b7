package dev.berth.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

/** Which responses end a connection, on the handler alone. */
class KeepAliveTest {
    private final EmbeddedChannel channel = new EmbeddedChannel(new KeepAlive());

    private void request(HttpVersion version, HttpMethod method, String connection) {
        var request = new DefaultFullHttpRequest(version, method, "/");
        if (connection != null) {
            request.headers().set(HttpHeaderNames.CONNECTION, connection);
        }
        channel.writeInbound(request);
        ReferenceCountUtil.release(channel.readInbound());
    }

    private HttpResponse respond(HttpResponse response) {
        channel.writeOutbound(response);
        if (!(response instanceof LastHttpContent)) {
            channel.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        HttpResponse out = channel.readOutbound();
        Object rest;
        while ((rest = channel.readOutbound()) != null) {
            ReferenceCountUtil.release(rest);
        }
        return out;
    }

    private static HttpResponse withLength(HttpResponseStatus status) {
        var r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
        HttpUtil.setContentLength(r, 0);
        return r;
    }

    @Test
    void aDelimitedResponseKeepsTheConnection() {
        request(HttpVersion.HTTP_1_1, HttpMethod.GET, null);
        HttpResponse r = respond(withLength(HttpResponseStatus.OK));
        assertThat(r.headers().contains(HttpHeaderNames.CONNECTION)).isFalse();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aNotModifiedAndANoContentNeedNoLength() {
        request(HttpVersion.HTTP_1_1, HttpMethod.GET, null);
        respond(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED));
        request(HttpVersion.HTTP_1_1, HttpMethod.DELETE, null);
        respond(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT));
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void theClientsCloseEndsTheConnectionAfterTheResponse() {
        request(HttpVersion.HTTP_1_1, HttpMethod.GET, "close");
        HttpResponse r = respond(withLength(HttpResponseStatus.OK));
        assertThat(r.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aResponseWithoutLengthEndsTheConnection() {
        request(HttpVersion.HTTP_1_1, HttpMethod.GET, null);
        HttpResponse r = respond(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        assertThat(r.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void anHttp10ClientThatAsksToKeepIsToldSo() {
        request(HttpVersion.HTTP_1_0, HttpMethod.GET, "keep-alive");
        HttpResponse r = respond(withLength(HttpResponseStatus.OK));
        assertThat(r.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("keep-alive");
        assertThat(channel.isOpen()).isTrue();
        request(HttpVersion.HTTP_1_0, HttpMethod.GET, null);
        respond(withLength(HttpResponseStatus.OK));
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void pipelinedRequestsCloseAfterTheOneThatAsked() {
        request(HttpVersion.HTTP_1_1, HttpMethod.GET, null);
        request(HttpVersion.HTTP_1_1, HttpMethod.GET, "close");
        respond(withLength(HttpResponseStatus.OK));
        assertThat(channel.isOpen()).isTrue();
        respond(withLength(HttpResponseStatus.OK));
        assertThat(channel.isOpen()).isFalse();
    }
}
