package dev.berth.build.builder;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.berth.build.dockerfile.Heredoc;
import dev.berth.build.dockerfile.Instruction;
import dev.berth.build.dockerfile.MountSpec;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.sys.Libc;
import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerAttach;
import dev.berth.engine.container.ContainerServices;
import dev.berth.engine.container.ContainerSettings;
import dev.berth.engine.container.ContainerWaits;
import dev.berth.engine.container.HostSettings;
import dev.berth.engine.container.LayeredFiles;
import dev.berth.engine.image.LayerStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

/**
 * A RUN step: an ordinary container from the stage's image (the engine's create, attach, start
 * and wait, as {@code docker run} does), its output streamed to the build as it comes, and —
 * when the command succeeds — its writable layer committed as the step's layer, in place (the
 * container is done with it). The mount points the runtime had to create in that layer (for
 * {@code /etc/hosts}, a cache or a secret) are removed first, as Docker keeps them in a separate
 * init layer: a secret's path never appears in an image.
 */
final class RunStep {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    /** Labels a build's containers carry, so that a daemon restart after a crash finds and removes them. */
    static final String LABEL = "dev.berth.build";

    private final BuildSession session;
    private final StageBuild stage;

    RunStep(BuildSession session, StageBuild stage) {
        this.session = session;
        this.stage = stage;
    }

    void run(Instruction.Run r) {
        Map<String, String> env = stage.env();
        List<MountSpec> mounts = new ArrayList<>();
        for (String m : r.mounts()) {
            mounts.add(MountSpec.parse(m, w -> session.lex.word(w, env)));
        }
        if ("insecure".equals(r.security())) {
            throw BerthException.invalid("security.insecure is not allowed");
        }
        for (MountSpec m : mounts) {
            if (m.type().equals("ssh")) {
                throw BerthException.notImplemented("RUN --mount=type=ssh is not supported");
            }
        }
        Command command = command(r);
        Map<String, String> args = stage.runArgs();
        StringBuilder createdBy = new StringBuilder("RUN ");
        if (!args.isEmpty()) {
            createdBy.append('|').append(args.size());
            args.forEach((k, v) -> createdBy.append(' ').append(k).append('=').append(v));
            createdBy.append(' ');
        }
        createdBy.append(command.shown());
        String network =
                r.network() == null || r.network().equals("default") ? session.request.networkMode() : r.network();
        String key = stage.key(createdBy.toString())
                .part(
                        "mounts",
                        String.join(
                                "\n",
                                r.mounts().stream()
                                        .map(m -> session.lex.word(m, env))
                                        .toList()))
                .part("network", network)
                .part("heredocs", command.heredocKey())
                .done();
        stage.cached(
                key,
                createdBy.toString(),
                stage.image().runConfig(),
                stage.author(),
                () -> execute(command, args, mounts, network));
    }

    /** What runs ({@code argv}), how history and errors show it, and a script a shebang heredoc needs. */
    private record Command(List<String> argv, String shown, Heredoc script, String heredocKey) {}

    /**
     * The command line. Heredocs in shell form: a RUN that is only {@code <<EOF} runs the body
     * (with the SHELL, or as a script when it starts with {@code #!}); otherwise the bodies follow
     * the command, for the shell to read as here-documents.
     */
    private Command command(Instruction.Run r) {
        if (!r.command().shellForm() || r.heredocs().isEmpty()) {
            List<String> argv = stage.commandLine(r.command());
            return new Command(argv, String.join(" ", argv), null, "");
        }
        String text = r.command().args().getFirst();
        StringBuilder key = new StringBuilder();
        r.heredocs().forEach(h -> key.append(h.name()).append('\n').append(h.content()));
        if (r.heredocs().size() == 1 && dev.berth.build.dockerfile.DockerfileParser.isOnlyHeredoc(text)) {
            Heredoc doc = r.heredocs().getFirst();
            if (doc.body().startsWith("#!")) {
                List<String> argv = List.of("/dev/pipes/" + doc.name());
                return new Command(argv, String.join(" ", argv), doc, key.toString());
            }
            List<String> argv = new ArrayList<>(stage.shell());
            argv.add(doc.body());
            return new Command(argv, String.join(" ", stage.shell()) + " " + text, null, key.toString());
        }
        StringBuilder script = new StringBuilder(text);
        for (Heredoc doc : r.heredocs()) {
            script.append('\n').append(doc.content()).append(doc.name());
        }
        List<String> argv = new ArrayList<>(stage.shell());
        argv.add(script.toString());
        return new Command(argv, String.join(" ", stage.shell()) + " " + text, null, key.toString());
    }

