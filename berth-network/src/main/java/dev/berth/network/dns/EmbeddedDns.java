package dev.berth.network.dns;

import dev.berth.core.error.BerthException;
import dev.berth.network.etc.ResolvConf;
import dev.berth.network.netlink.NetworkNamespace;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.TcpDnsResponseEncoder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DNS server containers on user-defined networks find at 127.0.0.11, as Docker's: it lives in
 * the daemon, with a UDP and a TCP socket made inside each container's namespace on
 * 127.0.0.11 and a free port, and DNAT rules there that send port 53 to them (so a process of the
 * container can still bind port 53 itself). One Netty event loop serves every container; answers
 * that need an upstream server are fetched on virtual threads, at most 100 at a time.
 */
public final class EmbeddedDns implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDns.class);
    private static final int MAX_FORWARDS = 100;

    private final QueryAnswerer answerer;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Map<String, List<Channel>> servers = new ConcurrentHashMap<>();
    private final Semaphore forwards = new Semaphore(MAX_FORWARDS);

    public EmbeddedDns(DnsRecords records) {
        this.answerer = new QueryAnswerer(records);
    }

    /**
     * Serves {@code containerId} inside {@code namespace}.
     *
     * @param firstTime the namespace is new (its jumps to the redirect chains are added); false
     *                  when a restarted daemon takes over a running container, whose jumps exist
     */
    public void serve(String containerId, NetworkNamespace namespace, boolean firstTime) {
        stop(containerId);
        Bound bound = namespace.call(() -> bindInside(firstTime));
        Channel udp = new NioDatagramChannel(bound.udp());
        // the encoder sits behind the handler: answers go through it from the channel's tail, while
        // relayed upstream bytes, written from the handler's context, pass it by (it would take any
        // addressed envelope, a plain datagram too, for a DNS response)
        udp.pipeline().addLast(new UdpQueries(containerId), new DatagramDnsResponseEncoder());
        Channel tcp = new NioServerSocketChannel(bound.tcp());
        tcp.pipeline().addLast(new TcpAcceptor(containerId));
        group.register(udp).syncUninterruptibly();
        group.register(tcp).syncUninterruptibly();
        servers.put(containerId, List.of(udp, tcp));
    }

    /** Whether the server answers in this container's namespace. */
    public boolean serving(String containerId) {
        return servers.containsKey(containerId);
    }

    /** Stops serving a container (its namespace, and the rules in it, go with the container). */
    public void stop(String containerId) {
        List<Channel> channels = servers.remove(containerId);
        if (channels != null) {
            channels.forEach(Channel::close);
        }
    }

    private record Bound(DatagramChannel udp, ServerSocketChannel tcp) {}

    /** Runs inside the container's namespace: the sockets and the redirect from port 53 to them. */
    private static Bound bindInside(boolean firstTime) throws IOException, InterruptedException {
        InetAddress server = InetAddress.getByName(ResolvConf.EMBEDDED_SERVER);
        DatagramChannel udp = DatagramChannel.open(StandardProtocolFamily.INET);
        ServerSocketChannel tcp = ServerSocketChannel.open(StandardProtocolFamily.INET);
        try {
            udp.bind(new InetSocketAddress(server, 0));
            tcp.bind(new InetSocketAddress(server, 0));
            int udpPort = ((InetSocketAddress) udp.getLocalAddress()).getPort();
            int tcpPort = ((InetSocketAddress) tcp.getLocalAddress()).getPort();
            // a process started from this thread is in this namespace too
            Process p = new ProcessBuilder("iptables-restore", "-w", "--noflush")
                    .redirectErrorStream(true)
                    .start();
            p.getOutputStream().write(redirectRules(udpPort, tcpPort, firstTime).getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw BerthException.internal(
                        "cannot redirect the embedded DNS server's port 53: " + out.strip(), null);
            }
            return new Bound(udp, tcp);
        } catch (IOException | InterruptedException | RuntimeException e) {
            udp.close();
            tcp.close();
            throw e;
        }
    }

    /** libnetwork's resolver rules (resolver_unix.go), under Berth's chain names. */
    static String redirectRules(int udpPort, int tcpPort, boolean firstTime) {
        String ip = ResolvConf.EMBEDDED_SERVER + "/32";
        StringBuilder r = new StringBuilder("*nat\n:BERTH_OUTPUT - [0:0]\n:BERTH_POSTROUTING - [0:0]\n");
        if (firstTime) {
            r.append("-A OUTPUT -d ").append(ip).append(" -j BERTH_OUTPUT\n");
            r.append("-A POSTROUTING -d ").append(ip).append(" -j BERTH_POSTROUTING\n");
        }
        r.append("-A BERTH_OUTPUT -d ")
                .append(ip)
                .append(" -p udp -m udp --dport 53 -j DNAT --to-destination ")
                .append(ResolvConf.EMBEDDED_SERVER)
                .append(':')
                .append(udpPort)
                .append('\n');
        r.append("-A BERTH_OUTPUT -d ")
                .append(ip)
                .append(" -p tcp -m tcp --dport 53 -j DNAT --to-destination ")
                .append(ResolvConf.EMBEDDED_SERVER)
                .append(':')
                .append(tcpPort)
                .append('\n');
        r.append("-A BERTH_POSTROUTING -s ")
                .append(ip)
                .append(" -p udp -m udp --sport ")
                .append(udpPort)
                .append(" -j SNAT --to-source :53\n");
        r.append("-A BERTH_POSTROUTING -s ")
                .append(ip)
                .append(" -p tcp -m tcp --sport ")
                .append(tcpPort)
                .append(" -j SNAT --to-source :53\n");
        return r.append("COMMIT\n").toString();
    }

    /** Queries over UDP: each datagram one query. */
    private final class UdpQueries extends SimpleChannelInboundHandler<DatagramPacket> {
        private final String containerId;

        UdpQueries(String containerId) {
            this.containerId = containerId;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            InetSocketAddress client = packet.sender();
            InetSocketAddress local = packet.recipient();
            switch (answerer.decide(containerId, packet.content())) {
                case QueryAnswerer.Answer a -> ctx.channel().writeAndFlush(response(a, local, client));
                case QueryAnswerer.Forward f -> {
                    byte[] query = ByteBufUtil.getBytes(packet.content());
                    forward(
                            ctx,
                            f,
                            () -> Upstream.udp(query, f.servers()),
                            answer -> ctx.writeAndFlush(
                                    new DatagramPacket(Unpooled.wrappedBuffer(answer), client, local)),
                            () -> ctx.channel().writeAndFlush(response(f.failed(), local, client)));
                }
                case QueryAnswerer.Drop d -> {}
            }
        }

        private DatagramDnsResponse response(
                QueryAnswerer.Answer a, InetSocketAddress local, InetSocketAddress client) {
            DatagramDnsResponse r = new DatagramDnsResponse(local, client, a.id());
            a.fill(r);
            return r;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("embedded DNS of container {}: {}", containerId, cause.toString());
        }
    }

    /** Accepted TCP connections: messages framed by their two-byte length (RFC 1035 4.2.2). */
    private final class TcpAcceptor extends ChannelInboundHandlerAdapter {
        private final String containerId;

        TcpAcceptor(String containerId) {
            this.containerId = containerId;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel child = (Channel) msg;
            child.pipeline()
                    .addLast(
                            new LengthFieldBasedFrameDecoder(65535 + 2, 0, 2, 0, 2),
                            new TcpDnsResponseEncoder(),
                            new TcpQueries(containerId));
            group.register(child);
        }
    }

    private final class TcpQueries extends SimpleChannelInboundHandler<ByteBuf> {
        private final String containerId;

        TcpQueries(String containerId) {
            this.containerId = containerId;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            switch (answerer.decide(containerId, frame)) {
                case QueryAnswerer.Answer a -> ctx.writeAndFlush(response(a));
                case QueryAnswerer.Forward f -> {
                    byte[] query = ByteBufUtil.getBytes(frame);
                    forward(
                            ctx,
                            f,
                            () -> Upstream.tcp(query, f.servers()),
                            answer -> ctx.writeAndFlush(Unpooled.wrappedBuffer(
                                    new byte[] {(byte) (answer.length >> 8), (byte) answer.length}, answer)),
                            () -> ctx.writeAndFlush(response(f.failed())));
                }
                case QueryAnswerer.Drop d -> ctx.close();
            }
        }

        private DefaultDnsResponse response(QueryAnswerer.Answer a) {
            DefaultDnsResponse r = new DefaultDnsResponse(a.id());
            a.fill(r);
            return r;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Fetches an upstream answer off the event loop; too many at once, or no answer, is a SERVFAIL. */
    private void forward(
            ChannelHandlerContext ctx,
            QueryAnswerer.Forward f,
            java.util.function.Supplier<byte[]> fetch,
            java.util.function.Consumer<byte[]> relay,
            Runnable fail) {
        if (!forwards.tryAcquire()) {
            fail.run();
            return;
        }
        Thread.ofVirtual().name("dns-forward").start(() -> {
            try {
                byte[] answer = fetch.get();
                if (answer == null) {
                    fail.run();
                } else {
                    relay.accept(answer);
                }
            } finally {
                forwards.release();
            }
        });
    }

    @Override
    public void close() {
        servers.keySet().forEach(this::stop);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
