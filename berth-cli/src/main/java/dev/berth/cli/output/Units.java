package dev.berth.cli.output;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Human-readable sizes and durations exactly as the docker CLI prints them (github.com/docker/go-units):
 * decimal sizes with three significant digits ("4.26MB", "7.8kB", "0B"). Durations are
 * {@link dev.berth.core.text.HumanDuration}, shared with the daemon's container status.
 */
public final class Units {
    private static final String[] DECIMAL_UNITS = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};

    private Units() {}

    /** go-units HumanSizeWithPrecision(size, 3): what `docker images` and `docker history` show. */
    public static String size(double bytes) {
        return size(bytes, 3);
    }

    /** go-units HumanSizeWithPrecision: base 1000, Go's %.{precision}g of the scaled value. */
    public static String size(double bytes, int precision) {
        int unit = 0;
        while (bytes >= 1000.0 && unit < DECIMAL_UNITS.length - 1) {
            bytes /= 1000.0;
            unit++;
        }
        return formatG(bytes, precision) + DECIMAL_UNITS[unit];
    }

    /** go-units HumanSize: four significant digits, used by prune's "Total reclaimed space". */
    public static String humanSize(double bytes) {
        return size(bytes, 4);
    }

    /**
     * Go's fmt "%.{precision}g": round to that many significant digits (half to even on the exact
     * binary value, as strconv does), drop trailing zeros, switch to exponent form when the decimal
     * exponent is below -4 or at least the precision.
     */
    public static String formatG(double value, int precision) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == 0) {
            return "0";
        }
        BigDecimal rounded = new BigDecimal(value).round(new MathContext(precision, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent < -4 || exponent >= precision) {
            BigDecimal mantissa = rounded.movePointLeft(exponent).stripTrailingZeros();
            String digits = mantissa.scale() <= 0 ? mantissa.toBigInteger().toString() : mantissa.toPlainString();
            int abs = Math.abs(exponent);
            return digits + "e" + (exponent < 0 ? "-" : "+") + (abs < 10 ? "0" : "") + abs;
        }
        BigDecimal plain = rounded.stripTrailingZeros();
        return plain.scale() < 0 ? plain.toBigInteger().toString() : plain.toPlainString();
    }

    /** go-units BytesSize: binary units, four significant digits ("7.763GiB"), as `docker info` shows memory. */
    public static String bytesSize(double bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
        int unit = 0;
        while (bytes >= 1024.0 && unit < units.length - 1) {
            bytes /= 1024.0;
            unit++;
        }
        return formatG(bytes, 4) + units[unit];
    }

    /** stringid.TruncateID: drop the algorithm prefix, keep twelve characters. */
    public static String truncateId(String id) {
        int colon = id.indexOf(':');
        String hex = colon >= 0 ? id.substring(colon + 1) : id;
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }

    /** The docker CLI's Ellipsis: cut to {@code max} characters, the last one being "…". */
    public static String ellipsis(String s, int max) {
        if (max <= 0) {
            return "";
        }
        int length = s.codePointCount(0, s.length());
        if (length <= max) {
            return s;
        }
        if (max == 1) {
            return new String(Character.toChars(s.codePointAt(0)));
        }
        return s.substring(0, s.offsetByCodePoints(0, max - 1)) + "…";
    }
}
