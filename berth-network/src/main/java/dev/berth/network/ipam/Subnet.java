package dev.berth.network.ipam;

import dev.berth.core.error.BerthException;

/**
 * An IPv4 prefix in CIDR form. {@link #parse} keeps the address as written (10.1.2.3/16 is a
 * host address with its subnet, as Go's net.ParseCIDR returns both); {@link #network()} is the
 * canonical prefix.
 */
public record Subnet(Ipv4 address, int prefixLength) {
    public Subnet {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength);
        }
    }

    /** "a.b.c.d/n"; anything else is Docker's "invalid CIDR address" (400). */
    public static Subnet parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        Ipv4 ip = slash < 0 ? null : Ipv4.tryParse(text.substring(0, slash));
        Integer length = slash < 0 ? null : prefix(text.substring(slash + 1));
        if (ip == null || length == null) {
            throw BerthException.invalid("invalid CIDR address: %s", text);
        }
        return new Subnet(ip, length);
    }

    private static Integer prefix(String text) {
        if (text.isEmpty() || text.length() > 2 || (text.length() > 1 && text.charAt(0) == '0')) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isDigit(text.charAt(i))) {
                return null;
            }
        }
        int n = Integer.parseInt(text);
        return n <= 32 ? n : null;
    }

    public int mask() {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /** The prefix itself: the address with its host bits cleared. */
    public Subnet network() {
        return new Subnet(new Ipv4(address.bits() & mask()), prefixLength);
    }

    public Ipv4 first() {
        return new Ipv4(address.bits() & mask());
    }

    public Ipv4 last() {
        return new Ipv4((address.bits() & mask()) | ~mask());
    }

    /** Number of addresses, network and broadcast included. */
    public long size() {
        return 1L << (32 - prefixLength);
    }

    public boolean contains(Ipv4 ip) {
        return (ip.bits() & mask()) == (address.bits() & mask());
    }

    /** Whether this prefix contains all of {@code other}. */
    public boolean contains(Subnet other) {
        return other.prefixLength >= prefixLength && contains(other.address);
    }

    /** Whether the two prefixes share any address (one then contains the other). */
    public boolean overlaps(Subnet other) {
        return contains(other.address) || other.contains(address);
    }

    @Override
    public String toString() {
        return address + "/" + prefixLength;
    }
}
