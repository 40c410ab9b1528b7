package dev.berth.build.dockerfile;

import dev.berth.build.dockerfile.Instruction.ArgDecl;
import dev.berth.build.dockerfile.Instruction.CommandLine;
import dev.berth.build.dockerfile.Instruction.KeyValue;
import dev.berth.build.dockerfile.Instruction.Source;
import dev.berth.core.error.BerthException;
import dev.berth.core.text.GoDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Gives each parsed line its meaning (BuildKit's {@code instructions.Parse}): checks the flags
 * each instruction takes and the number of its arguments, groups instructions into stages, and
 * keeps the ARGs before the first FROM as the global ones. Messages are dockerd's, prefixed
 * {@code dockerfile parse error line N:}.
 */
public final class InstructionParser {
    private static final Pattern STAGE_NAME = Pattern.compile("^[a-z][a-z0-9-_.]*$");
    private static final Pattern ONBUILD_PREFIX = Pattern.compile("(?i)^\\s*ONBUILD\\s*");
    private static final Duration MINIMUM_INTERVAL = Duration.ofMillis(1);

    private InstructionParser() {}

    /** The stages and the global ARGs of a parsed file. */
    public record Parsed(List<Instruction.Arg> globalArgs, List<Stage> stages) {}

    public static Parsed parse(List<Node> nodes) {
        List<Instruction.Arg> globals = new ArrayList<>();
        List<StageBuilder> stages = new ArrayList<>();
        for (Node node : nodes) {
            try {
                if (node.keyword().equals("from")) {
                    stages.add(from(node, stages.size()));
                    continue;
                }
                Instruction instruction = instruction(node);
                if (stages.isEmpty()) {
                    if (instruction instanceof Instruction.Arg arg) {
                        globals.add(arg);
                        continue;
                    }
                    throw BerthException.invalid("no build stage in current context");
                }
                stages.getLast().instructions.add(instruction);
            } catch (BerthException e) {
                throw BerthException.invalid("dockerfile parse error line %d: %s", node.startLine(), e.getMessage());
            }
        }
        return new Parsed(globals, stages.stream().map(StageBuilder::build).toList());
    }

    private static final class StageBuilder {
        final int index;
        final String name;
        final String base;
        final String platform;
        final Source source;
        final List<Instruction> instructions = new ArrayList<>();

        StageBuilder(int index, String name, String base, String platform, Source source) {
            this.index = index;
            this.name = name;
            this.base = base;
            this.platform = platform;
            this.source = source;
        }

        Stage build() {
            return new Stage(index, name, base, platform, source, instructions);
        }
    }

    private static StageBuilder from(Node node, int index) {
        List<String> args = node.args();
        String name = null;
        if (args.size() == 3 && args.get(1).equalsIgnoreCase("as")) {
            name = args.get(2).toLowerCase(Locale.ROOT);
            if (!STAGE_NAME.matcher(name).matches()) {
                throw BerthException.invalid(
                        "invalid name for build stage: \"%s\", name can't start with a number or contain symbols",
                        args.get(2));
            }
        } else if (args.size() != 1) {
            throw BerthException.invalid("FROM requires either one or three arguments");
        }
        Flags flags = new Flags(node.flags()).string("platform").parse();
        return new StageBuilder(index, name, args.getFirst(), flags.get("platform"), source(node));
    }

    private static Source source(Node node) {
        return new Source(Text.trim(node.original()), node.startLine());
    }

    /** One instruction inside a stage (or an ONBUILD trigger, which is checked the same way). */
    static Instruction instruction(Node node) {
        Source src = source(node);
        List<String> args = node.args();
        Flags flags = new Flags(node.flags());
        return switch (node.keyword()) {
            case "run" -> {
                flags.strings("mount").string("network").string("security").parse();
                List<String> mounts = flags.all("mount");
                for (String mount : mounts) {
                    MountSpec.parse(mount, null);
                }
                String network = flags.get("network");
                if (network != null && !List.of("default", "none", "host").contains(network)) {
                    throw BerthException.invalid("unsupported network mode \"%s\"", network);
                }
                String security = flags.get("security");
                if (security != null && !List.of("sandbox", "insecure").contains(security)) {
                    throw BerthException.invalid("unsupported security mode \"%s\"", security);
                }
                yield new Instruction.Run(
                        src, command(node), node.json() ? List.of() : node.heredocs(), mounts, network, security);
            }
            case "cmd" -> {
                flags.parse();
                yield new Instruction.Cmd(src, command(node));
            }
            case "entrypoint" -> {
                flags.parse();
                yield new Instruction.Entrypoint(src, command(node));
            }
            case "shell" -> {
                flags.parse();
                if (args.isEmpty()) {
                    throw atLeastOne("SHELL");
                }
                if (!node.json()) {
                    throw BerthException.invalid("SHELL requires the arguments to be in JSON form");
                }
                yield new Instruction.Shell(src, args);
            }
            case "env" -> {
                flags.parse();
                yield new Instruction.Env(src, keyValues(args, "ENV"));
            }
            case "label" -> {
                flags.parse();
                yield new Instruction.Label(src, keyValues(args, "LABEL"));
            }
            case "arg" -> {
                flags.parse();
                if (args.isEmpty()) {
                    throw atLeastOne("ARG");
                }
                List<ArgDecl> decls = new ArrayList<>();
                for (String arg : args) {
                    int eq = arg.indexOf('=');
                    if (eq == 0) {
                        throw BerthException.invalid("ARG names can not be blank");
                    }
                    decls.add(
                            eq < 0 ? new ArgDecl(arg, null) : new ArgDecl(arg.substring(0, eq), arg.substring(eq + 1)));
                }
                yield new Instruction.Arg(src, decls);
            }
            case "expose" -> {
                flags.parse();
                if (args.isEmpty()) {
                    throw atLeastOne("EXPOSE");
                }
                yield new Instruction.Expose(src, args);
            }
            case "workdir" -> {
                flags.parse();
                yield new Instruction.Workdir(src, exactlyOne(args, "WORKDIR"));
            }
            case "user" -> {
                flags.parse();
                yield new Instruction.User(src, exactlyOne(args, "USER"));
            }
            case "volume" -> {
                flags.parse();
                if (args.isEmpty()) {
                    throw atLeastOne("VOLUME");
                }
                for (String v : args) {
                    if (v.isBlank()) {
                        throw BerthException.invalid("VOLUME specified can not be an empty string");
                    }
                }
                yield new Instruction.Volume(
                        src, args.stream().map(String::strip).toList());
            }
            case "stopsignal" -> {
                flags.parse();
                yield new Instruction.StopSignal(src, exactlyOne(args, "STOPSIGNAL"));
            }
            case "healthcheck" -> healthcheck(node, src, flags);
            case "onbuild" -> {
                flags.parse();
                Node trigger = node.trigger();
                if (trigger == null) {
                    throw atLeastOne("ONBUILD");
                }
                String keyword = trigger.keyword().toUpperCase(Locale.ROOT);
                switch (keyword) {
                    case "ONBUILD" ->
                        throw BerthException.invalid("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
                    case "MAINTAINER", "FROM" ->
                        throw BerthException.invalid("%s isn't allowed as an ONBUILD trigger", keyword);
                    default -> instruction(trigger);
                }
                yield new Instruction.Onbuild(
                        src, ONBUILD_PREFIX.matcher(node.original()).replaceFirst(""));
            }
            case "maintainer" -> {
                flags.parse();
                yield new Instruction.Maintainer(src, exactlyOne(args, "MAINTAINER"));
            }
            case "copy" -> {
                flags.string("from")
                        .string("chown")
                        .string("chmod")
                        .bool("link")
                        .bool("parents")
                        .strings("exclude")
                        .parse();
                yield copy(node, src, flags, false);
            }
            case "add" -> {
                flags.string("chown")
                        .string("chmod")
                        .bool("link")
                        .string("checksum")
                        .bool("keep-git-dir")
                        .bool("unpack")
                        .strings("exclude")
                        .parse();
                yield copy(node, src, flags, true);
            }
            default ->
                throw BerthException.invalid(
                        "unknown instruction: %s", node.keyword().toUpperCase(Locale.ROOT));
        };
    }

    private static CommandLine command(Node node) {
        return new CommandLine(node.args(), !node.json());
    }

    private static Instruction copy(Node node, Source src, Flags flags, boolean add) {
        String name = add ? "ADD" : "COPY";
        List<String> args = node.args();
        if (args.size() < 2) {
            throw BerthException.invalid(
                    "%s requires at least two arguments, but only one was provided. Destination could not be determined.",
                    name);
        }
        String dest = args.getLast();
        if (DockerfileParser.heredoc(dest) != null) {
            throw BerthException.invalid("%s cannot accept a heredoc as a destination", name);
        }
        Map<String, Heredoc> byName = new HashMap<>();
        for (Heredoc doc : node.heredocs()) {
            byName.put(doc.name(), doc);
        }
        List<String> paths = new ArrayList<>();
        List<Heredoc> docs = new ArrayList<>();
        for (String word : args.subList(0, args.size() - 1)) {
            Heredoc doc = node.json() ? null : DockerfileParser.heredoc(word);
            if (doc != null && byName.containsKey(doc.name())) {
                docs.add(byName.get(doc.name()));
            } else {
                paths.add(word);
            }
        }
        return new Instruction.Copy(
                src,
                add,
                paths,
                dest,
                docs,
                flags.get("from"),
                flags.get("chown"),
                flags.get("chmod"),
                flags.isTrue("link"),
                flags.isTrue("parents"),
                flags.all("exclude"),
                flags.get("checksum"),
                flags.optionalBool("unpack"),
                flags.isTrue("keep-git-dir"));
    }

    private static Instruction healthcheck(Node node, Source src, Flags flags) {
        List<String> args = node.args();
        if (args.isEmpty()) {
            throw atLeastOne("HEALTHCHECK");
        }
        String type = args.getFirst().toUpperCase(Locale.ROOT);
        List<String> rest = args.subList(1, args.size());
        if (type.equals("NONE")) {
            if (!rest.isEmpty()) {
                throw BerthException.invalid("HEALTHCHECK NONE takes no arguments");
            }
            flags.parse();
            return new Instruction.Healthcheck(src, List.of("NONE"), null, null, null, null, 0);
        }
        flags.string("interval")
                .string("timeout")
                .string("start-period")
                .string("start-interval")
                .string("retries")
                .parse();
        if (!type.equals("CMD")) {
            throw BerthException.invalid("Unknown type \"%s\" in HEALTHCHECK (try CMD)", type);
        }
        if (rest.isEmpty()) {
            throw BerthException.invalid("Missing command after HEALTHCHECK CMD");
        }
        List<String> test = new ArrayList<>();
        test.add(node.json() ? "CMD" : "CMD-SHELL");
        test.addAll(rest);
        int retries = 0;
        String r = flags.get("retries");
        if (r != null) {
            try {
                retries = Integer.parseInt(r);
            } catch (NumberFormatException e) {
                throw BerthException.invalid("strconv.ParseInt: parsing \"%s\": invalid syntax", r);
            }
            if (retries < 1) {
                throw BerthException.invalid("--retries must be at least 1 (not %d)", retries);
            }
        }
        return new Instruction.Healthcheck(
                src,
                test,
                interval(flags, "interval"),
                interval(flags, "timeout"),
                interval(flags, "start-period"),
                interval(flags, "start-interval"),
                retries);
    }

    private static Duration interval(Flags flags, String name) {
        String s = flags.get(name);
        if (s == null || s.isEmpty()) {
            return null;
        }
        Duration d = GoDuration.parse(s);
        if (d == null) {
            throw BerthException.invalid("time: invalid duration \"%s\"", s);
        }
        if (d.compareTo(MINIMUM_INTERVAL) < 0) {
            throw BerthException.invalid("Interval \"%s\" cannot be less than 1ms", name);
        }
        return d;
    }

    private static List<KeyValue> keyValues(List<String> args, String instruction) {
        if (args.isEmpty()) {
            throw atLeastOne(instruction);
        }
        List<KeyValue> out = new ArrayList<>();
        for (int i = 0; i + 2 < args.size(); i += 3) {
            if (args.get(i).isEmpty()) {
                throw BerthException.invalid("%s names can not be blank", instruction);
            }
            out.add(new KeyValue(args.get(i), args.get(i + 1), args.get(i + 2).isEmpty()));
        }
        return out;
    }

    private static String exactlyOne(List<String> args, String instruction) {
        if (args.size() != 1) {
            throw BerthException.invalid("%s requires exactly one argument", instruction);
        }
        return args.getFirst();
    }

    private static BerthException atLeastOne(String instruction) {
        return BerthException.invalid("%s requires at least one argument", instruction);
    }
}
