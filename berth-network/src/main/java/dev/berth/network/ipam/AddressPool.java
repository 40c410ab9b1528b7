package dev.berth.network.ipam;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.core.error.BerthException;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * One of the daemon's default address pools ({@code --default-address-pool base=…,size=…}, the
 * daemon.json key {@code default-address-pools}): a base prefix cut into subnets of one size, from
 * which the default bridge and every network created without {@code --subnet} take theirs.
 */
public record AddressPool(Subnet base, int size) {
    /**
     * Docker's predefined local pools (libnetwork ipamutils) without 172.17.0.0/16, which dockerd's
     * docker0 takes on the same machines: 172.18-31.0.0/16 whole, then 192.168.0.0/16 in /20s.
     */
    public static final List<AddressPool> DEFAULTS = defaults();

    public AddressPool {
        base = base.network();
        if (size < base.prefixLength() || size > 30) {
            throw BerthException.invalid(
                    "invalid default address pool %s: size %d must be between %d and 30",
                    base, size, base.prefixLength());
        }
    }

    /** daemon.json's form: {@code {"base": "10.10.0.0/16", "size": 24}}. */
    @JsonCreator
    public static AddressPool fromJson(@JsonProperty("base") String base, @JsonProperty("size") int size) {
        if (base == null) {
            throw BerthException.invalid("invalid default address pool: it needs base and size");
        }
        return new AddressPool(Subnet.parse(base), size);
    }

    /** The flag's form: {@code base=10.10.0.0/16,size=24} (keys in any order). */
    public static AddressPool parse(String text) {
        Subnet base = null;
        Integer size = null;
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? part : part.substring(0, eq).trim();
            String value = eq < 0 ? "" : part.substring(eq + 1).trim();
            switch (key) {
                case "base" -> base = Subnet.parse(value);
                case "size" -> {
                    try {
                        size = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw BerthException.invalid("invalid default address pool %s: bad size %s", text, value);
                    }
                }
                default -> throw BerthException.invalid("invalid default address pool %s: unknown key %s", text, key);
            }
        }
        if (base == null || size == null) {
            throw BerthException.invalid("invalid default address pool %s: it needs base= and size=", text);
        }
        return new AddressPool(base, size);
    }

    /** The pool's subnets in address order. */
    public Stream<Subnet> subnets() {
        long count = 1L << (size - base.prefixLength());
        long step = 1L << (32 - size);
        return LongStream.range(0, count).mapToObj(i -> new Subnet(base.first().plus(i * step), size));
    }

    private static List<AddressPool> defaults() {
        Stream<AddressPool> sixteens =
                LongStream.rangeClosed(18, 31).mapToObj(b -> new AddressPool(Subnet.parse("172." + b + ".0.0/16"), 16));
        return Stream.concat(sixteens, Stream.of(new AddressPool(Subnet.parse("192.168.0.0/16"), 20)))
                .toList();
    }
}
