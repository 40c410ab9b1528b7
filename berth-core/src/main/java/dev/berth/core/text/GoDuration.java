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
}
