package dev.berth.build.dockerfile;

import dev.berth.core.error.BerthException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parser directives at the top of a Dockerfile: {@code # syntax=}, {@code # escape=} and
 * {@code # check=}. Any other line (a comment that is not a known directive, a blank line, an
 * instruction) ends them; each may appear once.
 *
 * @param syntax the frontend image named by {@code syntax}, or null; Berth always uses its own
 *               frontend (what BuildKit does for {@code BUILDKIT_SYNTAX=dockerfile.v0})
 * @param escape the escape and line-continuation character: {@code \} or {@code `}
 * @param check  the build-check options
 */
public record Directives(String syntax, char escape, Check check) {
    private static final Pattern DIRECTIVE = Pattern.compile("^#\\s*([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.+?)\\s*$");
    private static final Set<String> KNOWN = Set.of("syntax", "escape", "check");

    public static final Directives DEFAULT = new Directives(null, '\\', Check.DEFAULT);

    /**
     * {@code # check=skip=A,B;error=true}: which checks are skipped ({@code all} for every one), and
     * whether a check's warning fails the build.
     */
    public record Check(boolean skipAll, List<String> skip, boolean error) {
        public static final Check DEFAULT = new Check(false, List.of(), false);

        public static Check parse(String text) {
            String s = text.strip();
            if (s.isEmpty()) {
                return DEFAULT;
            }
            boolean skipAll = false;
            List<String> skip = List.of();
            boolean error = false;
            for (String part : s.split(";", 2)) {
                int eq = part.indexOf('=');
                if (eq < 0) {
                    throw BerthException.invalid("invalid check option \"%s\"", part);
                }
                String key = part.substring(0, eq).strip();
                String value = part.substring(eq + 1).strip();
                switch (key) {
                    case "skip" -> {
                        if (value.equals("all")) {
                            skipAll = true;
                        } else {
                            skip = Arrays.stream(value.split(","))
                                    .map(String::strip)
                                    .toList();
                        }
                    }
                    case "error" ->
                        error = switch (value) {
                            case "1", "t", "T", "TRUE", "true", "True" -> true;
                            case "0", "f", "F", "FALSE", "false", "False" -> false;
                            default ->
                                throw BerthException.invalid(
                                        "failed to parse check option \"%s\": invalid syntax", part);
                        };
                    default -> throw BerthException.invalid("invalid check option \"%s\"", key);
                }
            }
            return new Check(skipAll, skip, error);
        }

        public boolean skips(String rule) {
            return skipAll || skip.contains(rule);
        }
    }

    /** The directives being read: done once a line is not one. */
    static final class Reader {
        private String syntax;
        private char escape = '\\';
        private Check check = Check.DEFAULT;
        private final java.util.Set<String> seen = new java.util.HashSet<>();
        private boolean done;

        char escape() {
            return escape;
        }

        void accept(String line) {
            if (done) {
                return;
            }
            Matcher m = DIRECTIVE.matcher(line);
            if (!m.matches()) {
                done = true;
                return;
            }
            String key = m.group(1).toLowerCase(Locale.ROOT);
            if (!KNOWN.contains(key)) {
                done = true;
                return;
            }
            if (!seen.add(key)) {
                throw BerthException.invalid("only one %s parser directive can be used", key);
            }
            String value = m.group(2);
            switch (key) {
                case "escape" -> {
                    if (!value.equals("`") && !value.equals("\\")) {
                        throw BerthException.invalid("invalid escape token '%s' does not match ` or \\", value);
                    }
                    escape = value.charAt(0);
                }
                case "syntax" -> syntax = value;
                default -> check = Check.parse(value);
            }
        }

        Directives result() {
            return new Directives(syntax, escape, check);
        }
    }
}
