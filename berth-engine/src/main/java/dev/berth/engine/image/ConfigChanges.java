package dev.berth.engine.image;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.berth.core.error.BerthException;
import dev.berth.core.image.ContainerConfig;
import dev.berth.core.image.ImageJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies the Dockerfile instructions that {@code docker import --change} and
 * {@code docker commit --change} accept (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME,
 * WORKDIR, STOPSIGNAL) to a container config. Hand-written because no approved library parses
 * Dockerfile syntax; it follows BuildKit's parser for these instructions: JSON array or shell
 * form, {@code key=value} pairs with quotes, or the legacy {@code ENV key value}.
 */
public final class ConfigChanges {
    private ConfigChanges() {}

    public static ContainerConfig apply(ContainerConfig config, List<String> changes) {
        ContainerConfig out = config;
        for (String change : changes) {
            String line = change.strip();
            if (line.isEmpty()) {
                continue;
            }
            int space = indexOfWhitespace(line);
            String instruction = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
            String rest = space < 0 ? "" : line.substring(space).strip();
            out = switch (instruction) {
                case "CMD" -> out.withCmd(command(rest));
                case "ENTRYPOINT" -> out.withEntrypoint(command(rest));
                case "ENV" -> out.withEnv(env(out.env(), rest));
                case "EXPOSE" -> out.withExposedPorts(expose(out.exposedPorts(), rest));
                case "LABEL" -> out.withLabels(labels(out.labels(), rest));
                case "USER" -> out.withUser(requireValue("USER", rest));
                case "VOLUME" -> out.withVolumes(volumes(out.volumes(), rest));
                case "WORKDIR" -> out.withWorkingDir(workdir(out.workingDir(), rest));
                case "STOPSIGNAL" -> out.withStopSignal(requireValue("STOPSIGNAL", rest));
                default ->
                    throw BerthException.invalid(
                            "%s is not a valid change command", instruction.toLowerCase(Locale.ROOT));
            };
        }
        return out;
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static String requireValue(String instruction, String rest) {
        if (rest.isEmpty()) {
            throw BerthException.invalid("%s requires exactly one argument", instruction);
        }
        return rest;
    }

    /** JSON array form as is; shell form wrapped in {@code /bin/sh -c}. */
    private static List<String> command(String rest) {
        List<String> json = jsonArray(rest);
        if (json != null) {
            return json;
        }
        return List.of("/bin/sh", "-c", rest);
    }

    private static List<String> jsonArray(String rest) {
        if (!rest.startsWith("[")) {
            return null;
        }
        try {
            return ImageJson.mapper().readValue(rest, new TypeReference<List<String>>() {});
        } catch (IOException e) {
            return null; // BuildKit falls back to the shell form for text that is not a JSON string array
        }
    }

    private static List<String> env(List<String> current, String rest) {
        return withEnv(current, keyValues("ENV", rest));
    }

    /** {@code current} with {@code vars} set: a variable already there keeps its place, new ones follow. */
    public static List<String> withEnv(List<String> current, Map<String, String> vars) {
        Map<String, String> env = new LinkedHashMap<>();
        if (current != null) {
            for (String e : current) {
                int eq = e.indexOf('=');
                env.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
            }
        }
        env.putAll(vars);
        List<String> out = new ArrayList<>();
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    private static Map<String, String> labels(Map<String, String> current, String rest) {
        return withLabels(current, keyValues("LABEL", rest));
    }

    /** {@code current} with {@code added} (a later value wins), sorted as Docker shows labels. */
    public static Map<String, String> withLabels(Map<String, String> current, Map<String, String> added) {
        Map<String, String> labels = new TreeMap<>();
        if (current != null) {
            labels.putAll(current);
        }
        labels.putAll(added);
        return labels;
    }

    /** {@code a=1 "b c"=2 d="x y"}, or the legacy single pair {@code key value with spaces}. */
    static Map<String, String> keyValues(String instruction, String rest) {
        List<String> words = words(rest);
        if (words.isEmpty()) {
            throw BerthException.invalid("%s requires at least one argument", instruction);
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (!words.getFirst().contains("=")) {
            // Legacy form: first word is the key, the rest of the line (unquoted) the value.
            String key = words.getFirst();
            String value = rest.substring(rest.indexOf(key) + key.length()).strip();
            if (value.isEmpty()) {
                throw BerthException.invalid("%s names can not be blank", instruction);
            }
            out.put(key, unquote(value));
            return out;
        }
        for (String w : words) {
            int eq = w.indexOf('=');
            if (eq <= 0) {
                throw BerthException.invalid(
                        "Syntax error - can't find = in \"%s\". Must be of the form: name=value", w);
            }
            out.put(unquote(w.substring(0, eq)), unquote(w.substring(eq + 1)));
        }
        return out;
    }

    /** Splits on unquoted whitespace, keeping quotes for {@link #unquote}. */
    private static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                cur.append(c);
                if (c == '\\' && quote == '"' && i + 1 < s.length()) {
                    cur.append(s.charAt(++i));
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                cur.append(c);
            } else if (c == '\\' && i + 1 < s.length()) {
                cur.append(c).append(s.charAt(++i));
            } else if (Character.isWhitespace(c)) {
                if (!cur.isEmpty()) {
                    out.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        if (quote != 0) {
            throw BerthException.invalid("unexpected end of statement while looking for matching %s", quote);
        }
        if (!cur.isEmpty()) {
            out.add(cur.toString());
        }
        return out;
    }

    /** Removes quotes and backslash escapes as the Dockerfile word parser does. */
    private static String unquote(String w) {
        StringBuilder out = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < w.length(); i++) {
            char c = w.charAt(i);
            if (quote == 0 && (c == '"' || c == '\'')) {
                quote = c;
            } else if (quote != 0 && c == quote) {
                quote = 0;
            } else if (c == '\\' && quote != '\'' && i + 1 < w.length()) {
                out.append(w.charAt(++i));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static Map<String, Map<String, Object>> expose(Map<String, Map<String, Object>> current, String rest) {
        List<String> words = words(rest);
        if (words.isEmpty()) {
            throw BerthException.invalid("EXPOSE requires at least one argument");
        }
        return withPorts(current, words.stream().map(ConfigChanges::unquote).toList());
    }

    /** {@code current} with {@code ports} ({@code 80}, {@code 53/udp}, {@code 8000-8010}) exposed. */
    public static Map<String, Map<String, Object>> withPorts(
            Map<String, Map<String, Object>> current, List<String> ports) {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        if (current != null) {
            out.putAll(current);
        }
        for (String w : ports) {
            String p = w.toLowerCase(Locale.ROOT);
            String proto = "tcp";
            int slash = p.indexOf('/');
            if (slash >= 0) {
                proto = p.substring(slash + 1);
                p = p.substring(0, slash);
            }
            if (!p.matches("\\d+(-\\d+)?") || !proto.matches("tcp|udp|sctp")) {
                throw BerthException.invalid("invalid containerPort: %s", w);
            }
            String[] range = p.split("-");
            int from = Integer.parseInt(range[0]);
            int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
            for (int port = from; port <= to; port++) {
                out.put(port + "/" + proto, Map.of());
            }
        }
        return out;
    }

    private static Map<String, Map<String, Object>> volumes(Map<String, Map<String, Object>> current, String rest) {
        List<String> json = jsonArray(rest);
        List<String> paths = json != null
                ? json
                : words(rest).stream().map(ConfigChanges::unquote).toList();
        if (paths.isEmpty()) {
            throw BerthException.invalid("VOLUME requires at least one argument");
        }
        return withVolumes(current, paths);
    }

    /** {@code current} with {@code paths} as volumes. */
    public static Map<String, Map<String, Object>> withVolumes(
            Map<String, Map<String, Object>> current, List<String> paths) {
        Map<String, Map<String, Object>> volumes = new TreeMap<>();
        if (current != null) {
            volumes.putAll(current);
        }
        for (String p : paths) {
            if (p.isBlank()) {
                throw BerthException.invalid("VOLUME specified can not be an empty string");
            }
            volumes.put(p, Map.of());
        }
        return volumes;
    }

    private static String workdir(String current, String rest) {
        return workingDir(current, unquote(requireValue("WORKDIR", rest)));
    }

    /** {@code dir} taken from {@code current} when relative (WORKDIR a, then b, is /a/b). */
    public static String workingDir(String current, String dir) {
        if (dir.startsWith("/")) {
            return dir;
        }
        String base = current == null || current.isEmpty() ? "/" : current;
        return base.endsWith("/") ? base + dir : base + "/" + dir;
    }
}