    private LayerStore.Committed execute(
            Command command, Map<String, String> args, List<MountSpec> specs, String network) {
        session.cancellation.check();
        ContainerServices containers = session.tools.containers();
        StageImage image = stage.image();
        try (RunMounts mounts = RunMounts.prepare(session, stage, specs)) {
            if (command.script() != null) {
                Path dir = session.workspace.directory("pipes");
                try {
                    Path script = Files.writeString(
                            dir.resolve(command.script().name()),
                            command.script().body());
                    Libc.chmod(script, 0755);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                mounts.binds.add(dir + ":/dev/pipes:ro");
            }
            String id = containers
                    .creator()
                    .create(null, settings(image, command, args, mounts), host(mounts, network))
                    .id();
            String shortId = id.substring(0, 12);
            boolean keep = false;
            try (AutoCloseable onCancel = session.cancellation.onCancel(() -> remove(id))) {
                stage.out().stream(" ---> Running in " + shortId + "\n");
                int code = runToExit(containers, id);
                session.cancellation.check();
                if (code != 0) {
                    throw new StepFailed(command.shown(), code);
                }
                Container c = containers.store().resolve(id);
                removeMountPoints(c, image);
                LayerStore.Committed layer;
                if (session.request.removeIntermediate()) {
                    layer = session.tools
                            .images()
                            .layers()
                            .commitActive(c.snapshotKey(), image.topChain(), session.sourceDateEpoch, session.lease)
                            .orElse(null);
                } else {
                    keep = true; // rm=false: the container stays, with its layer; the image gets a copy
                    layer = session.tools
                            .images()
                            .layers()
                            .commitCopy(c.snapshotKey(), image.topChain(), session.lease);
                }
                remove(id);
                if (!keep) {
                    stage.out().stream("Removing intermediate container " + shortId + "\n");
                }
                return layer;
            } catch (Exception e) {
                if (!keep) {
                    remove(id);
                }
                throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
            }
        }
    }

    /** Starts the container, streams its output into the build, and waits for its exit code. */
    private int runToExit(ContainerServices containers, String id) throws IOException {
        Container c = containers.store().resolve(id);
        ContainerAttach.Session attach =
                containers.attach().open(c, new ContainerAttach.Options(false, true, true, true, false, ""));
        try (attach) {
            CompletableFuture<ContainerWaits.Result> exit = containers.waiter().register(id, "next-exit");
            try {
                containers.runner().start(id);
            } catch (BerthException e) {
                if (e.kind() == ErrorKind.INVALID_ARGUMENT) {
                    throw BerthException.invalid("failed to run %s: %s", c.path(), e.getMessage());
                }
                throw e;
            }
            attach.stream(new OutputClient());
            try {
                return exit.get().statusCode();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw BerthException.unavailable("Build cancelled");
            } catch (ExecutionException e) {
                throw BerthException.internal("waiting for the RUN container", e.getCause());
            }
        }
    }

    /** The RUN's output, as it comes, into the stage's output (stdout and stderr apart, UTF-8 kept whole). */
    private final class OutputClient implements ContainerAttach.Client {
        private final CharsetDecoder stdout = decoder();
        private final CharsetDecoder stderr = decoder();

        @Override
        public InputStream input() {
            return InputStream.nullInputStream();
        }

        @Override
        public void write(String stream, byte[] bytes) {
            boolean err = "stderr".equals(stream);
            String text = decode(err ? stderr : stdout, bytes);
            if (!text.isEmpty()) {
                if (err) {
                    stage.out().stderr(text);
                } else {
                    stage.out().stream(text);
                }
            }
        }

        @Override
        public boolean isOpen() {
            return !session.cancellation.isCancelled();
        }

        private static CharsetDecoder decoder() {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
        }

        /** Decodes a chunk, keeping an incomplete character for the next one. */
        private static String decode(CharsetDecoder decoder, byte[] bytes) {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            CharBuffer out = CharBuffer.allocate(bytes.length + 4);
            decoder.decode(in, out, false);
            out.flip();
            return out.toString();
        }
    }

    /** The container as {@code docker run} would make it: the stage's user, directory and environment. */
    private ContainerSettings settings(StageImage image, Command command, Map<String, String> args, RunMounts mounts) {
        List<String> env = new ArrayList<>(
                image.runConfig().env() == null ? List.of() : image.runConfig().env());
        args.forEach((k, v) -> env.add(k + "=" + v));
        session.args.predefined(stage.declared()).forEach((k, v) -> env.add(k + "=" + v));
        mounts.env.forEach((k, v) -> env.add(k + "=" + v));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("Image", image.id() == null ? "" : image.id().toString());
        config.put("Cmd", command.argv());
        config.put("Entrypoint", List.of(""));
        config.put("Env", env);
        config.put(
                "User",
                image.runConfig().user() == null ? "" : image.runConfig().user());
        config.put(
                "WorkingDir",
                image.runConfig().workingDir() == null ? "" : image.runConfig().workingDir());
        config.put("AttachStdout", true);
        config.put("AttachStderr", true);
        config.put("Labels", Map.of(LABEL, "true"));
        if (image.id() == null) {
            throw BerthException.invalid(
                    "cannot RUN in an empty image (FROM scratch): there is no %s",
                    command.argv().getFirst());
        }
        return JSON.convertValue(config, ContainerSettings.class);
    }

    private HostSettings host(RunMounts mounts, String network) {
        BuildRequest.Resources r = session.request.resources();
        Map<String, Object> host = new LinkedHashMap<>();
        host.put("NetworkMode", network);
        host.put("ExtraHosts", session.request.extraHosts());
        host.put("Binds", mounts.binds);
        host.put("Tmpfs", mounts.tmpfs);
        host.put("Memory", r.memory());
        host.put("MemorySwap", r.memorySwap());
        host.put("CpuShares", r.cpuShares());
        host.put("CpusetCpus", r.cpusetCpus());
        host.put("CpuPeriod", r.cpuPeriod());
        host.put("CpuQuota", r.cpuQuota());
        host.put("ShmSize", r.shmSize());
        return JSON.convertValue(host, HostSettings.class);
    }

    private void remove(String id) {
        ContainerServices containers = session.tools.containers();
        if (containers.store().byId(id).isEmpty()) {
            return;
        }
        try {
            containers.remover().remove(id, true, true);
        } catch (BerthException e) {
            if (e.kind() != ErrorKind.NOT_FOUND) {
                throw e;
            }
        }
    }

    /**
     * Removes from the container's layer the empty files and directories the runtime made to
     * mount something on (paths the image does not have), then their parents it made, then the
     * image's directories that hold them if making them was the only change there (overlayfs
     * copied such a directory up with a new mtime; dockerd keeps these stubs in a separate init
     * layer, so its RUN steps that change nothing add no layer).
     */
    private void removeMountPoints(Container c, StageImage image) {
        Path upper = session.tools.snapshots().directory(c.snapshotKey());
        LayeredFiles files = session.imageFiles(image.chain());
        for (String destination : session.tools.containers().queries().mountDestinations(c)) {
            String path = destination;
            while (!path.equals("/") && !path.isEmpty()) {
                Path entry = upper.resolve(path.substring(1));
                Optional<Path> inImage = files.find(path);
                boolean stub = inImage.isEmpty() ? isEmptyStub(entry) : isUntouchedCopyUp(entry, inImage.get());
                if (!stub) {
                    break;
                }
                try {
                    Files.delete(entry);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                int slash = path.lastIndexOf('/');
                path = slash <= 0 ? "/" : path.substring(0, slash);
            }
        }
    }

    /** An empty, non-opaque directory with the owner and mode of the image's directory it copies. */
    private static boolean isUntouchedCopyUp(Path entry, Path lower) {
        if (!Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)
                || !Files.isDirectory(lower, LinkOption.NOFOLLOW_LINKS)
                || !isEmptyStub(entry)
                || Libc.lgetxattr(entry, "trusted.overlay.opaque") != null) {
            return false;
        }
        try {
            Map<String, Object> a = Files.readAttributes(entry, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
            Map<String, Object> b = Files.readAttributes(lower, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
            return a.equals(b);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isEmptyStub(Path entry) {
        try {
            if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                return Files.size(entry) == 0;
            }
            if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> children = Files.list(entry)) {
                    return children.findAny().isEmpty();
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
