package dev.berth.build.context;

import dev.berth.core.error.BerthException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code .dockerignore} (and {@code <Dockerfile>.dockerignore}) patterns with Docker's rules
 * (moby/patternmatcher): each line a pattern relative to the context root, {@code #} lines are
 * comments, {@code *} and {@code ?} never cross a {@code /}, {@code **} crosses any number of
 * directories, a leading {@code !} takes paths back in, and the last pattern that matches a path
 * (or one of its parent directories) decides. Hand-written: the semantics are Docker's own, not
 * gitignore's or Java's glob.
 */
public final class IgnorePatterns {
    private record Rule(String text, Predicate<String> test, boolean exclusion) {}

    private final List<Rule> rules;

    private IgnorePatterns(List<Rule> rules) {
        this.rules = rules;
    }

    public static final IgnorePatterns NONE = new IgnorePatterns(List.of());

    /** The patterns of an ignore file's text (ignorefile.ReadAll: cleaned, relative, {@code !} kept). */
    public static List<String> read(String text) {
        List<String> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.startsWith("#")) {
                continue;
            }
            String pattern = line.strip();
            if (pattern.isEmpty()) {
                continue;
            }
            boolean invert = pattern.charAt(0) == '!';
            if (invert) {
                pattern = pattern.substring(1).strip();
            }
            if (!pattern.isEmpty()) {
                pattern = clean(pattern);
                if (pattern.length() > 1 && pattern.charAt(0) == '/') {
                    pattern = pattern.substring(1);
                }
            }
            out.add(invert ? "!" + pattern : pattern);
        }
        return out;
    }

    public static IgnorePatterns parse(String text) {
        return of(read(text));
    }

    public static IgnorePatterns of(List<String> patterns) {
        List<Rule> rules = new ArrayList<>();
        for (String p : patterns) {
            String pattern = p.strip();
            if (pattern.isEmpty()) {
                continue;
            }
            boolean exclusion = pattern.charAt(0) == '!';
            if (exclusion) {
                if (pattern.length() == 1) {
                    throw BerthException.invalid("illegal exclusion pattern: \"!\"");
                }
                pattern = pattern.substring(1);
            }
            pattern = clean(pattern);
            rules.add(new Rule(pattern, compile(pattern), exclusion));
        }
        return new IgnorePatterns(List.copyOf(rules));
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** Go's filepath.Clean ({@code ""} becomes {@code "."}). */
    static String clean(String path) {
        String c = Path.of(path).normalize().toString();
        return c.isEmpty() ? "." : c;
    }

    /**
     * Whether {@code path} (relative to the context root, {@code /}-separated) is ignored: the
     * last pattern matching it or one of its parents decides.
     */
    public boolean excludes(String path) {
        String file = clean(path);
        String parent = file.contains("/") ? file.substring(0, file.lastIndexOf('/')) : ".";
        String[] parentDirs = parent.split("/");
        boolean matched = false;
        for (Rule rule : rules) {
            if (rule.exclusion() != matched) {
                continue; // an inclusion cannot change an ignored path, an exclusion a kept one
            }
            boolean match = rule.test().test(file);
            if (!match && !parent.equals(".")) {
                StringBuilder prefix = new StringBuilder();
                for (String dir : parentDirs) {
                    if (!prefix.isEmpty()) {
                        prefix.append('/');
                    }
                    prefix.append(dir);
                    if (rule.test().test(prefix.toString())) {
                        match = true;
                        break;
                    }
                }
            }
            if (match) {
                matched = !rule.exclusion();
            }
        }
        return matched;
    }

    /**
     * Whether an ignored directory must still be walked: some {@code !} pattern may take back a
     * path below it (Docker's walker descends then, else it skips the whole directory).
     */
    public boolean mayIncludeBelow(String dir) {
        String prefix = clean(dir) + "/";
        for (Rule rule : rules) {
            if (!rule.exclusion()) {
                continue;
            }
            String text = rule.text();
            if (text.contains("**") || (text + "/").startsWith(prefix) || prefix.startsWith(firstLiteralPart(text))) {
                return true;
            }
        }
        return false;
    }

    /** The pattern up to its first wildcard: a path under a directory that it does not start with cannot match. */
    private static String firstLiteralPart(String pattern) {
        int i = 0;
        while (i < pattern.length() && "*?[\\".indexOf(pattern.charAt(i)) < 0) {
            i++;
        }
        return pattern.substring(0, i);
    }

    /**
     * The pattern as a test of a whole {@code /}-separated path. As patternmatcher, a pattern
     * without wildcards compares exactly, {@code foo/**} by prefix, {@code **}{@code /foo} by suffix
     * (so it also matches {@code foo}), anything else by regular expression.
     */
    static Predicate<String> compile(String pattern) {
        StringBuilder re = new StringBuilder("^");
        int[] cps = pattern.codePoints().toArray();
        String type = "exact";
        for (int i = 0; i < cps.length; i++) {
            int ch = cps[i];
            if (ch == '*') {
                if (i + 1 < cps.length && cps[i + 1] == '*') {
                    boolean first = i == 0;
                    i++;
                    if (i + 1 < cps.length && cps[i + 1] == '/') {
                        i++; // "**/" is "**"
                    }
                    if (i + 1 == cps.length) {
                        if (type.equals("exact")) {
                            type = "prefix";
                        } else {
                            re.append(".*");
                            type = "regex";
                        }
                    } else {
                        re.append("(.*/)?");
                        type = "regex";
                    }
                    if (first) {
                        type = "suffix";
                    }
                } else {
                    re.append("[^/]*");
                    type = "regex";
                }
            } else if (ch == '?') {
                re.append("[^/]");
                type = "regex";
            } else if (".+()|{}$".indexOf(ch) >= 0) {
                re.append('\\').appendCodePoint(ch);
            } else if (ch == '\\') {
                if (i + 1 < cps.length) {
                    re.append('\\').appendCodePoint(cps[++i]);
                    type = "regex";
                } else {
                    re.append("\\\\");
                }
            } else if (ch == '[' || ch == ']') {
                re.appendCodePoint(ch);
                type = "regex";
            } else {
                re.appendCodePoint(ch);
            }
        }
        return switch (type) {
            case "exact" -> path -> path.equals(pattern);
            case "prefix" -> {
                String prefix = pattern.substring(0, pattern.length() - 2);
                yield path -> path.startsWith(prefix);
            }
            case "suffix" -> {
                String suffix = pattern.substring(2);
                yield path -> path.endsWith(suffix) || (suffix.startsWith("/") && path.equals(suffix.substring(1)));
            }
            default -> {
                re.append('$');
                try {
                    Pattern compiled = Pattern.compile(re.toString(), Pattern.DOTALL);
                    yield path -> compiled.matcher(path).matches();
                } catch (PatternSyntaxException e) {
                    throw BerthException.invalid("syntax error in pattern: %s", pattern);
                }
            }
        };
    }
}
