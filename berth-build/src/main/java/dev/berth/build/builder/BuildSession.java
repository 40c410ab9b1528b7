package dev.berth.build.builder;

import dev.berth.build.dockerfile.BuildArgs;
import dev.berth.build.dockerfile.Dockerfile;
import dev.berth.build.dockerfile.ShellLex;
import dev.berth.build.dockerfile.Stage;
import dev.berth.build.dockerfile.StageGraph;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.engine.container.LayeredFiles;
import dev.berth.engine.image.Leases;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * One build in progress, as its stages share it: the request, the parsed Dockerfile and its
 * plan, the build args, where output goes, the workspace, the cancellation, and the results of
 * the stages as they finish (a stage that copies from another waits for it here).
 */
final class BuildSession {
    final BuildRequest request;
    final BuildTools tools;
    final Workspace workspace;
    final Path contextRoot;
    final Dockerfile dockerfile;
    final ShellLex lex;
    final BuildArgs args;
    final Map<String, String> globals;
    final StageGraph graph;
    final OrderedOutput output;
    final Cancellation cancellation;
    final CacheFrom cacheFrom;
    final Leases.Lease lease;
    /** {@code SOURCE_DATE_EPOCH}: every timestamp of the result, or null for the real times. */
    final Instant sourceDateEpoch;

    private final Map<Integer, CompletableFuture<StageResult>> results = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> firstStep = new HashMap<>();
    private final Map<Integer, Integer> positions = new HashMap<>();
    private final int totalSteps;

    /** What a finished stage hands on: its image, and the ARGs declared in it (stages FROM it inherit them). */
    record StageResult(StageImage image, Map<String, String> args, Set<String> declared) {}

    BuildSession(
            BuildRequest request,
            BuildTools tools,
            Workspace workspace,
            Path contextRoot,
            Dockerfile dockerfile,
            BuildArgs args,
            Map<String, String> globals,
            StageGraph graph,
            BuildOutput out,
            Cancellation cancellation,
            CacheFrom cacheFrom,
            Leases.Lease lease) {
        this.request = request;
        this.tools = tools;
        this.workspace = workspace;
        this.contextRoot = contextRoot;
        this.dockerfile = dockerfile;
        this.lex = dockerfile.lex();
        this.args = args;
        this.globals = globals;
        this.graph = graph;
        this.cancellation = cancellation;
        this.cacheFrom = cacheFrom;
        this.lease = lease;
        this.sourceDateEpoch = sourceDateEpoch(args);
        this.output = new OrderedOutput(out, graph.order().size());
        int step = 1 + dockerfile.globalArgs().size();
        int position = 0;
        for (Stage stage : graph.order()) {
            positions.put(stage.index(), position++);
            firstStep.put(stage.index(), step);
            step += 1 + stage.instructions().size();
            if (stage.index() == graph.target()) {
                step += request.labels().size();
            }
        }
        this.totalSteps = step - 1;
        for (Stage stage : graph.order()) {
            results.put(stage.index(), new CompletableFuture<>());
        }
    }

    private static Instant sourceDateEpoch(BuildArgs args) {
        String value = args.given("SOURCE_DATE_EPOCH");
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Instant.ofEpochSecond(Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            throw BerthException.invalid("invalid SOURCE_DATE_EPOCH: %s", value);
        }
    }

    /** The files of an image's layers, to ask what exists without mounting it. */
    LayeredFiles imageFiles(List<Digest> chain) {
        return LayeredFiles.of(null, chain, tools.snapshots()::directory);
    }

    int totalSteps() {
        return totalSteps;
    }

    int firstStep(Stage stage) {
        return firstStep.get(stage.index());
    }

    BuildOutput out(Stage stage) {
        return output.lane(positions.get(stage.index()));
    }

    void finished(Stage stage) {
        output.finished(positions.get(stage.index()));
    }

    /** When a step happens: SOURCE_DATE_EPOCH when given, else now. */
    Instant now() {
        return sourceDateEpoch != null ? sourceDateEpoch : tools.clock().instant();
    }

    CompletableFuture<StageResult> result(int stageIndex) {
        CompletableFuture<StageResult> f = results.get(stageIndex);
        if (f == null) {
            throw BerthException.invalid("stage %s is not part of this build", stageIndex);
        }
        return f;
    }

    /** The result of another stage, waiting for it; a failure there stops this stage too. */
    StageResult awaitStage(int stageIndex) {
        try {
            return result(stageIndex).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BerthException.unavailable("Build cancelled");
        } catch (ExecutionException e) {
            cancellation.check();
            throw BerthException.unavailable("stage %s failed", stageIndex);
        }
    }
}
