package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import dev.berth.core.text.RamSize;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The log drivers Berth has, their options checked as dockerd checks them (the messages are
 * moby's), and the daemon's default ({@code --log-driver}, {@code --log-opt}):
 *
 * <ul>
 *   <li>{@code json-file}: Docker's file format, {@code <id>-json.log}; no rotation unless
 *       {@code max-size} is given;
 *   <li>{@code local}: the same entries in {@code local-logs/container.log}, with the local
 *       driver's defaults (20 MiB a file, 5 files, rotated files compressed). Docker frames its
 *       local entries as protobuf; nothing but the engine reads that file, so Berth keeps one
 *       entry format for both;
 *   <li>{@code none}: nothing is kept, and {@code docker logs} is refused.
 * </ul>
 */
public final class LogDrivers {
    public static final String JSON_FILE = "json-file";
    public static final String LOCAL = "local";
    public static final String NONE = "none";
    public static final List<String> NAMES = List.of(JSON_FILE, LOCAL, NONE);

    /** moby's jsonfilelog.ValidateLogOpt; the tag, label and env options shape entries Berth does not write. */
    private static final Map<String, Set<String>> OPTIONS = Map.of(
            JSON_FILE,
            Set.of("max-file", "max-size", "compress", "labels", "labels-regex", "env", "env-regex", "tag"),
            LOCAL,
            Set.of("max-file", "max-size", "compress"),
            NONE,
            Set.of());

    /** How a driver's file rotates: {@code maxSize} bytes (-1: never), files kept, gzip of rotated ones. */
    public record Rotation(long maxSize, int maxFiles, boolean compress) {}

    private final HostSettings.LogConfig daemonDefault;

    /** The daemon's default; a wrong one stops the daemon's start. */
    public LogDrivers(HostSettings.LogConfig daemonDefault) {
        check(daemonDefault);
        this.daemonDefault = daemonDefault;
    }

    public HostSettings.LogConfig daemonDefault() {
        return daemonDefault;
    }

    /**
     * The log config a new container gets: its own when it names a driver, else the daemon's
     * (moby's mergeAndVerifyLogConfig: the daemon's options too when the container gives none).
     */
    HostSettings.LogConfig forContainer(HostSettings.LogConfig requested) {
        HostSettings.LogConfig config = requested;
        if (requested.type().isEmpty()) {
            config = new HostSettings.LogConfig(
                    daemonDefault.type(), requested.config().isEmpty() ? daemonDefault.config() : requested.config());
        }
        check(config);
        return config;
    }

    /** Refuses an unknown driver or option, or a bad value, with dockerd's message (400). */
    static void check(HostSettings.LogConfig config) {
        String type = config.type().isEmpty() ? JSON_FILE : config.type();
        Set<String> allowed = OPTIONS.get(type);
        if (allowed == null) {
            throw BerthException.invalid("error looking up logging plugin %s: plugin \"%s\" not found", type, type);
        }
        for (String key : config.config().keySet()) {
            if (!allowed.contains(key)) {
                throw BerthException.invalid("unknown log opt '%s' for %s log driver", key, type);
            }
        }
        rotation(config);
    }

    /** The rotation of a checked config's file. */
    static Rotation rotation(HostSettings.LogConfig config) {
        boolean local = config.type().equals(LOCAL);
        Map<String, String> o = config.config();
        long maxSize = local ? 20L << 20 : -1;
        if (o.containsKey("max-size")) {
            maxSize = RamSize.parse(o.get("max-size"));
            if (maxSize < 0) {
                throw initFailure("invalid size: '%s'", o.get("max-size"));
            }
        }
        int maxFiles = local ? 5 : 1;
        if (o.containsKey("max-file")) {
            try {
                maxFiles = Integer.parseInt(o.get("max-file"));
            } catch (NumberFormatException e) {
                throw initFailure(
                        "invalid value for max-file: %s: strconv.Atoi: parsing \"%s\": invalid syntax",
                        o.get("max-file"), o.get("max-file"));
            }
            if (maxFiles < 1) {
                throw initFailure("max-file cannot be less than 1");
            }
        }
        boolean compress = local;
        if (o.containsKey("compress")) {
            compress = switch (o.get("compress")) {
                case "1", "t", "T", "true", "TRUE", "True" -> true;
                case "0", "f", "F", "false", "FALSE", "False" -> false;
                default ->
                    throw initFailure(
                            "error reading compress log option: strconv.ParseBool: parsing \"%s\": invalid syntax",
                            o.get("compress"));
            };
        }
        return new Rotation(maxSize, maxFiles, compress);
    }

    private static BerthException initFailure(String format, Object... args) {
        return BerthException.invalid("failed to initialize logging driver: " + format, args);
    }
}
