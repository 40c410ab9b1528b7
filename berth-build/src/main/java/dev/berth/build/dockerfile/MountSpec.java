package dev.berth.build.dockerfile;

import dev.berth.core.error.BerthException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * One {@code RUN --mount=…} (BuildKit's {@code parseMount}): comma-separated (CSV) {@code key=value}
 * options, and the bare words {@code ro}, {@code rw} and {@code required}.
 *
 * @param type     bind (the default), cache, tmpfs, secret or ssh
 * @param target   where it appears in the container (may be relative to the working directory; for
 *                 a secret null means {@code /run/secrets/<id>})
 * @param source   the path inside {@code from} (bind, cache), or a secret's id (deprecated alias)
 * @param from     a stage or image for bind and cache; null for the build context (bind) or an empty cache
 * @param readOnly read-only in the container
 * @param id       the cache's or secret's id, or null for the default
 * @param sharing  for a cache: shared, private or locked (null: shared)
 * @param mode     file mode of a new cache directory or secret file, or null for the default
 * @param uid      owner of a new cache directory or secret file, or null
 * @param gid      group of a new cache directory or secret file, or null
 * @param size     tmpfs size limit in bytes, 0 for none
 * @param required a secret that must be given
 * @param env      for a secret: the environment variable that carries it, or null
 */
public record MountSpec(
        String type,
        String target,
        String source,
        String from,
        boolean readOnly,
        String id,
        String sharing,
        Integer mode,
        Integer uid,
        Integer gid,
        long size,
        boolean required,
        String env) {

    public static final List<String> TYPES = List.of("bind", "cache", "tmpfs", "secret", "ssh");

    /**
     * Parses one mount. {@code expand} substitutes variables in values; null checks the syntax
     * only (values that may hold variables are read when the RUN runs, with its environment).
     */
    public static MountSpec parse(String text, UnaryOperator<String> expand) {
        String type = "bind";
        String target = null;
        String source = null;
        String from = null;
        boolean readOnly = false;
        boolean roAuto = true;
        String id = null;
        String sharing = null;
        Integer mode = null;
        Integer uid = null;
        Integer gid = null;
        long size = 0;
        boolean required = false;
        String env = null;
        for (String field : csv(text)) {
            int eq = field.indexOf('=');
            String key = (eq < 0 ? field : field.substring(0, eq)).toLowerCase(Locale.ROOT);
            if (eq < 0) {
                if (expand == null) {
                    continue;
                }
                switch (key) {
                    case "ro", "readonly" -> {
                        readOnly = true;
                        roAuto = false;
                    }
                    case "rw", "readwrite" -> {
                        readOnly = false;
                        roAuto = false;
                    }
                    case "required" -> {
                        if (!type.equals("secret") && !type.equals("ssh")) {
                            throw BerthException.invalid("unexpected key '%s' for mount type '%s'", key, type);
                        }
                        required = true;
                    }
                    default -> throw BerthException.invalid("invalid field '%s' must be a key=value pair", field);
                }
                continue;
            }
            String value = field.substring(eq + 1);
            if (expand != null) {
                value = expand.apply(value);
            } else if (key.equals("from")) {
                int dollar = value.indexOf('$');
                if (dollar >= 0 && dollar != value.length() - 1) {
                    throw BerthException.invalid(
                            "'%s' doesn't support variable expansion, define alias stage instead", key);
                }
            } else if (!key.equals("type")) {
                continue;
            }
            switch (key) {
                case "type" -> {
                    String t = value.toLowerCase(Locale.ROOT);
                    if (!TYPES.contains(t)) {
                        throw BerthException.invalid("unsupported mount type \"%s\"", value);
                    }
                    type = t;
                }
                case "target", "dst", "destination", "dest" -> target = value;
                case "src", "source" -> source = value;
                case "from" -> from = value;
                case "readonly", "ro" -> {
                    readOnly = bool(key, value);
                    roAuto = false;
                }
                case "rw", "readwrite" -> {
                    readOnly = !bool(key, value);
                    roAuto = false;
                }
                case "required" -> {
                    if (!type.equals("secret") && !type.equals("ssh")) {
                        throw BerthException.invalid("unexpected key '%s' for mount type '%s'", key, type);
                    }
                    required = bool(key, value);
                }
                case "size" -> {
                    if (!type.equals("tmpfs")) {
                        throw BerthException.invalid("unexpected key '%s' for mount type '%s'", key, type);
                    }
                    size = ramBytes(key, value);
                }
                case "id" -> id = value;
                case "sharing" -> {
                    if (!type.equals("cache")) {
                        throw BerthException.invalid("invalid cache sharing set for %s mount", type);
                    }
                    sharing = value.toLowerCase(Locale.ROOT);
                    if (!List.of("shared", "private", "locked").contains(sharing)) {
                        throw BerthException.invalid("unsupported sharing value \"%s\"", value);
                    }
                }
                case "mode" -> mode = number(value, 8, "mode");
                case "uid" -> uid = number(value, 10, "uid");
                case "gid" -> gid = number(value, 10, "gid");
                case "env" -> env = value;
                default -> throw BerthException.invalid("unexpected key '%s' in '%s'", key, field);
            }
        }
        boolean fileInfoAllowed = type.equals("secret") || type.equals("ssh") || type.equals("cache");
        if (!fileInfoAllowed) {
            if (mode != null) {
                throw BerthException.invalid("mode not allowed for \"%s\" type mounts", type);
            }
            if (uid != null) {
                throw BerthException.invalid("uid not allowed for \"%s\" type mounts", type);
            }
            if (gid != null) {
                throw BerthException.invalid("gid not allowed for \"%s\" type mounts", type);
            }
        }
        if (roAuto) {
            readOnly = !type.equals("cache") && !type.equals("tmpfs");
        }
        if (type.equals("secret") && expand != null) {
            if (from != null) {
                throw BerthException.invalid("secret mount should not have a from");
            }
            if (source == null && target == null && id == null) {
                throw BerthException.invalid("invalid secret mount. one of source, target required");
            }
            if (source != null && id != null) {
                throw BerthException.invalid("both source and id can't be set");
            }
        }
        return new MountSpec(type, target, source, from, readOnly, id, sharing, mode, uid, gid, size, required, env);
    }

    /** The raw {@code from=} value of a mount, or null: what the build plan needs before values are substituted. */
    public static String fromField(String text) {
        for (String field : csv(text)) {
            int eq = field.indexOf('=');
            if (eq > 0 && field.substring(0, eq).equalsIgnoreCase("from")) {
                return field.substring(eq + 1);
            }
        }
        return null;
    }

    /** A secret's id: {@code id}, else the deprecated {@code source}, else the target's file name. */
    public String secretId() {
        if (id != null) {
            return id;
        }
        if (source != null) {
            return source;
        }
        return target.substring(target.lastIndexOf('/') + 1);
    }

    private static boolean bool(String key, String value) {
        return switch (value) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            case "0", "f", "F", "FALSE", "false", "False" -> false;
            default -> throw BerthException.invalid("invalid value for %s: %s", key, value);
        };
    }

    private static Integer number(String value, int radix, String what) {
        try {
            long n = Long.parseLong(value, radix);
            if (n < 0 || n > 0xFFFF_FFFFL) {
                throw new NumberFormatException();
            }
            return (int) n;
        } catch (NumberFormatException e) {
            throw BerthException.invalid("invalid value %s for %s", value, what);
        }
    }

    /** go-units' RAMInBytes ({@code 64m}, {@code 1GiB}, {@code 512k}). */
    static long ramBytes(String key, String value) {
        long bytes = dev.berth.core.text.RamSize.parse(value);
        if (bytes < 0) {
            throw BerthException.invalid("invalid value for %s: %s", key, value);
        }
        return bytes;
    }

    /** One CSV record (Go's encoding/csv): commas separate, double quotes quote, {@code ""} is a quote. */
    static List<String> csv(String text) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        while (true) {
            if (i < text.length() && text.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= text.length()) {
                        throw BerthException.invalid(
                                "failed to parse csv mounts: extraneous or missing \" in quoted-field");
                    }
                    char c = text.charAt(i++);
                    if (c == '"') {
                        if (i < text.length() && text.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(c);
                    }
                }
                if (i < text.length() && text.charAt(i) != ',') {
                    throw BerthException.invalid(
                            "failed to parse csv mounts: extraneous or missing \" in quoted-field");
                }
            } else {
                while (i < text.length() && text.charAt(i) != ',') {
                    char c = text.charAt(i++);
                    if (c == '"') {
                        throw BerthException.invalid("failed to parse csv mounts: bare \" in non-quoted-field");
                    }
                    field.append(c);
                }
            }
            fields.add(field.toString());
            field.setLength(0);
            if (i >= text.length()) {
                return fields;
            }
            i++; // the comma
        }
    }
}
