package dev.berth.network.netlink;

import dev.berth.core.sys.Errno;
import dev.berth.core.sys.Sockets;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A NETLINK_ROUTE socket of the network namespace it was opened in (a socket keeps its namespace
 * for life, whichever thread uses it later). Requests are answered in order; one caller at a time.
 */
final class NetlinkSocket implements AutoCloseable {
    private static final int RECEIVE_BUFFER = 64 * 1024;
    private static final int NLM_F_DUMP_INTR = 0x10;
    private static final int MSG_TRUNC = 0x20;

    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment receiveBuffer = arena.allocate(RECEIVE_BUFFER, 8);
    private int sequence;
    private boolean closed;

    private NetlinkSocket(int fd) {
        this.fd = fd;
    }

    /** A socket in the calling thread's network namespace. */
    static NetlinkSocket open() {
        int fd = Sockets.open(Sockets.AF_NETLINK, Sockets.SOCK_RAW, Rtnl.NETLINK_ROUTE, "rtnetlink");
        try {
            // struct sockaddr_nl: family, pad, port id 0 (the kernel picks one), no multicast groups
            byte[] address = ByteBuffer.allocate(12)
                    .order(ByteOrder.nativeOrder())
                    .putShort((short) Sockets.AF_NETLINK)
                    .array();
            Sockets.bind(fd, address, "rtnetlink");
            // errors carry the kernel's explanation and not a copy of the whole request
            Sockets.setOption(fd, Rtnl.SOL_NETLINK, Rtnl.NETLINK_EXT_ACK, 1, "rtnetlink extended ack");
            Sockets.setOption(fd, Rtnl.SOL_NETLINK, Rtnl.NETLINK_CAP_ACK, 1, "rtnetlink capped ack");
            return new NetlinkSocket(fd);
        } catch (RuntimeException e) {
            Sockets.close(fd);
            throw e;
        }
    }

    /** Sends {@code message} asking for an acknowledgement; a kernel error throws naming {@code what}. */
    synchronized void execute(NetlinkMessage message, String what) {
        int seq = send(message, Rtnl.NLM_F_ACK, what);
        while (true) {
            for (NetlinkReply reply : receive(what)) {
                if (reply.sequence() != seq) {
                    continue; // a late answer to an earlier request that failed half-way
                }
                if (reply.type() == Rtnl.NLMSG_ERROR) {
                    throwIfError(reply, what);
                    return;
                }
            }
        }
    }

    /** Sends a dump request and returns every message of the answer (retried when the kernel says it changed mid-dump). */
    synchronized List<NetlinkReply> dump(NetlinkMessage message, String what) {
        while (true) {
            int seq = send(message, Rtnl.NLM_F_DUMP, what);
            List<NetlinkReply> all = new ArrayList<>();
            boolean interrupted = false;
            boolean done = false;
            while (!done) {
                for (NetlinkReply reply : receive(what)) {
                    if (reply.sequence() != seq) {
                        continue;
                    }
                    interrupted |= (reply.flags() & NLM_F_DUMP_INTR) != 0;
                    if (reply.type() == Rtnl.NLMSG_DONE) {
                        done = true;
                    } else if (reply.type() == Rtnl.NLMSG_ERROR) {
                        throwIfError(reply, what);
                        done = true;
                    } else {
                        all.add(reply);
                    }
                }
            }
            if (!interrupted) {
                return all;
            }
        }
    }

    private int send(NetlinkMessage message, int extraFlags, String what) {
        ensureOpen();
        int seq = ++sequence;
        byte[] bytes = message.encode(seq, extraFlags);
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(bytes.length, 8);
            MemorySegment.copy(bytes, 0, out, ValueLayout.JAVA_BYTE, 0, bytes.length);
            Sockets.send(fd, out, bytes.length, "rtnetlink " + what);
        }
        return seq;
    }

    private List<NetlinkReply> receive(String what) {
        long n = Sockets.receive(fd, receiveBuffer, MSG_TRUNC, "rtnetlink " + what);
        if (n > RECEIVE_BUFFER) {
            throw new IllegalStateException("rtnetlink " + what + ": a reply of " + n + " bytes did not fit");
        }
        // a fresh array per datagram: the replies of a dump are kept while the next ones arrive
        byte[] datagram = new byte[(int) n];
        MemorySegment.copy(receiveBuffer, ValueLayout.JAVA_BYTE, 0, datagram, 0, (int) n);
        return NetlinkReply.split(datagram, (int) n);
    }

    private static void throwIfError(NetlinkReply reply, String what) {
        int error = reply.error();
        if (error != 0) {
            throw Errno.exception("netlink", what, -error, reply.errorMessage());
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("rtnetlink socket is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Sockets.close(fd);
            arena.close();
        }
    }
}
