package dev.berth.network.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.Prerequisites;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class NetlinkMessageTest {
    @Test
    void bridgeRequestIsTheKernelsLayoutByteForByte() {
        Prerequisites.require(
                ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN,
                "a little-endian machine (the expected bytes are x86_64/aarch64)");
        byte[] bytes = RtNetlink.bridgeMessage("br0", 0).encode(7, Rtnl.NLM_F_ACK);

        // nlmsghdr: length 56, RTM_NEWLINK, REQUEST|ACK|EXCL|CREATE, seq 7, port 0
        String header = "38000000" + "1000" + "0506" + "07000000" + "00000000";
        String ifinfomsg = "00" + "00" + "0000" + "00000000" + "00000000" + "00000000";
        String ifname = "0800" + "0300" + "62723000";
        // IFLA_LINKINFO (18) holding IFLA_INFO_KIND (1) "bridge\0" padded to 12: the nest counts the padding
        String linkinfo = "1000" + "1200" + "0b00" + "0100" + "6272696467650000";
        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo(header + ifinfomsg + ifname + linkinfo);
    }

    @Test
    void vethRequestNestsThePeerWithItsOwnIfinfomsgNamespaceAndMac() {
        byte[] mac = {0x02, 0x42, (byte) 0xac, 0x11, 0x00, 0x02};
        byte[] bytes =
                RtNetlink.vethMessage("veth1234567", 9, 1500, "eth0", mac, 42).encode(1, Rtnl.NLM_F_ACK);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());

        assertThat(b.getInt(0)).isEqualTo(bytes.length);
        assertThat(b.getShort(4)).isEqualTo((short) Rtnl.RTM_NEWLINK);
        assertThat(b.getInt(16 + 8)).as("ifi_flags").isEqualTo(Rtnl.IFF_UP);
        assertThat(b.getInt(16 + 12)).as("ifi_change").isEqualTo(Rtnl.IFF_UP);
        NetlinkReply asReply = NetlinkReply.split(bytes, bytes.length).getFirst();
        Attributes top = Attributes.parse(asReply.payload(), 16);
        assertThat(top.string(Rtnl.IFLA_IFNAME)).isEqualTo("veth1234567");
        assertThat(top.u32(Rtnl.IFLA_MASTER, -1)).isEqualTo(9);
        assertThat(top.u32(Rtnl.IFLA_MTU, -1)).isEqualTo(1500);
        Attributes info = top.nested(Rtnl.IFLA_LINKINFO);
        assertThat(info.string(Rtnl.IFLA_INFO_KIND)).isEqualTo("veth");
        ByteBuffer peer = ByteBuffer.wrap(info.nested(Rtnl.IFLA_INFO_DATA).bytes(Rtnl.VETH_INFO_PEER))
                .order(ByteOrder.nativeOrder());
        assertThat(peer.get(0)).as("peer ifinfomsg family").isEqualTo((byte) Rtnl.AF_UNSPEC);
        Attributes peerAttributes = Attributes.parse(peer, 16);
        assertThat(peerAttributes.string(Rtnl.IFLA_IFNAME)).isEqualTo("eth0");
        assertThat(peerAttributes.u32(Rtnl.IFLA_NET_NS_FD, -1)).isEqualTo(42);
        assertThat(peerAttributes.bytes(Rtnl.IFLA_ADDRESS)).isEqualTo(mac);
    }

    @Test
    void everyAttributeStartsOnAFourByteBoundary() {
        NetlinkMessage m = NetlinkMessage.request(Rtnl.RTM_NEWLINK, 0)
                .ifinfo(0, 0, 0, 0)
                .string(Rtnl.IFLA_IFNAME, "a")
                .attribute(Rtnl.IFLA_ADDRESS, new byte[] {1, 2, 3, 4, 5, 6})
                .u32(Rtnl.IFLA_MTU, 1400);
        byte[] bytes = m.encode(1, 0);
        assertThat(bytes.length % 4).isZero();
        Attributes a = Attributes.parse(
                NetlinkReply.split(bytes, bytes.length).getFirst().payload(), 16);
        assertThat(a.string(Rtnl.IFLA_IFNAME)).isEqualTo("a");
        assertThat(a.bytes(Rtnl.IFLA_ADDRESS)).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(a.u32(Rtnl.IFLA_MTU, 0)).isEqualTo(1400);
    }

    @Test
    void errorReplyCarriesErrnoAndTheKernelsExplanation() {
        // NLMSG_ERROR with -EEXIST, capped (the request's header only), then NLMSGERR_ATTR_MSG
        ByteBuffer b = ByteBuffer.allocate(16 + 4 + 16 + 20).order(ByteOrder.nativeOrder());
        b.putInt(b.capacity())
                .putShort((short) Rtnl.NLMSG_ERROR)
                .putShort((short) (Rtnl.NLM_F_CAPPED | Rtnl.NLM_F_ACK_TLVS))
                .putInt(3)
                .putInt(0);
        b.putInt(-17);
        b.putInt(40)
                .putShort((short) Rtnl.RTM_NEWLINK)
                .putShort((short) 0)
                .putInt(3)
                .putInt(0);
        b.putShort((short) 19).putShort((short) Rtnl.NLMSGERR_ATTR_MSG).put("already there\0".getBytes());
        NetlinkReply reply = NetlinkReply.split(b.array(), b.capacity()).getFirst();
        assertThat(reply.type()).isEqualTo(Rtnl.NLMSG_ERROR);
        assertThat(reply.error()).isEqualTo(-17);
        assertThat(reply.errorMessage()).isEqualTo("already there");
    }
}
