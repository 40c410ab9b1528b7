package dev.berth.network.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** The rtattr TLVs of a message or of a nested attribute, by type (the first of each type). */
final class Attributes {
    private static final int NLA_TYPE_MASK = 0x3fff; // without NLA_F_NESTED and NLA_F_NET_BYTEORDER

    private final Map<Integer, ByteBuffer> values;

    private Attributes(Map<Integer, ByteBuffer> values) {
        this.values = values;
    }

    /** The attributes of {@code buffer} from {@code offset} to its limit. */
    static Attributes parse(ByteBuffer buffer, int offset) {
        Map<Integer, ByteBuffer> values = new HashMap<>();
        int at = offset;
        while (at + 4 <= buffer.limit()) {
            int length = buffer.getShort(at) & 0xffff;
            int type = buffer.getShort(at + 2) & NLA_TYPE_MASK;
            if (length < 4 || at + length > buffer.limit()) {
                break;
            }
            values.putIfAbsent(type, buffer.slice(at + 4, length - 4).order(ByteOrder.nativeOrder()));
            at += NetlinkMessage.align(length);
        }
        return new Attributes(values);
    }

    boolean has(int type) {
        return values.containsKey(type);
    }

    byte[] bytes(int type) {
        ByteBuffer v = values.get(type);
        if (v == null) {
            return null;
        }
        byte[] out = new byte[v.remaining()];
        v.duplicate().get(out);
        return out;
    }

    /** An unsigned 32-bit value, or {@code absent}. */
    long u32(int type, long absent) {
        ByteBuffer v = values.get(type);
        return v == null || v.remaining() < 4 ? absent : v.getInt(0) & 0xffffffffL;
    }

    /** A string attribute without its terminating NUL, or null. */
    String string(int type) {
        byte[] b = bytes(type);
        if (b == null) {
            return null;
        }
        int end = 0;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }

    /** The attributes nested in {@code type}, or an empty set. */
    Attributes nested(int type) {
        ByteBuffer v = values.get(type);
        return v == null ? new Attributes(Map.of()) : parse(v, 0);
    }
}
