package dev.berth.build.builder;

import dev.berth.build.cache.StepKey;
import dev.berth.build.dockerfile.DockerfileParser;
import dev.berth.build.dockerfile.Instruction;
import dev.berth.build.dockerfile.InstructionParser;
import dev.berth.build.dockerfile.Stage;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.image.ContainerConfig;
import dev.berth.engine.container.Signals;
import dev.berth.engine.image.ConfigChanges;
import dev.berth.engine.image.LayerStore;
import dev.berth.engine.image.ProgressListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Builds one stage: resolves its base (an image, {@code scratch}, or the result of an earlier
 * stage), runs its base image's ONBUILD triggers, then each instruction in turn, printing what
 * dockerd's classic builder prints for it. Every step goes through the cache; a step that misses
 * makes an image: RUN in a container ({@link RunStep}), COPY and ADD by writing files
 * ({@link CopyStep}), the rest by changing the config.
 */
final class StageBuild {
    private static final List<String> DEFAULT_SHELL = List.of("/bin/sh", "-c");
    private static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final BuildSession session;
    private final Stage stage;
    private final BuildOutput out;
    private final Map<String, String> args = new LinkedHashMap<>();
    private final Set<String> declared = new LinkedHashSet<>();
    private StageImage image;
    private boolean cmdSet;
    private int step;

    StageBuild(BuildSession session, Stage stage) {
        this.session = session;
        this.stage = stage;
        this.out = session.out(stage);
        this.step = session.firstStep(stage);
    }

    BuildSession.StageResult run() {
        printStep(stage.source().code());
        from();
        out.stream(" ---> " + image.shortId() + "\n");
        for (Instruction instruction : stage.instructions()) {
            session.cancellation.check();
            printStep(instruction.source().code());
            dispatch(instruction);
            out.stream(" ---> " + image.shortId() + "\n");
        }
        if (stage.index() == session.graph.target()) {
            for (Map.Entry<String, String> label : new TreeMap<>(session.request.labels()).entrySet()) {
                session.cancellation.check();
                String text = "LABEL " + label.getKey() + "=" + label.getValue();
                printStep(text);
                setLabels(Map.of(label.getKey(), label.getValue()), text);
                out.stream(" ---> " + image.shortId() + "\n");
            }
        }
        if (image.id() == null) {
            throw BerthException.invalid("No image was generated. Is your Dockerfile empty?");
        }
        out.imageId(image.id().toString());
        return new BuildSession.StageResult(image, Map.copyOf(nonNull(args)), Set.copyOf(declared));
    }

    private void printStep(String code) {
        // dockerd writes the step and its newline as two messages
        out.stream("Step " + step++ + "/" + session.totalSteps() + " : " + code);
        out.stream("\n");
    }

    // ---- FROM ---------------------------------------------------------------------------------

    private void from() {
        String base = session.lex.word(stage.base(), session.globals);
        Optional<Integer> parent = session.graph.baseStage(stage.index());
        if (parent.isPresent()) {
            BuildSession.StageResult result = session.awaitStage(parent.get());
            image = result.image();
            args.putAll(result.args());
            declared.addAll(result.declared());
        } else {
            String platform = stage.platform() == null
                    ? session.request.platform()
                    : session.lex.word(stage.platform(), session.globals);
            image = session.tools
                    .baseImages()
                    .resolve(base, platform, session.request.pull(), session.request.registryAuth(), out);
        }
        ContainerConfig config = image.runConfig();
        if (config.env() == null || config.env().stream().noneMatch(e -> e.startsWith("PATH="))) {
            List<String> env = new ArrayList<>(config.env() == null ? List.of() : config.env());
            env.add(DEFAULT_PATH);
            image = new StageImage(
                    image.id(), image.config().withConfig(config.withEnv(env)), image.chain(), image.key());
        }
        runTriggers();
    }

