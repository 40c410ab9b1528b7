package dev.berth.core.text;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * go-units' {@code RAMInBytes}, the form Docker takes byte sizes in where they are binary
 * ({@code 64m}, {@code 1GiB}, {@code 512k}, {@code 1.5g}): log rotation's max-size,
 * {@code RUN --mount} tmpfs sizes.
 */
public final class RamSize {
    private static final Pattern SIZE = Pattern.compile("^(\\d+(?:\\.\\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$");

    private RamSize() {}

    /** The bytes, or -1 when {@code text} is not a size. */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            return -1;
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
        int shift = switch (unit) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            case "p" -> 50;
            default -> 0;
        };
        return (long) (n * (1L << shift));
    }
}
