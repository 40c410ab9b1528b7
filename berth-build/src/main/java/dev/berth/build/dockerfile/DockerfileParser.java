package dev.berth.build.dockerfile;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.error.BerthException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Dockerfile's line grammar, as BuildKit's {@code parser.Parse}: directives, comments,
 * continuation lines (the escape character before the end of a line), here-documents, and each
 * instruction's own way of splitting its arguments (JSON array or shell form, {@code key=value}
 * pairs, white-space separated words). Meaning is given later, by {@link InstructionParser}.
 */
public final class DockerfileParser {
    /** bufio.Scanner's limit, which Docker inherits. */
    private static final int MAX_LINE = 64 * 1024 - 1;

    private static final Pattern HEREDOC = Pattern.compile("^(\\d*)<<(-?)([^<]*)$");
    private static final ObjectMapper JSON = new ObjectMapper();

    private DockerfileParser() {}

    /** The parsed file: directives, instructions in order, and warnings for the user. */
    public record Result(Directives directives, List<Node> nodes, List<String> warnings) {}

    public static Result parse(String text) {
        Lines lines = new Lines(text);
        Directives.Reader directives = new Directives.Reader();
        List<Node> nodes = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        while (lines.hasNext()) {
            String raw = lines.next();
            String first = processLine(directives, raw, true, lines.number());
            int startLine = lines.number();
            Continued c = trimContinuation(first, directives.escape());
            if (c.ended() && c.text().isEmpty()) {
                continue;
            }
            StringBuilder line = new StringBuilder(c.text());
            boolean ended = c.ended();
            boolean emptyContinuation = false;
            while (!ended && lines.hasNext()) {
                String nextRaw = lines.next();
                String processed = processLine(directives, nextRaw, false, lines.number());
                if (isComment(nextRaw)) {
                    continue;
                }
                if (Text.trimLeft(trimNewline(processed)).isEmpty()) {
                    emptyContinuation = true;
                    continue;
                }
                Continued more = trimContinuation(processed, directives.escape());
                line.append(more.text());
                ended = more.ended();
            }
            if (emptyContinuation) {
                warnings.add("[WARNING]: Empty continuation line found in:\n    " + line);
            }
            Node node;
            try {
                node = nodeFromLine(line.toString(), directives.escape());
            } catch (BerthException e) {
                throw atLine(e, startLine);
            }
            if (node.canContainHeredoc()) {
                node = node.withHeredocs(readHeredocs(line.toString(), lines, startLine));
            }
            nodes.add(node.at(startLine, lines.number()));
        }
        if (!warnings.isEmpty()) {
            warnings.add("[WARNING]: Empty continuation lines will become errors in a future release.");
        }
        if (nodes.isEmpty()) {
            throw BerthException.invalid(
                    "dockerfile parse error on line %d: file with no instructions", lines.number());
        }
        return new Result(directives.result(), nodes, warnings);
    }

    private static BerthException atLine(BerthException e, int line) {
        return BerthException.invalid("dockerfile parse error on line %d: %s", line, e.getMessage());
    }

    /** The file's lines, each with its line ending, the first without a byte-order mark. */
    private static final class Lines {
        private final String text;
        private int pos;
        private int number;

        Lines(String text) {
            this.text = text.startsWith("\uFEFF") ? text.substring(1) : text;
        }

        boolean hasNext() {
            return pos < text.length();
        }

        String next() {
            int nl = text.indexOf('\n', pos);
            int end = nl < 0 ? text.length() : nl + 1;
            String line = text.substring(pos, end);
            pos = end;
            number++;
            if (line.length() > MAX_LINE) {
                throw BerthException.invalid("dockerfile line greater than max allowed size of %d", MAX_LINE);
            }
            return line;
        }

        int number() {
            return number;
        }
    }

    private static String processLine(Directives.Reader directives, String raw, boolean stripLeft, int number) {
        String token = trimNewline(raw);
        if (stripLeft) {
            token = Text.trimLeft(token);
        }
        try {
            directives.accept(token);
        } catch (BerthException e) {
            throw atLine(e, number);
        }
        return token.startsWith("#") ? "" : token;
    }