    /** The base image's ONBUILD instructions run first, as if written right after FROM, and are not inherited. */
    private void runTriggers() {
        List<String> triggers = image.runConfig().onBuild();
        if (triggers == null || triggers.isEmpty()) {
            return;
        }
        out.stream("# Executing " + triggers.size() + " build trigger" + (triggers.size() == 1 ? "" : "s") + "\n");
        ContainerConfig base = image.runConfig();
        ContainerConfig cleared = copy(base, base.healthcheck(), base.shell(), null);
        image = new StageImage(image.id(), image.config().withConfig(cleared), image.chain(), image.key());
        for (String trigger : triggers) {
            Instruction instruction = InstructionParser.parse(DockerfileParser.parse("FROM scratch\n" + trigger + "\n")
                            .nodes())
                    .stages()
                    .getFirst()
                    .instructions()
                    .getFirst();
            dispatch(instruction);
        }
    }

    // ---- dispatch -----------------------------------------------------------------------------

    private void dispatch(Instruction instruction) {
        switch (instruction) {
            case Instruction.Run r -> new RunStep(session, this).run(r);
            case Instruction.Copy c -> new CopyStep(session, this).copy(c);
            case Instruction.Env e -> env(e);
            case Instruction.Label l -> {
                Map<String, String> env = env();
                Map<String, String> labels = new LinkedHashMap<>();
                for (Instruction.KeyValue kv : l.labels()) {
                    labels.put(session.lex.word(kv.key(), env), session.lex.word(kv.value(), env));
                }
                setLabels(labels, "LABEL " + pairs(labels));
            }
            case Instruction.Arg a -> arg(a);
            case Instruction.Expose e -> {
                Map<String, String> env = env();
                List<String> ports = new ArrayList<>();
                for (String p : e.ports()) {
                    ports.addAll(session.lex.words(p, env));
                }
                ContainerConfig c = image.runConfig();
                metadata(
                        c.withExposedPorts(ConfigChanges.withPorts(c.exposedPorts(), ports)),
                        "EXPOSE " + String.join(" ", ports));
            }
            case Instruction.Workdir w -> workdir(w);
            case Instruction.User u -> {
                String user = session.lex.word(u.user(), env());
                metadata(image.runConfig().withUser(user), "USER " + user);
            }
            case Instruction.Volume v -> {
                Map<String, String> env = env();
                List<String> paths = new ArrayList<>();
                for (String p : v.paths()) {
                    String path = session.lex.word(p, env);
                    if (path.isBlank()) {
                        throw BerthException.invalid("VOLUME specified can not be an empty string");
                    }
                    paths.add(path);
                }
                ContainerConfig c = image.runConfig();
                metadata(c.withVolumes(ConfigChanges.withVolumes(c.volumes(), paths)), "VOLUME " + paths);
            }
            case Instruction.StopSignal s -> {
                String signal = session.lex.word(s.signal(), env());
                checkSignal(signal);
                metadata(image.runConfig().withStopSignal(signal), "STOPSIGNAL " + signal);
            }
            case Instruction.Cmd c -> {
                List<String> cmd = commandLine(c.command());
                cmdSet = true;
                metadata(image.runConfig().withCmd(cmd), "CMD " + quoted(cmd));
            }
            case Instruction.Entrypoint e -> {
                List<String> entrypoint = commandLine(e.command());
                ContainerConfig c = image.runConfig().withEntrypoint(entrypoint);
                if (!cmdSet) {
                    c = c.withCmd(null); // a CMD from the base image does not survive a new ENTRYPOINT
                }
                metadata(c, "ENTRYPOINT " + quoted(entrypoint));
            }
            case Instruction.Shell s -> {
                ContainerConfig c = image.runConfig();
                metadata(copy(c, c.healthcheck(), s.shell(), c.onBuild()), "SHELL " + quoted(s.shell()));
            }
            case Instruction.Healthcheck h -> {
                ContainerConfig c = image.runConfig();
                metadata(copy(c, healthcheck(h), c.shell(), c.onBuild()), "HEALTHCHECK " + quoted(h.test()));
            }
            case Instruction.Onbuild o -> {
                ContainerConfig c = image.runConfig();
                List<String> triggers = new ArrayList<>(c.onBuild() == null ? List.of() : c.onBuild());
                triggers.add(o.expression());
                metadata(copy(c, c.healthcheck(), c.shell(), triggers), "ONBUILD " + o.expression());
            }
            case Instruction.Maintainer m -> {
                String createdBy = "MAINTAINER " + m.maintainer();
                String key = key(createdBy).done();
                cached(key, createdBy, image.runConfig(), m.maintainer(), () -> null);
            }
        }
    }

