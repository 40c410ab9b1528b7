package dev.berth.network.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One message the kernel sent: its header fields and its payload (family header and attributes).
 *
 * @param payload the bytes after the nlmsghdr, positioned at 0, in the host's byte order
 */
record NetlinkReply(int type, int flags, int sequence, ByteBuffer payload) {

    /** The messages of one received datagram (several when the kernel batches a dump). */
    static List<NetlinkReply> split(byte[] datagram, int length) {
        ByteBuffer all = ByteBuffer.wrap(datagram, 0, length).order(ByteOrder.nativeOrder());
        List<NetlinkReply> replies = new ArrayList<>();
        int at = 0;
        while (at + NetlinkMessage.HEADER_LENGTH <= length) {
            int messageLength = all.getInt(at);
            if (messageLength < NetlinkMessage.HEADER_LENGTH || at + messageLength > length) {
                throw new IllegalStateException(
                        "netlink reply with a bad length " + messageLength + " at " + at + " of " + length);
            }
            int type = all.getShort(at + 4) & 0xffff;
            int flags = all.getShort(at + 6) & 0xffff;
            int sequence = all.getInt(at + 8);
            ByteBuffer payload = all.slice(
                            at + NetlinkMessage.HEADER_LENGTH, messageLength - NetlinkMessage.HEADER_LENGTH)
                    .order(ByteOrder.nativeOrder());
            replies.add(new NetlinkReply(type, flags, sequence, payload));
            at += NetlinkMessage.align(messageLength);
        }
        return replies;
    }

    /** An NLMSG_ERROR's error: 0 for an acknowledgement, else a negative errno. */
    int error() {
        return payload.getInt(0);
    }

    /**
     * The kernel's extended-ack text (NLMSGERR_ATTR_MSG) of an NLMSG_ERROR, or null. With
     * NETLINK_CAP_ACK the original request is cut to its header, so the attributes follow it.
     */
    String errorMessage() {
        if ((flags & Rtnl.NLM_F_ACK_TLVS) == 0) {
            return null;
        }
        int requestLength = (flags & Rtnl.NLM_F_CAPPED) != 0
                ? NetlinkMessage.HEADER_LENGTH
                : payload.getInt(4); // the echoed request's own nlmsg_len
        int at = 4 + NetlinkMessage.align(requestLength);
        if (at > payload.limit()) {
            return null;
        }
        return Attributes.parse(payload, at).string(Rtnl.NLMSGERR_ATTR_MSG);
    }
}
