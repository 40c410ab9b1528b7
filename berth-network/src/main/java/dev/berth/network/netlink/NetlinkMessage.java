package dev.berth.network.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * One netlink request being written: the 16-byte nlmsghdr, a family header (ifinfomsg, ifaddrmsg,
 * rtmsg), then attributes as rtattr TLVs, each padded to 4 bytes and nestable (netlink(7),
 * rtnetlink(7)). Integers are in the host's byte order, as the kernel reads them.
 */
final class NetlinkMessage {
    static final int HEADER_LENGTH = 16;

    private final int type;
    private final int flags;
    private ByteBuffer buffer = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
    private final Deque<Integer> openNests = new ArrayDeque<>();

    private NetlinkMessage(int type, int flags) {
        this.type = type;
        this.flags = flags;
        buffer.position(HEADER_LENGTH);
    }

    /** A request of {@code type} with {@code flags} besides NLM_F_REQUEST (added here). */
    static NetlinkMessage request(int type, int flags) {
        return new NetlinkMessage(type, flags | Rtnl.NLM_F_REQUEST);
    }

    int type() {
        return type;
    }

    int flags() {
        return flags;
    }

    /** struct ifinfomsg: family, type, index, flags and the mask of flags to change. */
    NetlinkMessage ifinfo(int family, int index, int ifFlags, int change) {
        ensure(16);
        buffer.put((byte) family).put((byte) 0).putShort((short) 0);
        buffer.putInt(index).putInt(ifFlags).putInt(change);
        return this;
    }

    /** struct ifaddrmsg: family, prefix length, flags, scope, interface index. */
    NetlinkMessage ifaddr(int family, int prefixLength, int scope, int index) {
        ensure(8);
        buffer.put((byte) family).put((byte) prefixLength).put((byte) 0).put((byte) scope);
        buffer.putInt(index);
        return this;
    }

    /** struct rtmsg: family, destination prefix length, table, protocol, scope, route type. */
    NetlinkMessage rtmsg(int family, int dstLength, int table, int protocol, int scope, int routeType) {
        ensure(12);
        buffer.put((byte) family).put((byte) dstLength).put((byte) 0).put((byte) 0);
        buffer.put((byte) table).put((byte) protocol).put((byte) scope).put((byte) routeType);
        buffer.putInt(0);
        return this;
    }

    NetlinkMessage attribute(int attrType, byte[] value) {
        int length = 4 + value.length;
        ensure(align(length));
        buffer.putShort((short) length).putShort((short) attrType).put(value);
        pad();
        return this;
    }

    NetlinkMessage u32(int attrType, int value) {
        return attribute(
                attrType,
                ByteBuffer.allocate(4)
                        .order(ByteOrder.nativeOrder())
                        .putInt(value)
                        .array());
    }

    /** A NUL-terminated string, as the kernel's NLA_STRING/NLA_NUL_STRING policies take. */
    NetlinkMessage string(int attrType, String value) {
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        return attribute(attrType, Arrays.copyOf(text, text.length + 1));
    }

    /** Opens a nested attribute: what follows until {@link #endNest()} is its payload. */
    NetlinkMessage beginNest(int attrType) {
        ensure(4);
        openNests.push(buffer.position());
        buffer.putShort((short) 0).putShort((short) attrType);
        return this;
    }

    NetlinkMessage endNest() {
        int start = openNests.pop();
        buffer.putShort(start, (short) (buffer.position() - start));
        return this;
    }

    /**
     * The message with its header filled in: total length, type, its flags and {@code extraFlags}
     * (the socket's NLM_F_ACK or NLM_F_DUMP), sequence number, port 0 (the kernel).
     */
    byte[] encode(int sequence, int extraFlags) {
        if (!openNests.isEmpty()) {
            throw new IllegalStateException("netlink message has " + openNests.size() + " unclosed nested attributes");
        }
        int length = buffer.position();
        buffer.putInt(0, length)
                .putShort(4, (short) type)
                .putShort(6, (short) (flags | extraFlags))
                .putInt(8, sequence)
                .putInt(12, 0);
        return Arrays.copyOf(buffer.array(), length);
    }

    static int align(int length) {
        return (length + 3) & ~3;
    }

    private void pad() {
        while ((buffer.position() & 3) != 0) {
            buffer.put((byte) 0);
        }
    }

    private void ensure(int more) {
        if (buffer.remaining() < more) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + more))
                    .order(ByteOrder.nativeOrder());
            bigger.put(buffer.array(), 0, buffer.position());
            buffer = bigger;
        }
    }
}
