package dev.berth.cli.output;

import dev.berth.core.error.BerthException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The part of Go's text/template that docker users put in {@code --format}: field paths
 * ({@code .Config.Env}, {@code $.Id}), pipelines, parentheses, string/number/bool literals,
 * {@code if/else if/else/end}, {@code range/else/end}, {@code with/else/end}, trim markers
 * ({@code {{- -}}}), Go's builtins (index, len, printf, print, println, eq, ne, lt, le, gt, ge, and, or, not)
 * and the docker CLI's additions (json, join, split, title, lower, upper, pad, truncate).
 *
 * <p>Written here because no maintained Java library evaluates Go templates; the CLI only needs
 * this subset. Values are plain Java trees as Jackson reads JSON (Map, List, String, Number,
 * Boolean, null) or {@link Fields}; they print as Go's %v does ("[a b]", "map[k:v]", "&lt;no value&gt;").
 */
public final class GoTemplate {
    /** What Go prints for a map key that is not there. */
    private static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "<no value>";
        }
    };

    private final String source;
    private final List<Node> nodes;

    private GoTemplate(String source, List<Node> nodes) {
        this.source = source;
        this.nodes = nodes;
    }

    /** Parses {@code text}; a syntax error is an INVALID_ARGUMENT "template parsing error: …". */
    public static GoTemplate parse(String text) {
        return new GoTemplate(text, new Parser(text).parseAll());
    }

    public String source() {
        return source;
    }

    /** Runs the template on {@code data}; an evaluation error is an INVALID_ARGUMENT naming the action. */
    public String execute(Object data) {
        return execute(data, false);
    }

    /**
     * Runs the template over column titles: the docker CLI's header functions leave their first
     * argument as is, so {@code {{upper .Tag}}} prints the title "TAG".
     */
    public String executeHeader(Fields titles) {
        return execute(titles, true);
    }

    private String execute(Object data, boolean header) {
        StringBuilder out = new StringBuilder();
        new Evaluator(source, data, header).run(nodes, data, out);
        return out.toString();
    }

    // ---------------------------------------------------------------- syntax tree

    private sealed interface Node permits Text, Action, If, Range, With {}

    private record Text(String text) implements Node {}

    private record Action(Pipeline pipeline) implements Node {}

    private record If(Pipeline condition, List<Node> then, List<Node> otherwise) implements Node {}

    private record Range(Pipeline pipeline, List<Node> body, List<Node> otherwise) implements Node {}

    private record With(Pipeline pipeline, List<Node> body, List<Node> otherwise) implements Node {}

    private record Pipeline(String text, int pos, List<Command> commands) {}

    private record Command(List<Operand> operands) {}

    private sealed interface Operand permits Literal, FieldChain, Function, Sub {}

    private record Literal(Object value) implements Operand {}

    /** {@code .A.B} (base null = dot), {@code $.A} (fromRoot), or {@code (pipeline).A}. */
    private record FieldChain(boolean fromRoot, List<String> names) implements Operand {}

    private record Function(String name) implements Operand {}

    private record Sub(Pipeline pipeline, List<String> names) implements Operand {}

    // ---------------------------------------------------------------- parser

    private static final class Parser {
        private final String text;
        private int pos;
        /** Open blocks: each collects nodes until its end. */
        private final List<Frame> stack = new ArrayList<>();

        private Parser(String text) {
            this.text = text;
        }

        private static final class Frame {
            final String kind;
            final Pipeline pipeline;
            final List<Node> body = new ArrayList<>();
            List<Node> otherwise;
            /** An "else if" opens a nested If that closes with the outer end. */
            final boolean elseIf;

            Frame(String kind, Pipeline pipeline, boolean elseIf) {
                this.kind = kind;
                this.pipeline = pipeline;
                this.elseIf = elseIf;
            }

            List<Node> current() {
                return otherwise != null ? otherwise : body;
            }
        }

        List<Node> parseAll() {
            stack.add(new Frame("root", null, false));
            boolean trimNext = false;
            while (pos < text.length()) {
                int open = text.indexOf("{{", pos);
                String literal = open < 0 ? text.substring(pos) : text.substring(pos, open);
                if (trimNext) {
                    literal = literal.stripLeading();
                }
                if (open < 0) {
                    emit(literal);
                    pos = text.length();
                    break;
                }
                int start = open + 2;
                if (start + 1 < text.length() && text.charAt(start) == '-' && isSpace(text.charAt(start + 1))) {
                    literal = literal.stripTrailing();
                    start += 2;
                }
                emit(literal);
                int close = findClose(start);
                int end = close;
                trimNext = false;
                if (close - 1 >= start
                        && text.charAt(close - 1) == '-'
                        && close - 2 >= start
                        && isSpace(text.charAt(close - 2))) {
                    trimNext = true;
                    end = close - 1;
                }
                String inside = text.substring(start, end);
                action(
                        inside.strip(),
                        start + (inside.length() - inside.stripLeading().length()));
                pos = close + 2;
            }
            if (stack.size() > 1) {
                throw error("unexpected EOF");
            }
            return stack.getFirst().body;
        }

        private void emit(String literal) {
            if (!literal.isEmpty()) {
                top().current().add(new Text(literal));
            }
        }

        private Frame top() {
            return stack.getLast();
        }

        private int findClose(int from) {
            char quote = 0;
            for (int i = from; i < text.length(); i++) {
                char c = text.charAt(i);
                if (quote != 0) {
                    if (c == '\\' && quote == '"') {
                        i++;
                    } else if (c == quote) {
                        quote = 0;
                    }
                } else if (c == '"' || c == '`') {
                    quote = c;
                } else if (c == '}' && i + 1 < text.length() && text.charAt(i + 1) == '}') {
                    return i;
                }
            }
            throw error("unclosed action");
        }

        private void action(String body, int offset) {
            if (body.startsWith("/*")) {
                return; // comment
            }
            String keyword = body.split("\\s+", 2)[0];
            String rest = body.substring(keyword.length()).strip();
            switch (keyword) {
                case "if", "range", "with" ->
                    stack.add(new Frame(keyword, pipeline(rest, offset + body.indexOf(rest)), false));
                case "else" -> {
                    Frame frame = top();
                    if (frame.kind.equals("root") || frame.otherwise != null) {
                        throw error("unexpected {{else}}");
                    }
                    frame.otherwise = new ArrayList<>();
                    if (rest.startsWith("if ") || rest.startsWith("with ")) {
                        String nested = rest.split("\\s+", 2)[0];
                        String condition = rest.substring(nested.length()).strip();
                        stack.add(new Frame(nested, pipeline(condition, offset + body.lastIndexOf(condition)), true));
                    } else if (!rest.isEmpty()) {
                        throw error("unexpected \"" + rest + "\" in else");
                    }
                }
                case "end" -> {
                    if (!rest.isEmpty()) {
                        throw error("unexpected \"" + rest + "\" in end");
                    }
                    closeBlock();
                }
                case "define", "template", "block", "break", "continue" ->
                    throw error("{{" + keyword + "}} is not supported by berth's template subset");
                default -> top().current().add(new Action(pipeline(body, offset)));
            }
        }

        private void closeBlock() {
            if (stack.size() == 1) {
                throw error("unexpected {{end}}");
            }
            boolean nestedElse;
            do {
                Frame frame = stack.removeLast();
                List<Node> otherwise = frame.otherwise == null ? List.of() : frame.otherwise;
                Node node = switch (frame.kind) {
                    case "if" -> new If(frame.pipeline, frame.body, otherwise);
                    case "range" -> new Range(frame.pipeline, frame.body, otherwise);
                    default -> new With(frame.pipeline, frame.body, otherwise);
                };
                top().current().add(node);
                nestedElse = frame.elseIf;
            } while (nestedElse);
        }

        private Pipeline pipeline(String source, int offset) {
            if (source.isEmpty()) {
                throw error("missing value for command");
            }
            Lexer lexer = new Lexer(source, offset);
            Pipeline pipeline = lexer.pipeline();
            if (!lexer.atEnd()) {
                throw error("unexpected \"" + lexer.rest() + "\" in command");
            }
            return pipeline;
        }

        private BerthException error(String message) {
            return BerthException.invalid("template parsing error: template: :%d: %s", line(), message);
        }

        private int line() {
            int line = 1;
            for (int i = 0; i < Math.min(pos, text.length()); i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                }
            }
            return line;
        }
    }

    /** Reads the inside of one action: a pipeline of commands of operands. */
    private static final class Lexer {
        private final String s;
        private final int offset;
        private int i;

        Lexer(String s, int offset) {
            this.s = s;
            this.offset = offset;
        }

        boolean atEnd() {
            skipSpace();
            return i >= s.length();
        }

        String rest() {
            return s.substring(i);
        }

        Pipeline pipeline() {
            int start = i;
            List<Command> commands = new ArrayList<>();
            while (true) {
                List<Operand> operands = new ArrayList<>();
                while (true) {
                    skipSpace();
                    if (i >= s.length() || s.charAt(i) == '|' || s.charAt(i) == ')') {
                        break;
                    }
                    operands.add(operand());
                }
                if (operands.isEmpty()) {
                    throw fail("missing value for command");
                }
                commands.add(new Command(operands));
                skipSpace();
                if (i < s.length() && s.charAt(i) == '|') {
                    i++;
                    continue;
                }
                break;
            }
            return new Pipeline(s.substring(start, i).strip(), offset + start, commands);
        }

        private Operand operand() {
            char c = s.charAt(i);
            if (c == '(') {
                i++;
                Pipeline inner = pipeline();
                skipSpace();
                if (i >= s.length() || s.charAt(i) != ')') {
                    throw fail("unclosed left paren");
                }
                i++;
                return new Sub(inner, fieldNames());
            }
            if (c == '"') {
                return new Literal(quoted());
            }
            if (c == '`') {
                int end = s.indexOf('`', i + 1);
                if (end < 0) {
                    throw fail("unterminated raw quoted string");
                }
                String raw = s.substring(i + 1, end);
                i = end + 1;
                return new Literal(raw);
            }
            if (c == '.') {
                List<String> names = fieldNames();
                return new FieldChain(false, names);
            }
            if (c == '$') {
                i++;
                if (i < s.length() && Character.isLetterOrDigit(s.charAt(i))) {
                    throw fail("variables other than $ are not supported by berth's template subset");
                }
                return new FieldChain(true, fieldNames());
            }
            if (c == '-' || c == '+' || Character.isDigit(c)) {
                int start = i;
                i++;
                while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                    i++;
                }
                String number = s.substring(start, i);
                try {
                    if (number.contains(".") || number.contains("e") || number.contains("E")) {
                        return new Literal(Double.parseDouble(number));
                    }
                    return new Literal(Long.decode(number.startsWith("+") ? number.substring(1) : number));
                } catch (NumberFormatException e) {
                    throw fail("bad number syntax: \"" + number + "\"");
                }
            }
            if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                    i++;
                }
                String word = s.substring(start, i);
                return switch (word) {
                    case "true" -> new Literal(Boolean.TRUE);
                    case "false" -> new Literal(Boolean.FALSE);
                    case "nil" -> new Literal(null);
                    default -> {
                        if (!Functions.NAMES.contains(word)) {
                            throw fail("function \"" + word + "\" not defined");
                        }
                        yield new Function(word);
                    }
                };
            }
            throw fail("unexpected \"" + c + "\" in command");
        }

        /** Zero or more {@code .Name} steps; a lone "." is the dot itself. */
        private List<String> fieldNames() {
            List<String> names = new ArrayList<>();
            while (i < s.length() && s.charAt(i) == '.') {
                i++;
                int start = i;
                while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                    i++;
                }
                if (start == i) {
                    if (names.isEmpty() && (i >= s.length() || !Character.isLetterOrDigit(s.charAt(i)))) {
                        return names; // "." alone
                    }
                    throw fail("bad field name");
                }
                names.add(s.substring(start, i));
            }
            return names;
        }

        private String quoted() {
            StringBuilder out = new StringBuilder();
            i++;
            while (i < s.length()) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\' && i < s.length()) {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> out.append('\n');
                        case 't' -> out.append('\t');
                        case 'r' -> out.append('\r');
                        case '\\' -> out.append('\\');
                        case '"' -> out.append('"');
                        default -> out.append('\\').append(e);
                    }
                } else {
                    out.append(c);
                }
            }
            throw fail("unterminated quoted string");
        }

        private void skipSpace() {
            while (i < s.length() && isSpace(s.charAt(i))) {
                i++;
            }
        }

        private BerthException fail(String message) {
            return BerthException.invalid("template parsing error: template: :1: %s", message);
        }
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    // ---------------------------------------------------------------- evaluation

    private static final class Evaluator {
        private final String source;
        private final Object root;
        private final boolean header;

        Evaluator(String source, Object root, boolean header) {
            this.source = source;
            this.root = root;
            this.header = header;
        }

        void run(List<Node> nodes, Object dot, StringBuilder out) {
            for (Node node : nodes) {
                switch (node) {
                    case Text t -> out.append(t.text());
                    case Action a -> out.append(print(pipeline(a.pipeline(), dot)));
                    case If f -> run(truth(pipeline(f.condition(), dot)) ? f.then() : f.otherwise(), dot, out);
                    case With w -> {
                        Object value = pipeline(w.pipeline(), dot);
                        if (truth(value)) {
                            run(w.body(), value, out);
                        } else {
                            run(w.otherwise(), dot, out);
                        }
                    }
                    case Range r -> {
                        Object value = pipeline(r.pipeline(), dot);
                        List<?> items = rangeItems(value, r.pipeline());
                        if (items.isEmpty()) {
                            run(r.otherwise(), dot, out);
                        }
                        for (Object item : items) {
                            run(r.body(), item, out);
                        }
                    }
                }
            }
        }

        private List<?> rangeItems(Object value, Pipeline pipeline) {
            return switch (value) {
                case null -> List.of();
                case List<?> list -> list;
                case Map<?, ?> map -> new ArrayList<>(new TreeMap<>(stringKeys(map)).values());
                case Fields fields -> new ArrayList<>(fields.values().values());
                case Long n -> {
                    List<Long> numbers = new ArrayList<>();
                    for (long k = 0; k < n; k++) {
                        numbers.add(k);
                    }
                    yield numbers;
                }
                default -> {
                    if (value == NO_VALUE) {
                        yield List.of();
                    }
                    throw fail(pipeline, "range can't iterate over " + print(value));
                }
            };
        }

        private Object pipeline(Pipeline pipeline, Object dot) {
            Object value = null;
            boolean first = true;
            for (Command command : pipeline.commands()) {
                value = command(pipeline, command, dot, first ? null : new Object[] {value});
                first = false;
            }
            return value;
        }

        private Object command(Pipeline pipeline, Command command, Object dot, Object[] piped) {
            List<Operand> operands = command.operands();
            Operand head = operands.getFirst();
            if (head instanceof Function function) {
                List<Object> args = new ArrayList<>();
                for (Operand operand : operands.subList(1, operands.size())) {
                    args.add(operand(pipeline, operand, dot));
                }
                if (piped != null) {
                    args.add(piped[0]);
                }
                try {
                    return Functions.call(function.name(), args, header);
                } catch (BerthException e) {
                    throw fail(pipeline, "error calling " + function.name() + ": " + e.getMessage());
                }
            }
            if (operands.size() > 1 || piped != null) {
                throw fail(pipeline, "can't give argument to non-function " + describe(head));
            }
            return operand(pipeline, head, dot);
        }

        private Object operand(Pipeline pipeline, Operand operand, Object dot) {
            return switch (operand) {
                case Literal l -> l.value();
                case FieldChain f -> fields(pipeline, f.fromRoot() ? root : dot, f.names());
                case Sub s -> fields(pipeline, pipeline(s.pipeline(), dot), s.names());
                case Function fn -> Functions.call(fn.name(), List.of(), header);
            };
        }

        private Object fields(Pipeline pipeline, Object value, List<String> names) {
            for (String name : names) {
                value = field(pipeline, value, name);
            }
            return value;
        }

        private Object field(Pipeline pipeline, Object value, String name) {
            if (value instanceof Fields fields) {
                if (fields.values().containsKey(name)) {
                    return fields.values().get(name);
                }
                if (!fields.strict()) {
                    return "";
                }
                throw fail(pipeline, "can't evaluate field " + name);
            }
            if (value instanceof Map<?, ?> map) {
                // docker parses templates with missingkey=error
                if (!map.containsKey(name)) {
                    throw fail(pipeline, "map has no entry for key \"" + name + "\"");
                }
                return map.get(name);
            }
            if (value == null || value == NO_VALUE) {
                throw fail(pipeline, "nil pointer evaluating interface {}." + name);
            }
            throw fail(pipeline, "can't evaluate field " + name + " in type " + goType(value));
        }

        /** Go's execution error, wrapped as the docker CLI wraps it. */
        private BerthException fail(Pipeline pipeline, String message) {
            int pos = Math.min(pipeline.pos(), source.length());
            int lineStart = source.lastIndexOf('\n', pos - 1) + 1;
            int line = 1
                    + (int) source.substring(0, pos)
                            .chars()
                            .filter(c -> c == '\n')
                            .count();
            return BerthException.invalid(
                    "template parsing error: template: :%d:%d: executing \"\" at <%s>: %s",
                    line, pos - lineStart, pipeline.text(), message);
        }

        private static String describe(Operand operand) {
            return switch (operand) {
                case Literal l -> String.valueOf(l.value());
                case FieldChain f ->
                    (f.fromRoot() ? "$" : "") + (f.names().isEmpty() ? "." : "." + String.join(".", f.names()));
                case Sub s -> "(" + s.pipeline().text() + ")";
                case Function fn -> fn.name();
            };
        }
    }

    private static String goType(Object value) {
        return switch (value) {
            case String s -> "string";
            case Boolean b -> "bool";
            case Double d -> "float64";
            case Number n -> "int";
            case List<?> l -> "[]interface {}";
            default -> "interface {}";
        };
    }

    static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> out = new TreeMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    /** Go's truth: false, 0, nil and empty strings, lists and maps are false. */
    static boolean truth(Object value) {
        return switch (value) {
            case null -> false;
            case Boolean b -> b;
            case String s -> !s.isEmpty();
            case Number n -> n.doubleValue() != 0;
            case Collection<?> c -> !c.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            case Fields f -> true;
            default -> value != NO_VALUE;
        };
    }

    /** Go's %v. */
    static String print(Object value) {
        return switch (value) {
            case null -> "<nil>";
            case String s -> s;
            case Double d -> goFloat(d);
            case Float f -> goFloat(f.doubleValue());
            case BigDecimal b -> goFloat(b.doubleValue());
            case List<?> list -> {
                StringBuilder out = new StringBuilder("[");
                for (int k = 0; k < list.size(); k++) {
                    out.append(k == 0 ? "" : " ").append(print(list.get(k)));
                }
                yield out.append(']').toString();
            }
            case Map<?, ?> map -> {
                StringBuilder out = new StringBuilder("map[");
                boolean first = true;
                for (var e : stringKeys(map).entrySet()) {
                    out.append(first ? "" : " ").append(e.getKey()).append(':').append(print(e.getValue()));
                    first = false;
                }
                yield out.append(']').toString();
            }
            case Fields f -> print(f.values());
            default -> value.toString();
        };
    }

    /** Go's %v of a float64 (strconv 'g', shortest): exponent form below 1e-4 or from 1e6, as fmt.Println(1e6) gives "1e+06". */
    private static String goFloat(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d) || d == 0) {
            return d == 0 ? "0" : Units.formatG(d, 1);
        }
        BigDecimal shortest = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        int exponent = shortest.precision() - shortest.scale() - 1;
        if (exponent < -4 || exponent >= 6) {
            return Units.formatG(d, shortest.precision());
        }
        return shortest.scale() <= 0 ? shortest.toBigInteger().toString() : shortest.toPlainString();
    }

    /** The functions a template may call. */
    private static final class Functions {
        static final List<String> NAMES = List.of(
                "json",
                "join",
                "split",
                "title",
                "lower",
                "upper",
                "pad",
                "truncate",
                "index",
                "len",
                "printf",
                "print",
                "println",
                "eq",
                "ne",
                "lt",
                "le",
                "gt",
                "ge",
                "and",
                "or",
                "not");
        private static final List<String> HEADER_IDENTITY =
                List.of("json", "join", "split", "title", "lower", "upper", "pad", "truncate");

        static Object call(String name, List<Object> args, boolean header) {
            if (header && HEADER_IDENTITY.contains(name)) {
                return args.isEmpty() ? "" : args.getFirst();
            }
            return switch (name) {
                case "json" -> json(arg(args, 0, 1));
                case "join" -> {
                    need(args, 2);
                    List<String> parts = new ArrayList<>();
                    for (Object o : list(args.get(0))) {
                        parts.add(print(o));
                    }
                    yield String.join(print(args.get(1)), parts);
                }
                case "split" -> {
                    need(args, 2);
                    yield new ArrayList<Object>(
                            List.of(print(args.get(0)).split(java.util.regex.Pattern.quote(print(args.get(1))), -1)));
                }
                case "title" -> {
                    String s = print(arg(args, 0, 1));
                    yield s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
                }
                case "lower" -> print(arg(args, 0, 1)).toLowerCase(Locale.ROOT);
                case "upper" -> print(arg(args, 0, 1)).toUpperCase(Locale.ROOT);
                case "pad" -> {
                    need(args, 3);
                    yield " ".repeat(integer(args.get(1))) + print(args.get(0)) + " ".repeat(integer(args.get(2)));
                }
                case "truncate" -> {
                    need(args, 2);
                    String s = print(args.get(0));
                    int n = integer(args.get(1));
                    yield s.codePointCount(0, s.length()) <= n ? s : s.substring(0, s.offsetByCodePoints(0, n));
                }
                case "index" -> index(args);
                case "len" ->
                    (long)
                            switch (arg(args, 0, 1)) {
                                case String s -> s.length();
                                case Collection<?> c -> c.size();
                                case Map<?, ?> m -> m.size();
                                case Fields f -> f.values().size();
                                default -> throw BerthException.invalid("len of type %s", goType(args.getFirst()));
                            };
                case "printf" -> {
                    if (args.isEmpty()) {
                        throw BerthException.invalid("wrong number of args for printf: want at least 1 got 0");
                    }
                    yield printf(print(args.getFirst()), args.subList(1, args.size()));
                }
                case "print" -> {
                    StringBuilder out = new StringBuilder();
                    for (int k = 0; k < args.size(); k++) {
                        boolean spaced =
                                k > 0 && !(args.get(k) instanceof String) && !(args.get(k - 1) instanceof String);
                        out.append(spaced ? " " : "").append(print(args.get(k)));
                    }
                    yield out.toString();
                }
                case "println" -> {
                    List<String> parts = new ArrayList<>();
                    args.forEach(a -> parts.add(print(a)));
                    yield String.join(" ", parts) + "\n";
                }
                case "eq" -> {
                    if (args.size() < 2) {
                        throw BerthException.invalid("missing argument for comparison");
                    }
                    boolean any = false;
                    for (Object other : args.subList(1, args.size())) {
                        any |= compare(args.getFirst(), other) == 0;
                    }
                    yield any;
                }
                case "ne" -> compare(arg(args, 0, 2), args.get(1)) != 0;
                case "lt" -> compare(arg(args, 0, 2), args.get(1)) < 0;
                case "le" -> compare(arg(args, 0, 2), args.get(1)) <= 0;
                case "gt" -> compare(arg(args, 0, 2), args.get(1)) > 0;
                case "ge" -> compare(arg(args, 0, 2), args.get(1)) >= 0;
                case "and" -> {
                    Object last = null;
                    for (Object a : args) {
                        last = a;
                        if (!truth(a)) {
                            break;
                        }
                    }
                    yield last;
                }
                case "or" -> {
                    Object last = null;
                    for (Object a : args) {
                        last = a;
                        if (truth(a)) {
                            break;
                        }
                    }
                    yield last;
                }
                case "not" -> !truth(arg(args, 0, 1));
                default -> throw BerthException.invalid("function %s not defined", name);
            };
        }

        private static Object arg(List<Object> args, int index, int expected) {
            need(args, expected);
            return args.get(index);
        }

        private static void need(List<Object> args, int expected) {
            if (args.size() != expected) {
                throw BerthException.invalid("wrong number of args: want %d got %d", expected, args.size());
            }
        }

        private static List<?> list(Object value) {
            if (value instanceof List<?> list) {
                return list;
            }
            throw BerthException.invalid("expected a list, got %s", goType(value));
        }

        private static int integer(Object value) {
            if (value instanceof Number n) {
                return n.intValue();
            }
            throw BerthException.invalid("expected an integer, got %s", print(value));
        }

        private static Object index(List<Object> args) {
            if (args.isEmpty()) {
                throw BerthException.invalid("wrong number of args for index: want at least 1 got 0");
            }
            Object value = args.getFirst();
            for (Object key : args.subList(1, args.size())) {
                value = switch (value) {
                    case List<?> list -> {
                        int k = integer(key);
                        if (k < 0 || k >= list.size()) {
                            throw BerthException.invalid("index out of range: %d", k);
                        }
                        yield list.get(k);
                    }
                    case Map<?, ?> map -> map.containsKey(print(key)) ? map.get(print(key)) : NO_VALUE;
                    case Fields fields -> fields.values().getOrDefault(print(key), NO_VALUE);
                    case null -> throw BerthException.invalid("index of untyped nil");
                    default -> throw BerthException.invalid("can't index item of type %s", goType(value));
                };
            }
            return value;
        }

        private static int compare(Object a, Object b) {
            if (a instanceof Number x && b instanceof Number y) {
                return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString()));
            }
            if (a instanceof String x && b instanceof String y) {
                return x.compareTo(y);
            }
            if (a instanceof Boolean x && b instanceof Boolean y) {
                return x.equals(y) ? 0 : 1;
            }
            if (a == null || b == null) {
                return a == b ? 0 : 1;
            }
            throw BerthException.invalid("incompatible types for comparison");
        }

        /** Go's Printf verbs a format string needs: %s %v %d %q %t %f %x and %%. */
        private static String printf(String format, List<Object> args) {
            StringBuilder out = new StringBuilder();
            int next = 0;
            for (int k = 0; k < format.length(); k++) {
                char c = format.charAt(k);
                if (c != '%' || k + 1 >= format.length()) {
                    out.append(c);
                    continue;
                }
                int start = k + 1;
                int end = start;
                while (end < format.length() && "0123456789.-+ #".indexOf(format.charAt(end)) >= 0) {
                    end++;
                }
                if (end >= format.length()) {
                    out.append(format, k, format.length());
                    break;
                }
                char verb = format.charAt(end);
                String flags = format.substring(start, end);
                k = end;
                if (verb == '%') {
                    out.append('%');
                    continue;
                }
                if (next >= args.size()) {
                    out.append("%!").append(verb).append("(MISSING)");
                    continue;
                }
                Object arg = args.get(next++);
                String text = switch (verb) {
                    case 'd' -> arg instanceof Number n ? String.valueOf(n.longValue()) : "%!d(" + print(arg) + ")";
                    case 'q' -> json(print(arg));
                    case 'f' ->
                        arg instanceof Number n
                                ? String.format(
                                        Locale.ROOT,
                                        "%" + (flags.contains(".") ? flags : flags + ".6") + "f",
                                        n.doubleValue())
                                : "%!f(" + print(arg) + ")";
                    case 'x' -> arg instanceof Number n ? Long.toHexString(n.longValue()) : hex(print(arg));
                    default -> print(arg);
                };
                out.append(
                        flags.isEmpty() || verb == 'f'
                                ? text
                                : String.format(Locale.ROOT, "%" + flags.replaceAll("[^0-9-]", "") + "s", text));
            }
            return out.toString();
        }

        private static String hex(String s) {
            StringBuilder out = new StringBuilder();
            for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                out.append(String.format("%02x", b));
            }
            return out.toString();
        }

        /** The docker CLI's json function: Go's json.Marshal, compact and HTML-safe. */
        static String json(Object value) {
            Object plain = value instanceof Fields f ? f.values() : value == NO_VALUE ? null : value;
            return GoJson.compact(plain);
        }
    }
}