    // ---- instructions that change the config ---------------------------------------------

    private void env(Instruction.Env e) {
        Map<String, String> env = env();
        Map<String, String> vars = new LinkedHashMap<>();
        for (Instruction.KeyValue kv : e.vars()) {
            // every value of one ENV sees the variables as they were before it
            vars.put(session.lex.word(kv.key(), env), session.lex.word(kv.value(), env));
        }
        ContainerConfig c = image.runConfig();
        metadata(c.withEnv(ConfigChanges.withEnv(c.env(), vars)), "ENV " + pairs(vars));
    }

    private void setLabels(Map<String, String> labels, String createdBy) {
        ContainerConfig c = image.runConfig();
        metadata(c.withLabels(ConfigChanges.withLabels(c.labels(), labels)), createdBy);
    }

    /** ARG: declares the names from here on; the step itself (as dockerd's) records only the defaults. */
    private void arg(Instruction.Arg a) {
        List<String> parts = new ArrayList<>();
        for (Instruction.ArgDecl decl : a.args()) {
            String def = decl.defaultValue() == null ? null : session.lex.word(decl.defaultValue(), env());
            args.put(decl.name(), session.args.resolve(decl, def, session.globals));
            declared.add(decl.name());
            parts.add(def == null ? decl.name() : decl.name() + "=" + def);
        }
        metadata(image.runConfig(), "ARG " + String.join(" ", parts));
    }

    /** WORKDIR: the config's working directory, and the directory itself (owned by USER) when missing. */
    private void workdir(Instruction.Workdir w) {
        String path = session.lex.word(w.path(), env());
        String dir = ConfigChanges.workingDir(image.runConfig().workingDir(), path);
        String createdBy = "WORKDIR " + dir;
        String key = key(createdBy).part("user", image.runConfig().user()).done();
        cached(
                key,
                createdBy,
                image.runConfig().withWorkingDir(dir),
                author(),
                () -> new FileSteps(session, this).makeDirectory(dir).orElse(null));
    }

    private void metadata(ContainerConfig config, String createdBy) {
        cached(key(createdBy).done(), createdBy, config, author(), () -> null);
    }

    /**
     * Runs a step through the cache. A hit in the local cache (or a step of a
     * {@code --cache-from} image) prints {@code  ---> Using cache} and takes that result;
     * otherwise {@code layer} makes the step's layer (null: none) and the step's image is stored.
     */
    void cached(
            String key, String createdBy, ContainerConfig config, String author, Supplier<LayerStore.Committed> layer) {
        if (!session.request.noCache()) {
            Optional<Digest> hit = session.tools.cache().lookup(key);
            if (hit.isPresent()) {
                out.stream(" ---> Using cache\n");
                image = session.tools.baseImages().of(hit.get()).withKey(key);
                return;
            }
            Optional<CacheFrom.Step> from = session.cacheFrom.find(key);
            if (from.isPresent()) {
                out.stream(" ---> Using cache\n");
                LayerStore.Committed reused = null;
                if (from.get().diffId() != null) {
                    LayerStore.Unpacked unpacked = session.tools
                            .images()
                            .layers()
                            .unpack(
                                    image.topChain(),
                                    from.get().diffId(),
                                    from.get().blob(),
                                    ProgressListener.NONE);
                    session.lease.add(unpacked.chainId());
                    reused = new LayerStore.Committed(unpacked, from.get().blob());
                }
                image = session.tools
                        .stepImages()
                        .commit(image, config, createdBy, reused, author, key, session.now(), session.lease);
                return;
            }
        }
        LayerStore.Committed made = layer.get();
        image = session.tools
                .stepImages()
                .commit(image, config, createdBy, made, author, key, session.now(), session.lease);
    }

