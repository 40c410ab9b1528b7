package dev.berth.build.builder;

import dev.berth.build.cache.BuildCache;
import dev.berth.build.context.BuildContext;
import dev.berth.build.context.ContextArchive;
import dev.berth.build.dockerfile.BuildArgs;
import dev.berth.build.dockerfile.Dockerfile;
import dev.berth.build.dockerfile.Instruction;
import dev.berth.build.dockerfile.Stage;
import dev.berth.build.dockerfile.StageGraph;
import dev.berth.core.content.BlobIngester;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.image.Platforms;
import dev.berth.core.io.AtomicFiles;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.core.reference.ImageReference;
import dev.berth.core.snapshot.Snapshotter;
import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerServices;
import dev.berth.engine.distribution.PullService;
import dev.berth.engine.image.ImageServices;
import dev.berth.engine.image.Leases;
import dev.berth.engine.image.TagService;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /build}: builds an image from a Dockerfile and a context, the way dockerd's
 * classic builder does and prints it, with BuildKit's Dockerfile features. In two parts, as
 * dockerd answers: {@link #prepare} reads the context and checks the Dockerfile (bad input is
 * an error before any output), {@link #run} builds, writing its progress.
 */
public final class BuildService {
    private static final Logger LOG = LoggerFactory.getLogger(BuildService.class);

    private final BuildTools tools;
    private final BuildCacheUsage cacheUsage;
    private final Map<String, Cancellation> running = new ConcurrentHashMap<>();

    public BuildService(
            ImageServices images,
            ContainerServices containers,
            PullService pulls,
            Snapshotter snapshots,
            MetadataStore db,
            BlobIngester blobs,
            Path dataRoot,
            Clock clock) {
        BuildCache cache = new BuildCache(db, clock);
        this.tools = new BuildTools(
                images,
                containers,
                snapshots,
                blobs,
                new BaseImages(images, db, pulls),
                new StepImages(images.store(), images.layers(), cache),
                cache,
                new CacheMounts(dataRoot),
                new Downloads(),
                dataRoot,
                clock);
        this.cacheUsage = new BuildCacheUsage(
                cache, tools.cacheMounts(), images, db, ContainerServices.imageUsers(containers.store()));
    }

    /** The build cache for {@code /system/df} and {@code POST /build/prune}. */
    public BuildCacheUsage cacheUsage() {
        return cacheUsage;
    }

    /**
     * Daemon start, before the start-up check reads the snapshots: removes what builds a crash
     * interrupted left in the workspace (mounts on snapshots first). Completed steps stay: their
     * images and cache rows were written before anything depended on them.
     */
    public static void cleanUpAfterCrash(Path dataRoot) {
        Workspace.cleanUp(dataRoot);
    }

    /** Daemon start, once containers are recovered: removes the RUN containers of interrupted builds. */
    public void removeLeftoverContainers() {
        for (Container c : tools.containers().store().all()) {
            if (c.config().labels().containsKey(RunStep.LABEL)) {
                LOG.info("start-up: removing container {} of an interrupted build", c.shortId());
                tools.containers().remover().remove(c.id(), true, true);
            }
        }
    }

    /** A build whose input was read and checked; closing it (which {@link #run} does) frees its workspace. */
    public static final class Prepared implements AutoCloseable {
        private final BuildRequest request;
        private final Workspace workspace;
        private final Path contextDir;
        private final Dockerfile dockerfile;
        private final BuildArgs args;
        private final Map<String, String> globals;
        private final StageGraph graph;
        private final CacheFrom cacheFrom;
        private final Leases.Lease lease;
        private final Cancellation cancellation = new Cancellation();

        private Prepared(
                BuildRequest request,
                Workspace workspace,
                Path contextDir,
                Dockerfile dockerfile,
                BuildArgs args,
                Map<String, String> globals,
                StageGraph graph,
                CacheFrom cacheFrom,
                Leases.Lease lease) {
            this.request = request;
            this.workspace = workspace;
            this.contextDir = contextDir;
            this.dockerfile = dockerfile;
            this.args = args;
            this.globals = globals;
            this.graph = graph;
            this.cacheFrom = cacheFrom;
            this.lease = lease;
        }

        /** Stops the build (its client went away): its running step is killed, no further step starts. */
        public void cancel() {
            cancellation.cancel();
        }

        @Override
        public void close() {
            lease.close();
            workspace.close();
        }
    }

    /**
     * Reads the context ({@code body}: a tar, maybe compressed; or {@code remote}: an http(s) URL
     * of such a tar or of a Dockerfile), and parses and plans the Dockerfile. Throws before any
     * output for bad input.
     */
    public Prepared prepare(BuildRequest request, InputStream body, String remote) {
        for (String tag : request.tags()) {
            if (ImageReference.parse(tag).digest().isPresent()) {
                throw BerthException.invalid("build tag cannot contain a digest");
            }
            TagService.repoTag(tag, null);
        }
        Workspace workspace = Workspace.create(tools.dataRoot());
        Leases.Lease lease = tools.images().leases().acquire(List.of());
        try {
            Path contextDir = workspace.directory("context");
            String dockerfilePath = request.dockerfile();
            if (remote != null && !remote.isEmpty()) {
                dockerfilePath = fetchRemote(remote, workspace, contextDir, dockerfilePath);
            } else {
                ContextArchive.unpack(body == null ? InputStream.nullInputStream() : body, contextDir);
            }
            BuildContext context = BuildContext.open(contextDir, dockerfilePath);
            Dockerfile dockerfile = Dockerfile.parse(context.dockerfile());
            BuildArgs args = new BuildArgs(request.buildArgs());
            Map<String, String> globals =
                    args.globals(dockerfile.globalArgs(), platformArgs(request), dockerfile.lex());
            StageGraph graph = StageGraph.plan(dockerfile, request.target(), args, globals);
            return new Prepared(
                    request,
                    workspace,
                    contextDir,
                    dockerfile,
                    args,
                    globals,
                    graph,
                    CacheFrom.of(request.cacheFrom(), tools.images()),
                    lease);
        } catch (RuntimeException e) {
            lease.close();
            workspace.close();
            throw e;
        }
    }

    /** The result of a build: its image and the names it was tagged with. */
    public record Result(Digest imageId, List<ImageReference> tags) {}

    /**
     * Builds, writing dockerd's progress lines to {@code out}: the steps, each stage's image ID,
     * {@code Successfully built} and {@code Successfully tagged}. Stages the target does not need
     * are not built; stages that do not wait for each other run at the same time, their output
     * printed stage after stage. A failure or a cancel removes the build's containers and
     * unfinished snapshots; the steps that completed stay cached.
     */
    public Result run(Prepared prepared, BuildOutput out) {
        BuildSession session = new BuildSession(
                prepared.request,
                tools,
                prepared.workspace,
                prepared.contextDir,
                prepared.dockerfile,
                prepared.args,
                prepared.globals,
                prepared.graph,
                out,
                prepared.cancellation,
                prepared.cacheFrom,
                prepared.lease);
        String buildId = session.request.buildId();
        if (buildId != null && !buildId.isEmpty()) {
            running.put(buildId, session.cancellation);
        }
        try (prepared) {
            int step = 1;
            for (Instruction.Arg arg : session.dockerfile.globalArgs()) {
                out.stream("Step " + step++ + "/" + session.totalSteps() + " : "
                        + arg.source().code());
                out.stream("\n");
            }
            StageImage result = runStages(session);
            Set<String> unused = session.args.unconsumed();
            if (!unused.isEmpty()) {
                out.stream("[Warning] One or more build-args "
                        + List.copyOf(unused).toString().replace(",", "") + " were not consumed\n");
            }
            out.stream("Successfully built " + result.shortId() + "\n");
            List<ImageReference> tags = new ArrayList<>();
            for (String tag : session.request.tags()) {
                ImageReference ref = TagService.repoTag(tag, null);
                tools.images().tags().tag(result.id(), ref);
                tags.add(ref);
                out.stream("Successfully tagged " + ref.familiarString() + "\n");
            }
            return new Result(result.id(), tags);
        } finally {
            if (buildId != null) {
                running.remove(buildId);
            }
        }
    }

    /** Runs every needed stage on its own thread; the first failure cancels the others. */
    private StageImage runStages(BuildSession session) {
        List<Stage> order = session.graph.order();
        List<Thread> threads = new ArrayList<>();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        AtomicInteger failedPosition = new AtomicInteger();
        for (int position = 0; position < order.size(); position++) {
            Stage stage = order.get(position);
            int at = position;
            threads.add(Thread.ofVirtual()
                    .name("build-stage-" + stage.displayName())
                    .start(() -> {
                        try {
                            BuildSession.StageResult r = new StageBuild(session, stage).run();
                            session.result(stage.index()).complete(r);
                            session.finished(stage);
                        } catch (RuntimeException | Error e) {
                            RuntimeException wrapped =
                                    e instanceof RuntimeException r ? r : new IllegalStateException(e);
                            if (failure.compareAndSet(null, wrapped)) {
                                failedPosition.set(at);
                                session.cancellation.cancel();
                            }
                            session.result(stage.index()).completeExceptionally(e);
                        }
                    }));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                session.cancellation.cancel();
                Thread.currentThread().interrupt();
            }
        }
        RuntimeException failed = failure.get();
        if (failed != null) {
            session.output.failedAt(failedPosition.get());
            throw failed;
        }
        return session.result(session.graph.target()).join().image();
    }

    /** {@code POST /build/cancel?id=}: stops the build the client started with that {@code buildid}; none is fine. */
    public void cancel(String buildId) {
        Cancellation c = running.get(buildId);
        if (c != null) {
            c.cancel();
        }
    }

    /** TARGETPLATFORM and friends (target: the request's platform, else the host's), and BUILDPLATFORM. */
    private static Map<String, String> platformArgs(BuildRequest request) {
        String build = Platforms.hostOs() + "/" + Platforms.hostArchitecture();
        String target = request.platform() == null || request.platform().isEmpty() ? build : request.platform();
        Map<String, String> args = new LinkedHashMap<>();
        put(args, "TARGET", target);
        put(args, "BUILD", build);
        return args;
    }

    private static void put(Map<String, String> args, String prefix, String platform) {
        String[] parts = platform.split("/");
        args.put(prefix + "PLATFORM", platform);
        args.put(prefix + "OS", parts[0]);
        args.put(prefix + "ARCH", parts.length > 1 ? parts[1] : "");
        args.put(prefix + "VARIANT", parts.length > 2 ? parts[2] : "");
    }

    /**
     * A {@code remote} context: a tar at an http(s) URL is the context; any other file there is the
     * Dockerfile of an empty context (dockerd's rule). Returns the Dockerfile's path in it.
     */
    private String fetchRemote(String remote, Workspace workspace, Path contextDir, String dockerfile) {
        if (!Downloads.isUrl(remote) || remote.endsWith(".git") || remote.contains(".git#")) {
            throw BerthException.notImplemented(
                    "only http(s) URLs of a tar or a Dockerfile are supported as remote build contexts: %s", remote);
        }
        Path file = workspace.directory("remote").resolve("context");
        tools.downloads().fetch(remote, file);
        if (Archives.isTar(file)) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
                ContextArchive.unpack(in, contextDir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return dockerfile;
        }
        AtomicFiles.move(file, contextDir.resolve("Dockerfile"));
        return "Dockerfile";
    }
}
