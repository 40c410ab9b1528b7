package dev.berth.build.dockerfile;

import dev.berth.core.error.BerthException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The Dockerfile's word processor, BuildKit's {@code shell.Lex}: quotes, the escape character,
 * and variable substitution ({@code $VAR}, {@code ${VAR}}, {@code ${VAR:-word}},
 * {@code ${VAR-word}}, {@code ${VAR:+word}}, {@code ${VAR+word}}, {@code ${VAR:?msg}},
 * {@code ${VAR#pat}}, {@code ${VAR%pat}}, {@code ${VAR/pat/repl}}), and the split into words
 * after substitution. Hand-written because the grammar is Docker's own (close to, but not, a
 * POSIX shell's), and the builder must substitute exactly as Docker does for its cache keys and
 * paths to match.
 *
 * <p>Immutable; each call scans with its own state, so one instance serves concurrent stages.
 */
public final class ShellLex {
    private static final int EOF = -1;

    private final int escape;
    private final boolean rawQuotes;
    private final boolean rawEscapes;
    private final boolean skipProcessQuotes;
    private final boolean skipUnsetEnv;

    private ShellLex(
            int escape, boolean rawQuotes, boolean rawEscapes, boolean skipProcessQuotes, boolean skipUnsetEnv) {
        this.escape = escape;
        this.rawQuotes = rawQuotes;
        this.rawEscapes = rawEscapes;
        this.skipProcessQuotes = skipProcessQuotes;
        this.skipUnsetEnv = skipUnsetEnv;
    }

    /** A lexer that removes quotes and escapes and substitutes every variable. */
    public static ShellLex of(char escape) {
        return new ShellLex(escape, false, false, false, false);
    }

    /** Keeps quote characters in the result (they still group words). */
    public ShellLex withRawQuotes() {
        return new ShellLex(escape, true, rawEscapes, skipProcessQuotes, skipUnsetEnv);
    }

    /** Keeps escape characters in the result (wildcard patterns need their escapes). */
    public ShellLex withRawEscapes() {
        return new ShellLex(escape, rawQuotes, true, skipProcessQuotes, skipUnsetEnv);
    }

    /** Treats quotes as ordinary characters (heredoc bodies). */
    public ShellLex withoutQuoteProcessing() {
        return new ShellLex(escape, rawQuotes, rawEscapes, true, skipUnsetEnv);
    }

    /** Leaves references to unset variables as written. */
    public ShellLex keepingUnsetVariables() {
        return new ShellLex(escape, rawQuotes, rawEscapes, skipProcessQuotes, true);
    }

    /**
     * What a word became: the substituted text, the same split into words (quotes group), and
     * which variables it named that were set and unset.
     */
    public record Result(String word, List<String> words, Set<String> matched, Set<String> unmatched) {}

    public Result process(String word, Map<String, String> env) {
        Scan scan = new Scan(word, env);
        try {
            Scan.Part part = scan.until(EOF, rawEscapes);
            return new Result(part.text(), part.words(), scan.matched, scan.unmatched);
        } catch (BerthException e) {
            throw BerthException.invalid("failed to process \"%s\": %s", word, e.getMessage());
        }
    }

    /** The substituted word (spaces between words kept). */
    public String word(String word, Map<String, String> env) {
        return process(word, env).word();
    }

    /** The substituted word split into words. */
    public List<String> words(String word, Map<String, String> env) {
        return process(word, env).words();
    }

    /** One scan of one input; not shared between threads. */
    private final class Scan {
        private final String in;
        private final Map<String, String> env;
        private final Set<String> matched = new LinkedHashSet<>();
        private final Set<String> unmatched = new LinkedHashSet<>();
        private int pos;
        private boolean escapesRaw = rawEscapes;

        Scan(String in, Map<String, String> env) {
            this.in = in;
            this.env = env;
        }

        record Part(String text, List<String> words) {}

        private int peek() {
            return pos < in.length() ? in.codePointAt(pos) : EOF;
        }

        private int next() {
            int c = peek();
            if (c != EOF) {
                pos += Character.charCount(c);
            }
            return c;
        }

        Part until(int stop, boolean raw) {
            boolean saved = escapesRaw;
            escapesRaw = raw;
            try {
                return untilStop(stop);
            } finally {
                escapesRaw = saved;
            }
        }

        private Part untilStop(int stop) {
            StringBuilder result = new StringBuilder();
            Words words = new Words();
            while (peek() != EOF) {
                int ch = peek();
                if (stop != EOF && ch == stop) {
                    next();
                    return new Part(result.toString(), words.done());
                }
                if (ch == '$') {
                    String value = dollar();
                    result.append(value);
                    words.addString(value);
                } else if (!skipProcessQuotes && (ch == '\'' || ch == '"')) {
                    String quoted = ch == '\'' ? singleQuoted() : doubleQuoted();
                    result.append(quoted);
                    words.addRaw(quoted);
                } else {
                    ch = next();
                    if (ch == escape) {
                        if (escapesRaw) {
                            words.addRawChar(ch);
                            result.appendCodePoint(ch);
                        }
                        ch = next();
                        if (ch == EOF) {
                            break;
                        }
                        words.addRawChar(ch);
                    } else {
                        words.addChar(ch);
                    }
                    result.appendCodePoint(ch);
                }
            }
            if (stop != EOF) {
                throw BerthException.invalid(
                        "unexpected end of statement while looking for matching %s", Character.toString(stop));
            }
            return new Part(result.toString(), words.done());
        }

        /** Everything up to the next {@code '} as is: nothing can be escaped inside. */
        private String singleQuoted() {
            StringBuilder result = new StringBuilder();
            int ch = next();
            if (rawQuotes) {
                result.appendCodePoint(ch);
            }
            while (true) {
                ch = next();
                if (ch == EOF) {
                    throw BerthException.invalid("unexpected end of statement while looking for matching single-quote");
                }
                if (ch == '\'') {
                    if (rawQuotes) {
                        result.appendCodePoint(ch);
                    }
                    return result.toString();
                }
                result.appendCodePoint(ch);
            }
        }

        /** Up to the next {@code "}: variables expand, the escape character escapes only {@code " $} and itself. */
        private String doubleQuoted() {
            StringBuilder result = new StringBuilder();
            int ch = next();
            if (rawQuotes) {
                result.appendCodePoint(ch);
            }
            while (true) {
                int p = peek();
                if (p == EOF) {
                    throw BerthException.invalid("unexpected end of statement while looking for matching double-quote");
                }
                if (p == '"') {
                    ch = next();
                    if (rawQuotes) {
                        result.appendCodePoint(ch);
                    }
                    return result.toString();
                }
                if (p == '$') {
                    result.append(dollar());
                    continue;
                }
                ch = next();
                if (ch == escape) {
                    if (escapesRaw) {
                        result.appendCodePoint(ch);
                    }
                    int after = peek();
                    if (after == EOF) {
                        continue;
                    }
                    if (after == '"' || after == '$' || after == escape) {
                        ch = next();
                    }
                }
                result.appendCodePoint(ch);
            }
        }

        private String dollar() {
            next();
            if (peek() != '{') {
                String name = name();
                if (name.isEmpty()) {
                    return "$";
                }
                String value = lookup(name);
                if (value == null && skipUnsetEnv) {
                    return "$" + name;
                }
                return value == null ? "" : value;
            }
            next();
            int p = peek();
            if (p == EOF) {
                throw BerthException.invalid("syntax error: missing '}'");
            }
            if (p == '{' || p == '}' || p == ':') {
                throw BerthException.invalid("syntax error: bad substitution");
            }
            String name = name();
            int ch = next();
            String modifier = ch == EOF ? "" : Character.toString(ch);
            if (ch == '}') {
                String value = lookup(name);
                if (value == null && skipUnsetEnv) {
                    return "${" + name + "}";
                }
                return value == null ? "" : value;
            }
            if (ch == '/') {
                return replace(name);
            }
            boolean nullIsUnset = false;
            if (ch == ':') {
                nullIsUnset = true;
                ch = next();
                modifier += ch == EOF ? "" : Character.toString(ch);
            } else if (ch != '+' && ch != '-' && ch != '?' && ch != '#' && ch != '%') {
                throw BerthException.invalid("unsupported modifier (%s) in substitution", modifier);
            }
            String word = braceWord(ch == '#' || ch == '%');
            String value = lookup(name);
            boolean set = value != null;
            if (skipUnsetEnv && !set) {
                return "${" + name + modifier + word + "}";
            }
            boolean empty = !set || (nullIsUnset && value.isEmpty());
            return switch (ch) {
                case '-' -> empty ? word : value;
                case '+' -> empty ? "" : word;
                case '?' -> {
                    if (!set) {
                        throw BerthException.invalid(
                                "%s: %s", name, word.isEmpty() ? "is not allowed to be unset" : word);
                    }
                    if (nullIsUnset && value.isEmpty()) {
                        throw BerthException.invalid(
                                "%s: %s", name, word.isEmpty() ? "is not allowed to be empty" : word);
                    }
                    yield value;
                }
                case '#', '%' -> {
                    boolean greedy = !word.isEmpty() && word.charAt(0) == ch;
                    String pattern = greedy ? word.substring(1) : word;
                    yield ch == '%' ? trimSuffix(pattern, value, greedy) : trimPrefix(pattern, value, greedy);
                }
                default -> throw BerthException.invalid("unsupported modifier (%s) in substitution", modifier);
            };
        }

        private String braceWord(boolean raw) {
            try {
                return until('}', raw).text();
            } catch (BerthException e) {
                if (peek() == EOF) {
                    throw BerthException.invalid("syntax error: missing '}'");
                }
                throw e;
            }
        }

        /** {@code ${name/pattern/replacement}} and {@code ${name//pattern/replacement}}. */
        private String replace(String name) {
            boolean all = peek() == '/';
            if (all) {
                next();
            }
            String pattern;
            try {
                pattern = until('/', true).text();
            } catch (BerthException e) {
                if (peek() == EOF) {
                    throw BerthException.invalid("syntax error: missing '/' in ${}");
                }
                throw e;
            }
            String replacement = braceWord(true);
            String value = lookup(name);
            if (skipUnsetEnv && value == null) {
                return "${" + name + "/" + pattern + "/" + replacement + "}";
            }
            String subject = value == null ? "" : value;
            Pattern re = shellPattern(pattern, true, false);
            java.util.regex.Matcher m = re.matcher(subject);
            String literal = java.util.regex.Matcher.quoteReplacement(replacement);
            return all ? m.replaceAll(literal) : m.replaceFirst(literal);
        }

        /** A name: letters, digits and underscores; a run of digits; or one special parameter. */
        private String name() {
            StringBuilder name = new StringBuilder();
            while (peek() != EOF) {
                int ch = peek();
                if (name.isEmpty() && Character.isDigit(ch)) {
                    while (peek() != EOF && Character.isDigit(peek())) {
                        name.appendCodePoint(next());
                    }
                    return name.toString();
                }
                if (name.isEmpty() && "@*#?-$!0".indexOf(ch) >= 0) {
                    return Character.toString(next());
                }
                if (!Character.isLetter(ch) && !Character.isDigit(ch) && ch != '_') {
                    break;
                }
                name.appendCodePoint(next());
            }
            return name.toString();
        }

        private String lookup(String name) {
            String value = env.get(name);
            if (value != null) {
                matched.add(name);
            } else {
                unmatched.add(name);
            }
            return value;
        }
    }

    private static String trimPrefix(String pattern, String value, boolean greedy) {
        java.util.regex.Matcher m = shellPattern(pattern, greedy, true).matcher(value);
        return m.find() ? value.substring(m.end()) : value;
    }

    /** A regular expression cannot find the shortest rightmost match: reverse both and trim a prefix. */
    private static String trimSuffix(String pattern, String value, boolean greedy) {
        String reversed = trimPrefix(
                reversePattern(pattern), new StringBuilder(value).reverse().toString(), greedy);
        return new StringBuilder(reversed).reverse().toString();
    }

    /** Reverses a pattern keeping each escape before the character it escapes. */
    private static String reversePattern(String pattern) {
        int[] cps = pattern.codePoints().toArray();
        int[] out = new int[cps.length];
        int last = cps.length - 1;
        for (int i = 0; i <= last; ) {
            int outIdx = last - i;
            if (cps[i] == '\\' && i != last) {
                out[outIdx - 1] = cps[i];
                out[outIdx] = cps[i + 1];
                i += 2;
            } else {
                out[outIdx] = cps[i];
                i++;
            }
        }
        return new String(out, 0, out.length);
    }

    /** A shell wildcard pattern ({@code ?}, {@code *}, escapes; no brackets) as a regular expression. */
    private static Pattern shellPattern(String pattern, boolean greedy, boolean anchored) {
        StringBuilder out = new StringBuilder();
        if (anchored) {
            out.append('^');
        }
        int[] cps = pattern.codePoints().toArray();
        for (int i = 0; i < cps.length; i++) {
            int c = cps[i];
            switch (c) {
                case '*' -> out.append(greedy ? ".*" : ".*?");
                case '?' -> out.append('.');
                case '\\' -> {
                    if (i + 1 < cps.length && (cps[i + 1] == '}' || cps[i + 1] == '/')) {
                        continue; // escapes } and / for ${}, not part of the pattern
                    }
                    int escaped = i + 1 < cps.length ? cps[++i] : EOF;
                    if (escaped != '*' && escaped != '?' && escaped != '\\') {
                        throw BerthException.invalid(
                                "invalid pattern (%s) in substitution: invalid escape '\\%s'",
                                pattern, escaped == EOF ? "" : Character.toString(escaped));
                    }
                    out.append('\\').appendCodePoint(escaped);
                }
                default -> {
                    if ("[]{}.+()|^$".indexOf(c) >= 0) {
                        out.append('\\');
                    }
                    out.appendCodePoint(c);
                }
            }
        }
        try {
            return Pattern.compile(out.toString(), Pattern.DOTALL);
        } catch (PatternSyntaxException e) {
            throw BerthException.invalid("invalid pattern (%s) in substitution: %s", pattern, e.getDescription());
        }
    }

    /** The split into words as the scan goes: unquoted white space separates, quoted text never does. */
    private static final class Words {
        private final List<String> words = new ArrayList<>();
        private final StringBuilder word = new StringBuilder();
        private boolean inWord;

        void addChar(int ch) {
            if (Text.isSpace(ch)) {
                if (inWord && !word.isEmpty()) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                addRawChar(ch);
            }
        }

        void addRawChar(int ch) {
            word.appendCodePoint(ch);
            inWord = true;
        }

        void addString(String s) {
            s.codePoints().forEach(this::addChar);
        }

        void addRaw(String s) {
            word.append(s);
            inWord = true;
        }

        List<String> done() {
            if (!word.isEmpty()) {
                words.add(word.toString());
                word.setLength(0);
                inWord = false;
            }
            return words;
        }
    }
}