    private static String trimNewline(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
            end--;
        }
        return s.substring(0, end);
    }

    private static boolean isComment(String raw) {
        return Text.trimLeft(trimNewline(raw)).startsWith("#");
    }

    private record Continued(String text, boolean ended) {}

    /**
     * A line that ends with the escape character (white space after it allowed) continues on the
     * next; an escaped escape character does not continue.
     */
    private static Continued trimContinuation(String line, char escape) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
            end--;
        }
        if (end > 0 && line.charAt(end - 1) == escape && (end == 1 || line.charAt(end - 2) != escape)) {
            return new Continued(line.substring(0, end - 1), false);
        }
        return new Continued(line, true);
    }

    private static List<Heredoc> readHeredocs(String line, Lines lines, int startLine) {
        List<Heredoc> docs = new ArrayList<>();
        for (Heredoc doc : heredocsIn(line)) {
            StringBuilder content = new StringBuilder();
            boolean terminated = false;
            while (lines.hasNext()) {
                String raw = lines.next();
                String candidate = trimNewline(raw);
                if (doc.chomp()) {
                    candidate = candidate.replaceFirst("^\t+", "");
                }
                if (candidate.equals(doc.name())) {
                    terminated = true;
                    break;
                }
                content.append(raw);
            }
            if (!terminated) {
                throw BerthException.invalid("dockerfile parse error on line %d: unterminated heredoc", startLine);
            }
            docs.add(doc.withContent(content.toString()));
        }
        return docs;
    }

    /** The here-document words of a line ({@code <<EOF}, {@code <<-"EOF"}, {@code 2<<EOF}), in order. */
    static List<Heredoc> heredocsIn(String line) {
        List<Heredoc> docs = new ArrayList<>();
        for (String word : rawWords(line)) {
            Heredoc doc = heredoc(word);
            if (doc != null) {
                docs.add(doc);
            }
        }
        return docs;
    }

    /** Whether a RUN's shell-form text is one here-document word and nothing else ({@code RUN <<EOF}). */
    public static boolean isOnlyHeredoc(String text) {
        List<String> words = rawWords(text);
        return words.size() == 1 && heredoc(words.getFirst()) != null;
    }

    /**
     * A line split into words with quotes, escapes and variables left as written (heredoc names keep
     * their quotes); a line the lexer cannot split has no heredoc word, as in BuildKit.
     */
    private static List<String> rawWords(String line) {
        try {
            return ShellLex.of('\\')
                    .withRawQuotes()
                    .withRawEscapes()
                    .keepingUnsetVariables()
                    .words(line, Map.of());
        } catch (BerthException e) {
            return List.of();
        }
    }

    /** A heredoc word, or null: the name must be one word; quoting any part of it turns expansion off. */
    static Heredoc heredoc(String word) {
        Matcher m = HEREDOC.matcher(word);
        if (!m.matches() || m.group(3).isEmpty()) {
            return null;
        }
        ShellLex lex = ShellLex.of('\\').keepingUnsetVariables();
        List<String> plain = lex.words(m.group(3), java.util.Map.of());
        if (plain.size() != 1) {
            return null;
        }
        List<String> raw = lex.withRawQuotes().words(m.group(3), java.util.Map.of());
        boolean expand = quotes(plain.getFirst()) == quotes(raw.getFirst());
        int fd = m.group(1).isEmpty() ? 0 : Integer.parseInt(m.group(1));
        return new Heredoc(plain.getFirst(), fd, expand, m.group(2).equals("-"), "");
    }

    private static long quotes(String s) {
        return s.chars().filter(c -> c == '\'' || c == '"').count();
    }

    /** Splits a logical line into keyword, flags and arguments, by the keyword's line parser. */
    static Node nodeFromLine(String line, char escape) {
        List<String> parts = Text.splitBlank(Text.trim(line), 2);
        String keyword = parts.getFirst().toLowerCase(Locale.ROOT);
        List<String> flags = List.of();
        String rest = "";
        if (parts.size() == 2) {
            Flagged f = extractFlags(parts.get(1));
            flags = f.flags();
            rest = Text.trim(f.rest());
        }
        List<String> args = List.of();
        boolean json = false;
        Node trigger = null;
        switch (keyword) {
            case "add", "copy", "volume" -> {
                List<String> array = jsonArray(rest);
                json = array != null;
                args = json ? array : whitespaceDelimited(rest);
            }
            case "arg" -> args = words(rest, escape);
            case "cmd", "entrypoint", "run", "shell" -> {
                List<String> array = jsonArray(rest);
                json = array != null;
                args = json ? array : rest.isEmpty() ? List.of() : List.of(rest);
            }
            case "env" -> args = nameValues(rest, "ENV", escape);
            case "label" -> args = nameValues(rest, "LABEL", escape);
            case "expose", "from" -> args = whitespaceDelimited(rest);
            case "healthcheck" -> {
                int sep = 0;
                while (sep < rest.length() && !Text.isSpace(rest.charAt(sep))) {
                    sep++;
                }
                if (sep > 0) {
                    String type = rest.substring(0, sep);
                    String command = Text.trimLeft(rest.substring(sep));
                    List<String> array = jsonArray(command);
                    json = array != null;
                    List<String> all = new ArrayList<>();
                    all.add(type);
                    all.addAll(json ? array : command.isEmpty() ? List.of() : List.of(command));
                    args = all;
                }
            }
            case "maintainer", "stopsignal", "user", "workdir" -> args = rest.isEmpty() ? List.of() : List.of(rest);
            case "onbuild" -> {
                if (!rest.isEmpty()) {
                    trigger = nodeFromLine(rest, escape);
                }
            }
            default -> {
                // an unknown instruction keeps no arguments; InstructionParser names it
            }
        }
        return new Node(keyword, line, flags, args, json, List.of(), trigger, 0, 0);
    }

    private record Flagged(List<String> flags, String rest) {}

    /**
     * The leading {@code --flag[=value]} words; quotes and backslashes in them are processed. A
     * lone {@code --} ends the flags.
     */
    private static Flagged extractFlags(String line) {
        List<String> flags = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int quote = 0;
        boolean blankOk = false;
        for (int pos = 0; pos <= line.length(); pos++) {
            char ch = pos < line.length() ? line.charAt(pos) : 0;
            if (!inWord && quote == 0) {
                if (pos == line.length()) {
                    break;
                }
                if (Text.isSpace(ch)) {
                    continue;
                }
                if (ch != '-' || pos + 1 == line.length() || line.charAt(pos + 1) != '-') {
                    return new Flagged(flags, line.substring(pos));
                }
                inWord = true;
            }
            if (pos == line.length()) {
                if (!word.toString().equals("--") && (blankOk || !word.isEmpty())) {
                    flags.add(word.toString());
                }
                break;
            }
            if (quote == 0) {
                if (Text.isSpace(ch)) {
                    inWord = false;
                    if (word.toString().equals("--")) {
                        return new Flagged(flags, line.substring(pos));
                    }
                    if (blankOk || !word.isEmpty()) {
                        flags.add(word.toString());
                    }
                    word.setLength(0);
                    blankOk = false;
                    continue;
                }
                if (ch == '\'' || ch == '"') {
                    quote = ch;
                    blankOk = true;
                    continue;
                }
                if (ch == '\\') {
                    if (pos + 1 == line.length()) {
                        continue;
                    }
                    ch = line.charAt(++pos);
                }
                word.append(ch);
            } else {
                if (ch == quote) {
                    quote = 0;
                    continue;
                }
                if (ch == '\\') {
                    if (pos + 1 == line.length()) {
                        quote = 0;
                        continue;
                    }
                    ch = line.charAt(++pos);
                }
                word.append(ch);
            }
        }
        return new Flagged(flags, "");
    }

    /** A JSON array of strings, or null when the text is not a JSON array; any other element type is an error. */
    static List<String> jsonArray(String rest) {
        String s = Text.trimLeft(rest);
        if (!s.startsWith("[")) {
            return null;
        }
        try (JsonParser p = JSON.createParser(s)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                return null;
            }
            List<String> out = new ArrayList<>();
            boolean notString = false;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t == null) {
                    return null;
                }
                if (t == JsonToken.VALUE_STRING) {
                    out.add(p.getText());
                } else {
                    notString = true;
                    p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                return null; // trailing text: not JSON, so the shell form
            }
            if (notString) {
                throw BerthException.invalid("when using JSON array syntax, arrays must be comprised of strings only");
            }
            return out;
        } catch (IOException e) {
            return null;
        }
    }

    private static List<String> whitespaceDelimited(String rest) {
        return rest.isEmpty() ? List.of() : Text.splitBlank(rest, 0);
    }

    /**
     * Words separated by unquoted white space; quotes and escapes stay in the words, for the
     * substitution that removes them later.
     */
    static List<String> words(String rest, char escape) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int quote = 0;
        boolean blankOk = false;
        int len = rest.length();
        for (int pos = 0; pos <= len; ) {
            int ch = pos < len ? rest.codePointAt(pos) : 0;
            int width = pos < len ? Character.charCount(ch) : 1;
            if (!inWord && quote == 0) {
                if (pos == len) {
                    break;
                }
                if (Text.isSpace(ch)) {
                    pos += width;
                    continue;
                }
                inWord = true;
            }
            if (pos == len) {
                if (blankOk || !word.isEmpty()) {
                    words.add(word.toString());
                }
                break;
            }
            if (quote == 0) {
                if (Text.isSpace(ch)) {
                    inWord = false;
                    if (blankOk || !word.isEmpty()) {
                        words.add(word.toString());
                    }
                    word.setLength(0);
                    blankOk = false;
                    pos += width;
                    continue;
                }
                if (ch == '\'' || ch == '"') {
                    quote = ch;
                    blankOk = true;
                }
                if (ch == escape) {
                    if (pos + width == len) {
                        pos += width;
                        continue; // an escape at the end of the line is dropped
                    }
                    word.appendCodePoint(ch);
                    pos += width;
                    ch = rest.codePointAt(pos);
                    width = Character.charCount(ch);
                }
                word.appendCodePoint(ch);
                pos += width;
            } else {
                if (ch == quote) {
                    quote = 0;
                } else if (ch == escape && quote != '\'') {
                    if (pos + width == len) {
                        quote = 0;
                        pos += width;
                        continue;
                    }
                    word.appendCodePoint(ch);
                    pos += width;
                    ch = rest.codePointAt(pos);
                    width = Character.charCount(ch);
                }
                word.appendCodePoint(ch);
                pos += width;
            }
        }
        return words;
    }

    /**
     * ENV and LABEL: {@code name=value ...}, or the legacy {@code name value} (everything after
     * the first blank is the value). Returned as triples of name, value and separator.
     */
    private static List<String> nameValues(String rest, String instruction, char escape) {
        List<String> words = words(rest, escape);
        if (words.isEmpty()) {
            return List.of();
        }
        if (!words.getFirst().contains("=")) {
            List<String> parts = Text.splitBlank(rest, 2);
            if (parts.size() < 2) {
                throw BerthException.invalid("%s must have two arguments", instruction);
            }
            return List.of(parts.get(0), parts.get(1), "");
        }
        List<String> out = new ArrayList<>();
        for (String word : words) {
            int eq = word.indexOf('=');
            if (eq < 0) {
                throw BerthException.invalid(
                        "Syntax error - can't find = in \"%s\". Must be of the form: name=value", word);
            }
            out.add(word.substring(0, eq));
            out.add(word.substring(eq + 1));
            out.add("=");
        }
        return out;
    }
}
