package dev.berth.network.ipam;

import dev.berth.core.error.BerthException;

/** An IPv4 address as its 32 bits (big-endian order of the dotted quad: 10.0.0.1 is 0x0a000001). */
public record Ipv4(int bits) implements Comparable<Ipv4> {

    /** Strict dotted-quad syntax: four decimal parts of 0-255 without leading zeros or signs, as Go's net.ParseIP. */
    public static Ipv4 parse(String text) {
        Ipv4 ip = tryParse(text);
        if (ip == null) {
            throw BerthException.invalid("invalid IPv4 address: %s", text);
        }
        return ip;
    }

    /** The address, or null when {@code text} is not one. */
    public static Ipv4 tryParse(String text) {
        if (text == null) {
            return null;
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        int bits = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
                return null;
            }
            int value = 0;
            for (int i = 0; i < part.length(); i++) {
                char c = part.charAt(i);
                if (c < '0' || c > '9') {
                    return null;
                }
                value = value * 10 + (c - '0');
            }
            if (value > 255) {
                return null;
            }
            bits = (bits << 8) | value;
        }
        return new Ipv4(bits);
    }

    public static Ipv4 of(byte[] four) {
        if (four.length != 4) {
            throw new IllegalArgumentException("an IPv4 address has 4 bytes, not " + four.length);
        }
        return new Ipv4(
                ((four[0] & 0xff) << 24) | ((four[1] & 0xff) << 16) | ((four[2] & 0xff) << 8) | (four[3] & 0xff));
    }

    /** The four bytes in network order. */
    public byte[] bytes() {
        return new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
    }

    public Ipv4 plus(long n) {
        return new Ipv4((int) (unsigned() + n));
    }

    public long unsigned() {
        return bits & 0xffffffffL;
    }

    public boolean isLoopback() {
        return (bits >>> 24) == 127;
    }

    public boolean isUnspecified() {
        return bits == 0;
    }

    @Override
    public int compareTo(Ipv4 other) {
        return Long.compare(unsigned(), other.unsigned());
    }

    @Override
    public String toString() {
        return (bits >>> 24) + "." + ((bits >>> 16) & 0xff) + "." + ((bits >>> 8) & 0xff) + "." + (bits & 0xff);
    }
}
