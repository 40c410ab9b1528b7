package dev.berth.core.text;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go's {@code time.ParseDuration}, the form Docker takes durations in ({@code 1h30m}, {@code 90s},
 * {@code 1.5h}, {@code 300ms}, {@code -2m}): used by filters ({@code until=10m}), HEALTHCHECK
 * options and the CLI.
 */
public final class GoDuration {
    private static final Pattern WHOLE = Pattern.compile("(([0-9]*(\\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h))+");
    private static final Pattern PART = Pattern.compile("([0-9]*(?:\\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)");

    private GoDuration() {}

    /** The duration, or null when {@code text} is not a Go duration ({@code "0"} is one). */
    public static Duration parse(String text) {
        boolean negative = text.startsWith("-");
        String s = negative || text.startsWith("+") ? text.substring(1) : text;
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty() || !WHOLE.matcher(s).matches()) {
            return null;
        }
        BigDecimal nanos = BigDecimal.ZERO;
        Matcher m = PART.matcher(s);
        while (m.find()) {
            if (m.group(1).isEmpty() || m.group(1).equals(".")) {
                return null;
            }
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)));
        }
        Duration d = Duration.ofNanos(nanos.longValue());
        return negative ? d.negated() : d;
    }

    /** Go's {@code Duration.String}: {@code 30s}, {@code 1m0s}, {@code 1h2m3.5s}, {@code 1.5ms}, {@code 0s}. */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        String sign = nanos < 0 ? "-" : "";
        long n = Math.abs(nanos);
        if (n < 1_000_000_000L) {
            if (n < 1_000) {
                return sign + n + "ns";
            }
            return n < 1_000_000 ? sign + fraction(n, 1_000) + "µs" : sign + fraction(n, 1_000_000) + "ms";
        }
        long hours = n / 3_600_000_000_000L;
        long minutes = n / 60_000_000_000L % 60;
        String seconds = fraction(n % 60_000_000_000L, 1_000_000_000L) + "s";
        if (hours > 0) {
            return sign + hours + "h" + minutes + "m" + seconds;
        }
        return sign + (minutes > 0 ? minutes + "m" : "") + seconds;
    }

    /** {@code value / unit} with the fraction's trailing zeros dropped. */
    private static String fraction(long value, long unit) {
        BigDecimal exact = BigDecimal.valueOf(value).divide(BigDecimal.valueOf(unit));
        return exact.stripTrailingZeros().toPlainString();
    }
}
