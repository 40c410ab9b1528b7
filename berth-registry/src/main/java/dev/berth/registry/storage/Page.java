package dev.berth.registry.storage;

import java.util.List;

/** One page of a sorted listing (tags, the catalog); {@code more} when entries follow the last one returned. */
public record Page(List<String> items, boolean more) {
    /** At most {@code n} (all when negative) of {@code sorted} after {@code last} (from the start when null). */
    public static Page of(List<String> sorted, int n, String last) {
        List<String> after = last == null
                ? sorted
                : sorted.stream().filter(s -> s.compareTo(last) > 0).toList();
        if (n < 0 || after.size() <= n) {
            return new Page(after, false);
        }
        return new Page(after.subList(0, n), true);
    }
}