    // ---- what steps read ------------------------------------------------------------------

    StageImage image() {
        return image;
    }

    BuildOutput out() {
        return out;
    }

    /** The key of a step on top of the current image: the step as its history shows it, and the platform. */
    StepKey key(String createdBy) {
        return StepKey.after(image.key()).part("step", createdBy).part("platform", session.request.platform());
    }

    String author() {
        return image.config().author();
    }

    /** The variables words are substituted with: the declared ARGs, and ENV over them. */
    Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>(nonNull(args));
        env.putAll(envOf(image.runConfig()));
        return env;
    }

    /** The declared ARGs a RUN sees (sorted), those an ENV of the same name hides left out. */
    Map<String, String> runArgs() {
        Map<String, String> env = envOf(image.runConfig());
        Map<String, String> out = new TreeMap<>();
        nonNull(args).forEach((k, v) -> {
            if (!env.containsKey(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    Set<String> declared() {
        return declared;
    }

    /** The SHELL that shell-form commands run with. */
    List<String> shell() {
        List<String> shell = image.runConfig().shell();
        return shell == null || shell.isEmpty() ? DEFAULT_SHELL : shell;
    }

    /** A command line as it runs: the exec form as written, the shell form through the SHELL. */
    List<String> commandLine(Instruction.CommandLine command) {
        if (!command.shellForm()) {
            return command.args();
        }
        List<String> out = new ArrayList<>(shell());
        out.addAll(command.args());
        return out;
    }

    static Map<String, String> envOf(ContainerConfig config) {
        Map<String, String> env = new LinkedHashMap<>();
        if (config.env() != null) {
            for (String e : config.env()) {
                int eq = e.indexOf('=');
                env.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
            }
        }
        return env;
    }

    private static Map<String, String> nonNull(Map<String, String> map) {
        Map<String, String> out = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (v != null) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static String pairs(Map<String, String> vars) {
        List<String> out = new ArrayList<>();
        vars.forEach((k, v) -> out.add(k + "=" + v));
        return String.join(" ", out);
    }

    /** Go's {@code %q} of a string slice: {@code ["a" "b c"]}, as BuildKit's history shows commands. */
    static String quoted(List<String> words) {
        List<String> out = new ArrayList<>();
        for (String w : words) {
            out.add("\"" + w.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        }
        return "[" + String.join(" ", out) + "]";
    }

    /** {@code c} with another healthcheck, shell and ONBUILD list (ContainerConfig has no withers for these). */
    private static ContainerConfig copy(
            ContainerConfig c, Map<String, Object> healthcheck, List<String> shell, List<String> onBuild) {
        return new ContainerConfig(
                c.user(),
                c.exposedPorts(),
                c.env(),
                c.entrypoint(),
                c.cmd(),
                c.volumes(),
                c.workingDir(),
                c.labels(),
                c.stopSignal(),
                c.argsEscaped(),
                healthcheck,
                onBuild == null || onBuild.isEmpty() ? null : onBuild,
                shell);
    }

    /** Docker's HealthConfig: durations in nanoseconds, zero values left out. */
    private static Map<String, Object> healthcheck(Instruction.Healthcheck h) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Test", h.test());
        putDuration(out, "Interval", h.interval());
        putDuration(out, "Timeout", h.timeout());
        putDuration(out, "StartPeriod", h.startPeriod());
        putDuration(out, "StartInterval", h.startInterval());
        if (h.retries() > 0) {
            out.put("Retries", h.retries());
        }
        return out;
    }

    private static void putDuration(Map<String, Object> out, String name, Duration d) {
        if (d != null && !d.isZero()) {
            out.put(name, d.toNanos());
        }
    }

    /** A STOPSIGNAL must name a signal: {@code SIGTERM}, {@code TERM}, or a number (dockerd checks it too). */
    private static void checkSignal(String signal) {
        Signals.parse(signal);
    }
}
