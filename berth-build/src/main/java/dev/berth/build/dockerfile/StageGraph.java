package dev.berth.build.dockerfile;

import dev.berth.core.error.BerthException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which stages a build needs and what each waits for. The target (the last stage, or
 * {@code --target}) needs the stage it is built FROM and every stage it copies or mounts from,
 * and so on; other stages are not built. Stages that do not wait for each other may run at the
 * same time. References in {@code COPY --from} and {@code RUN --mount from=} are substituted
 * with the ARGs and ENVs the stage declares before them (the base image's environment is not
 * known yet), as BuildKit does when it plans a build.
 *
 * @param order   the needed stages, each after the stages it needs, otherwise in file order
 * @param needs   for each needed stage (by index), the indices of the stages it waits for
 * @param bases   for each needed stage built FROM another stage, that stage's index
 * @param target  the index of the stage whose image is the build's result
 */
public record StageGraph(List<Stage> order, Map<Integer, Set<Integer>> needs, Map<Integer, Integer> bases, int target) {

    public static StageGraph plan(Dockerfile file, String target, BuildArgs args, Map<String, String> globals) {
        List<Stage> stages = file.stages();
        if (stages.isEmpty()) {
            throw BerthException.invalid("No image was generated. Is your Dockerfile empty?");
        }
        Stage targetStage = stages.getLast();
        if (target != null && !target.isEmpty()) {
            targetStage = stages.stream()
                    .filter(s -> s.isNamed(target))
                    .findFirst()
                    .orElseThrow(() -> BerthException.invalid("failed to reach build target %s in Dockerfile", target));
        }
        ShellLex lex = file.lex();
        Map<Integer, Set<Integer>> deps = new HashMap<>();
        Map<Integer, Integer> bases = new HashMap<>();
        Map<Integer, Map<String, String>> outlines = new HashMap<>();
        for (Stage stage : stages) {
            Set<Integer> d = new TreeSet<>();
            Map<String, String> env = new HashMap<>();
            String base = lex.word(stage.base(), globals);
            Optional<Stage> parent = stages.stream()
                    .filter(s -> s.index() < stage.index() && s.isNamed(base))
                    .findFirst();
            if (parent.isPresent()) {
                d.add(parent.get().index());
                bases.put(stage.index(), parent.get().index());
                env.putAll(outlines.get(parent.get().index()));
            }
            for (Instruction i : stage.instructions()) {
                switch (i) {
                    case Instruction.Arg arg -> {
                        for (Instruction.ArgDecl decl : arg.args()) {
                            String def = decl.defaultValue() == null ? null : lex.word(decl.defaultValue(), env);
                            String value = args.resolve(decl, def, globals);
                            env.put(decl.name(), value == null ? "" : value);
                        }
                    }
                    case Instruction.Env e -> {
                        Map<String, String> before = Map.copyOf(env);
                        for (Instruction.KeyValue kv : e.vars()) {
                            env.put(lex.word(kv.key(), before), lex.word(kv.value(), before));
                        }
                    }
                    case Instruction.Copy c
                    when c.from() != null ->
                        stageRef(file, lex.word(c.from(), env), stage).ifPresent(s -> d.add(s.index()));
                    case Instruction.Run r -> {
                        for (String mount : r.mounts()) {
                            String from = MountSpec.fromField(mount);
                            if (from != null) {
                                stageRef(file, lex.word(from, env), stage).ifPresent(s -> d.add(s.index()));
                            }
                        }
                    }
                    default -> {
                        // no reference to another stage
                    }
                }
            }
            deps.put(stage.index(), d);
            outlines.put(stage.index(), env);
        }
        List<Stage> order = new ArrayList<>();
        Set<Integer> done = new LinkedHashSet<>();
        visit(targetStage, stages, deps, done, new LinkedHashSet<>(), order);
        Map<Integer, Set<Integer>> needs = new HashMap<>();
        Map<Integer, Integer> neededBases = new HashMap<>();
        for (Stage s : order) {
            needs.put(s.index(), deps.get(s.index()));
            if (bases.containsKey(s.index())) {
                neededBases.put(s.index(), bases.get(s.index()));
            }
        }
        return new StageGraph(order, needs, neededBases, targetStage.index());
    }

    /** The stage a {@code --from} names (an AS name or an index), never the stage itself. */
    private static Optional<Stage> stageRef(Dockerfile file, String ref, Stage self) {
        return file.stage(ref, true).filter(s -> s.index() != self.index());
    }

    /** Depth first from the target; each stage after what it needs, siblings in file order. */
    private static void visit(
            Stage stage,
            List<Stage> stages,
            Map<Integer, Set<Integer>> deps,
            Set<Integer> done,
            Set<Integer> onPath,
            List<Stage> order) {
        if (done.contains(stage.index())) {
            return;
        }
        if (!onPath.add(stage.index())) {
            throw BerthException.invalid("circular dependency detected on stage: %s", stage.displayName());
        }
        for (int dep : deps.get(stage.index())) {
            visit(stages.get(dep), stages, deps, done, onPath, order);
        }
        onPath.remove(stage.index());
        done.add(stage.index());
        order.add(stage);
    }

    /** Whether the stage is built FROM another stage of this file (else from an image or scratch). */
    public Optional<Integer> baseStage(int index) {
        return Optional.ofNullable(bases.get(index));
    }
}
