package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.Blobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The crash campaign (issue 15): each operation a user runs — load, pull, push, commit, rmi,
 * image prune, run -d, rm -f, volume create with run -v, cp, start, stop, exec, pause and unpause,
 * and a mix of them in parallel — is
 * timed once, then run again and again with the daemon SIGKILLed at a random moment within that
 * time; the daemon restarts on the same data root and {@link EngineInvariants} must hold, every
 * acknowledged operation must have happened (an image present and runnable, a removal done), and
 * two containers that print a numbered line every 20 ms through every kill (one with a TTY) must
 * have each line in their log exactly once.
 *
 * <p>Seeded ({@code -Dberth.crash.seed}, printed) and bounded: {@code -Dberth.crash.points}
 * crash points in all (default two per operation), and no new point starts after
 * {@code -Dberth.crash.budget} seconds (default 420); {@code -Dberth.crash.operations=run,volume}
 * aims it at some operations. A long run on purpose:
 * {@code -Dberth.crash.points=550 -Dberth.crash.budget=7200}.
 */
class CrashConsistencyIT {
    /** Crash points in all; two per operation unless given. */
    private static final Integer POINTS = Integer.getInteger("berth.crash.points");

    private static final long SEED = Long.getLong("berth.crash.seed", System.nanoTime());
    private static final Duration BUDGET = Duration.ofSeconds(Long.getLong("berth.crash.budget", 420));
    /** Only these operations (comma-separated names, e.g. "run,volume"), to aim a run at one; all by default. */
    private static final Set<String> ONLY = Arrays.stream(
                    System.getProperty("berth.crash.operations", "").split(","))
            .map(String::strip)
            .filter(name -> !name.isEmpty())
            .collect(java.util.stream.Collectors.toSet());
    /** Runs until SIGTERM, which makes it exit 3 at once (sleep as pid 1 would ignore it). */
    private static final String STOPPABLE = "trap 'exit 3' TERM; while true; do usleep 50000; done";
    /** Prints 0, 1, 2 … one line every 20 ms. */
    private static final String COUNTER = "i=0; while true; do echo $i; i=$((i+1)); usleep 20000; done";

    private static BerthDaemon daemon;
    private static TestRegistry registry;
    private static Path scratch;

    private final Random random = new Random(SEED);
    private final Set<String> seenIds = ConcurrentHashMap.newKeySet();
    /** Images an acknowledged operation made, and names an acknowledged removal removed. */
    private final Set<String> mustExist = ConcurrentHashMap.newKeySet();

    private final Set<String> mustNotExist = ConcurrentHashMap.newKeySet();
    /** Containers, images and volumes an operation made, removed once its point is checked. */
    private final List<List<String>> cleanUps = new CopyOnWriteArrayList<>();

    /** Problems the last check found: one that stays is counted at the point that made it, not again. */
    private Set<String> lastProblems = Set.of();

    private final Map<String, LogProgress> logProgress = new LinkedHashMap<>();
    private final Map<String, String> loggers = new LinkedHashMap<>();
    private int serial;
    private final List<Long> restartMillis = new ArrayList<>();

    @BeforeAll
    static void startDaemonAndRegistry() {
        TestRegistry.require();
        daemon = BerthDaemon.start();
        registry = TestRegistry.start();
        scratch = daemon.scratch();
    }

    @AfterAll
    static void stopDaemonAndRegistry() {
        if (daemon != null) {
            // what a leak left would outlive the daemon: shims and cgroups go with the test
            EngineInvariants.killLeftovers(
                    daemon,
                    Set.copyOf(Arrays.asList(
                            daemon.docker("ps", "-aq", "--no-trunc").stdout().split("\\s+"))));
            daemon.removeAllContainers();
            daemon.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    /** Client commands run in order, and what their success (an acknowledgement) promises. */
    private record Lane(List<List<String>> commands, Consumer<List<String>> acknowledged) {}

    /** One run of an operation: untimed set-up, then its lanes in parallel (one, except for the mix). */
    private record Execution(Runnable prepare, List<Lane> lanes) {
        Execution(Runnable prepare, List<List<String>> commands, Consumer<List<String>> acknowledged) {
            this(prepare, List.of(new Lane(commands, acknowledged)));
        }
    }

    private record Operation(String name, IntFunction<Execution> make) {}

    @Test
    void everyCrashPointLeavesAConsistentEngine() throws Exception {
        System.out.printf("crash campaign: seed %d, budget %d s%n", SEED, BUDGET.toSeconds());
        setUpImages();
        startLogger("logger");
        startLogger("logger-tty", "-t");

        List<Operation> single = operations();
        List<Operation> all = new ArrayList<>(single);
        all.add(new Operation("mix", n -> mix(single, n)));
        if (!ONLY.isEmpty()) {
            all.removeIf(op -> !ONLY.contains(op.name()));
        }

        Map<String, int[]> tally = new LinkedHashMap<>();
        all.forEach(op -> tally.put(op.name(), new int[2]));
        List<String> allProblems = new ArrayList<>();
        Map<String, Long> measured = new LinkedHashMap<>();
        for (Operation op : all) {
            long started = System.nanoTime();
            Outcome outcome = run(op.make().apply(++serial), -1);
            measured.put(op.name(), Math.max(1, (System.nanoTime() - started) / 1_000_000 - outcome.prepareMillis()));
            outcome.problems().forEach(p -> allProblems.add(op.name() + " without a crash: " + p));
            outcome.problems()
                    .forEach(p -> System.out.println("crash campaign: " + op.name() + " without a crash: " + p));
        }
        System.out.println("crash campaign: measured durations (ms) " + measured);

        long deadline = System.nanoTime() + BUDGET.toNanos();
        int points = POINTS != null ? POINTS : 2 * all.size();
        int done = 0;
        for (int point = 0; point < points && System.nanoTime() < deadline; point++) {
            Operation op = all.get(point % all.size());
            long killAfter = (long) (random.nextDouble() * measured.get(op.name()));
            long started = System.nanoTime();
            Outcome outcome = run(op.make().apply(++serial), killAfter);
            System.out.printf(
                    "crash campaign: point %d (%s) done in %d ms%n",
                    point, op.name(), (System.nanoTime() - started) / 1_000_000);
            int[] t = tally.get(op.name());
            t[0]++;
            if (!outcome.problems().isEmpty()) {
                t[1]++;
                String head = "point " + point + " (" + op.name() + ", killed after " + killAfter + " ms, "
                        + (outcome.acknowledged() ? "acknowledged" : "not acknowledged") + "): ";
                outcome.problems().forEach(p -> allProblems.add(head + p));
                outcome.problems().forEach(p -> System.out.println("crash campaign: " + head + p));
            }
            done++;
        }
        List<Long> restarts = restartMillis.stream().sorted().toList();
        StringBuilder table =
                new StringBuilder("crash campaign: seed " + SEED + ", " + done + " points; restarts: median "
                        + (restarts.isEmpty() ? 0 : restarts.get(restarts.size() / 2)) + " ms, max "
                        + (restarts.isEmpty() ? 0 : restarts.getLast()) + " ms\n");
        tally.forEach((name, t) -> table.append("  %-8s %4d points, %3d with problems%n".formatted(name, t[0], t[1])));
        System.out.print(table);
        assertThat(allProblems).as(table.toString()).isEmpty();
    }

    private record Outcome(boolean acknowledged, long prepareMillis, List<String> problems) {}

    /**
     * Runs one execution; with {@code killAfter >= 0}, SIGKILLs the daemon that many ms after the
     * commands began and starts it again. Then checks everything.
     */
    private Outcome run(Execution e, long killAfter) throws Exception {
        long prepared = System.nanoTime();
        e.prepare().run();
        long prepareMillis = (System.nanoTime() - prepared) / 1_000_000;
        Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
        List<CommandResult> failures = new CopyOnWriteArrayList<>();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < e.lanes().size(); i++) {
            Lane lane = e.lanes().get(i);
            int index = i;
            clients.add(Thread.ofVirtual().start(() -> {
                for (List<String> command : lane.commands()) {
                    CommandResult r = daemon.docker(command.toArray(String[]::new));
                    if (r.exitCode() != 0) {
                        failures.add(r);
                        return;
                    }
                }
                acknowledged.add(index);
            }));
        }
        List<String> problems = new ArrayList<>();
        if (killAfter < 0) {
            for (Thread client : clients) {
                client.join();
            }
        } else {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(killAfter);
            for (Thread client : clients) {
                client.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            }
            if (clients.stream().noneMatch(Thread::isAlive)) {
                // done before the kill: what it left must be consistent already, crash or not
                EngineInvariants.check(daemon, seenIds).forEach(p -> problems.add("before the kill: " + p));
            }
            daemon.kill();
            for (Thread client : clients) {
                if (!client.join(Duration.ofSeconds(60))) {
                    problems.add("a client did not end within 60 s of the kill");
                }
            }
            long restarting = System.nanoTime();
            daemon.restart();
            restartMillis.add((System.nanoTime() - restarting) / 1_000_000);
        }
        if (killAfter < 0) {
            failures.forEach(f -> problems.add("failed without a crash: " + f));
        }
        problems.addAll(EngineInvariants.check(daemon, seenIds));
        for (int i : acknowledged) {
            e.lanes().get(i).acknowledged().accept(problems);
        }
        checkImages(problems);
        checkLoggers(problems);
        cleanUp();
        List<String> fresh = problems.stream()
                .filter(p -> !lastProblems.contains(p) && !lastProblems.contains("before the kill: " + p))
                .distinct()
                .toList();
        lastProblems = Set.copyOf(problems);
        return new Outcome(acknowledged.size() == e.lanes().size(), prepareMillis, fresh);
    }

    // ------------------------------------------------------------------------------ operations

    private List<Operation> operations() {
        String pulled = registry.address() + "/crash/pulled:1";
        Path file = Blobs.randomFile(scratch.resolve("cp.bin"), 8 << 20);
        return List.of(
                new Operation(
                        "load",
                        n -> new Execution(
                                () -> removeImage("crash/a"),
                                List.of(List.of(
                                        "load", "-i", scratch.resolve("a.tar").toString())),
                                p -> acknowledgedImage("crash/a", p))),
                new Operation(
                        "pull",
                        n -> new Execution(
                                () -> removeImage(pulled),
                                List.of(List.of("pull", pulled)),
                                p -> acknowledgedImage(pulled, p))),
                new Operation("push", n -> {
                    String name = registry.address() + "/crash/push:" + n;
                    return new Execution(
                            () -> {
                                daemon.docker("commit", "pushsrc", name).ok();
                                cleanUps.add(List.of("rmi", "-f", name));
                            },
                            List.of(List.of("push", name)),
                            p -> acknowledgedImage(name, p));
                }),
                new Operation("commit", n -> {
                    String name = "crash/commit:" + n;
                    return new Execution(
                            () -> cleanUps.add(List.of("rmi", "-f", name)),
                            List.of(List.of("commit", "committee", name)),
                            p -> acknowledgedImage(name, p));
                }),
                new Operation(
                        "rmi",
                        n -> new Execution(
                                () -> {
                                    daemon.docker(
                                                    "load",
                                                    "-i",
                                                    scratch.resolve("b.tar").toString())
                                            .ok();
                                    mustNotExist.remove(tagged("crash/b"));
                                },
                                List.of(List.of("rmi", "crash/b")),
                                p -> acknowledgedRemoval("crash/b"))),
                new Operation("prune", n -> {
                    List<String> names = List.of("crash/prune:" + n + "a", "crash/prune:" + n + "b");
                    return new Execution(
                            () -> {
                                daemon.docker("rm", "-f", "prunesrc");
                                daemon.docker(
                                                "run",
                                                "--pull",
                                                "never",
                                                "--name",
                                                "prunesrc",
                                                "busybox",
                                                "sh",
                                                "-c",
                                                "head -c 4000000 /dev/urandom > /p.bin")
                                        .ok();
                                for (String name : names) {
                                    daemon.docker("commit", "-c", "LABEL crash.prune=" + n, "prunesrc", name)
                                            .ok();
                                }
                            },
                            List.of(List.of("image", "prune", "-af", "--filter", "label=crash.prune=" + n)),
                            p -> names.forEach(this::acknowledgedRemoval));
                }),
                new Operation(
                        "run",
                        n -> new Execution(
                                () -> cleanUps.add(List.of("rm", "-f", "run-" + n)),
                                List.of(List.of(
                                        "run",
                                        "--pull",
                                        "never",
                                        "-d",
                                        "--name",
                                        "run-" + n,
                                        "busybox",
                                        "sleep",
                                        "1000")),
                                p -> acknowledgedRunning("run-" + n, p))),
                new Operation(
                        "rm",
                        n -> new Execution(
                                () -> daemon.docker(
                                                "run", "--pull", "never", "-d", "--name", "rm-" + n, "busybox", "sleep",
                                                "1000")
                                        .ok(),
                                List.of(List.of("rm", "-f", "rm-" + n)),
                                p -> {
                                    if (daemon.docker("inspect", "rm-" + n).exitCode() == 0) {
                                        p.add("container rm-" + n + " is still there after rm -f answered");
                                    }
                                })),
                new Operation(
                        "volume",
                        n -> new Execution(
                                () -> {
                                    cleanUps.add(List.of("rm", "-f", "vol-" + n));
                                    cleanUps.add(List.of("volume", "rm", "vol-" + n));
                                },
                                List.of(
                                        List.of("volume", "create", "vol-" + n),
                                        List.of(
                                                "run",
                                                "--pull",
                                                "never",
                                                "-d",
                                                "--name",
                                                "vol-" + n,
                                                "-v",
                                                "vol-" + n + ":/data",
                                                "busybox",
                                                "sh",
                                                "-c",
                                                "echo hi > /data/f; sleep 1000")),
                                p -> {
                                    acknowledgedRunning("vol-" + n, p);
                                    if (daemon.docker("volume", "inspect", "vol-" + n)
                                                    .exitCode()
                                            != 0) {
                                        p.add("volume vol-" + n + " is missing after it was created");
                                    }
                                })),
                new Operation("start", n -> {
                    String name = "start-" + n;
                    return new Execution(
                            () -> {
                                cleanUps.add(List.of("rm", "-f", name));
                                daemon.docker("create", "--pull", "never", "--name", name, "busybox", "sleep", "1000")
                                        .ok();
                            },
                            List.of(List.of("start", name)),
                            p -> acknowledgedRunning(name, p));
                }),
                new Operation("stop", n -> {
                    String name = "stop-" + n;
                    return new Execution(
                            () -> {
                                cleanUps.add(List.of("rm", "-f", name));
                                daemon.docker(
                                                "run", "--pull", "never", "-d", "--name", name, "busybox", "sh", "-c",
                                                STOPPABLE)
                                        .ok();
                            },
                            List.of(List.of("stop", name)),
                            p -> acknowledgedState(name, "exited 3", p));
                }),
                new Operation("exec", n -> {
                    String name = "exec-" + n;
                    return new Execution(
                            () -> {
                                sleeper(name);
                            },
                            List.of(List.of("exec", name, "sh", "-c", "echo done > /f")),
                            p -> {
                                CommandResult r = daemon.docker("exec", name, "cat", "/f");
                                if (!r.stdout().equals("done\n")) {
                                    p.add("the file exec wrote in " + name + " is not there: " + r);
                                }
                            });
                }),
                new Operation("pause", n -> {
                    String name = "pause-" + n;
                    return new Execution(
                            () -> {
                                sleeper(name);
                            },
                            List.of(List.of("pause", name), List.of("unpause", name)),
                            p -> acknowledgedState(name, "running 0", p));
                }),
                new Operation("cp", n -> {
                    boolean running = n % 2 == 0;
                    String name = "cp-" + n;
                    return new Execution(
                            () -> {
                                if (running) {
                                    sleeper(name);
                                } else {
                                    cleanUps.add(List.of("rm", "-f", name));
                                    daemon.docker("create", "--pull", "never", "--name", name, "busybox", "true")
                                            .ok();
                                }
                            },
                            List.of(List.of("cp", file.toString(), name + ":/f")),
                            p -> acknowledgedCopy(name, file, p));
                }));
    }

    /** Three different operations at once (load and rmi of images that share their base layer among them). */
    private Execution mix(List<Operation> single, int n) {
        List<Operation> pool = new ArrayList<>(single);
        Collections.shuffle(pool, random);
        List<Execution> parts = pool.subList(0, 3).stream()
                .map(op -> op.make().apply(n * 1000 + single.indexOf(op)))
                .toList();
        return new Execution(
                () -> parts.forEach(p -> p.prepare().run()),
                parts.stream().flatMap(p -> p.lanes().stream()).toList());
    }

    // ------------------------------------------------------------------------------ checks

    /** The name as {@code docker images} shows it: repository:tag. */
    private static String tagged(String name) {
        return name.substring(name.lastIndexOf('/') + 1).contains(":") ? name : name + ":latest";
    }

    private void acknowledgedImage(String name, List<String> problems) {
        mustExist.add(tagged(name));
        mustNotExist.remove(tagged(name));
        CommandResult run = daemon.docker("run", "--pull", "never", "--rm", name, "true");
        if (run.exitCode() != 0) {
            problems.add("acknowledged image " + name + " does not run: "
                    + run.stderr().strip());
        }
    }

    /** An operation's set-up removes an image on purpose: no longer promised. */
    /** A running busybox {@code name} that sleeps, removed after the point. */
    private void sleeper(String name) {
        cleanUps.add(List.of("rm", "-f", name));
        daemon.docker("run", "--pull", "never", "-d", "--name", name, "busybox", "sleep", "1000")
                .ok();
    }

    private void removeImage(String name) {
        mustExist.remove(tagged(name));
        daemon.docker("rmi", "-f", name);
    }

    private void acknowledgedRemoval(String name) {
        mustExist.remove(tagged(name));
        mustNotExist.add(tagged(name));
    }

    private void acknowledgedRunning(String name, List<String> problems) {
        String state = daemon.docker("inspect", "-f", "{{.State.Status}}", name)
                .stdout()
                .strip();
        if (!state.equals("running")) {
            problems.add("container " + name + " is '" + state + "' after run -d answered");
        }
    }

    /** The container's status and exit code, as {@code docker inspect} shows them. */
    private void acknowledgedState(String name, String expected, List<String> problems) {
        String state = daemon.docker("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", name)
                .stdout()
                .strip();
        if (!state.equals(expected)) {
            problems.add(
                    "container " + name + " is '" + state + "', not '" + expected + "', after it was acknowledged");
        }
    }

    private void acknowledgedCopy(String name, Path file, List<String> problems) {
        Path back = scratch.resolve("back-" + name);
        CommandResult r = daemon.docker("cp", name + ":/f", back.toString());
        try {
            if (r.exitCode() != 0 || Files.mismatch(file, back) != -1) {
                problems.add("the file copied into " + name + " is not there whole: "
                        + r.stderr().strip());
            }
            Files.deleteIfExists(back);
        } catch (java.io.IOException e) {
            problems.add("the file copied into " + name + " cannot be read back: " + e.getMessage());
        }
    }

    private void checkImages(List<String> problems) {
        Set<String> present =
                new HashSet<>(Arrays.asList(daemon.docker("images", "--format", "{{.Repository}}:{{.Tag}}")
                        .ok()
                        .split("\\s+")));
        for (String name : mustExist) {
            if (!present.contains(name)) {
                problems.add("acknowledged image " + name + " is missing");
            }
        }
        for (String name : mustNotExist) {
            if (present.contains(name)) {
                problems.add("image " + name + " is back after its removal was acknowledged");
            }
        }
    }

    private void startLogger(String name, String... flags) {
        List<String> args = new ArrayList<>(List.of("run", "--pull", "never", "-d", "--name", name));
        args.addAll(List.of(flags));
        args.addAll(List.of("busybox", "sh", "-c", COUNTER));
        loggers.put(name, daemon.docker(args.toArray(String[]::new)).ok().strip());
    }

    /** How far a logger's log has been checked: the next line expected, and the last entry's time. */
    private static final class LogProgress {
        long next;
        String lastTime;
    }

    /**
     * Each logger's lines: 0, 1, 2 … each exactly once, however often the daemon was killed.
     * Read as a user does ({@code docker logs -t}), from the last entry checked on ({@code
     * --since} includes it), so that a long campaign does not read a growing log again and again.
     */
    private void checkLoggers(List<String> problems) {
        for (String name : loggers.keySet()) {
            LogProgress progress = logProgress.computeIfAbsent(name, n -> new LogProgress());
            List<String> args = new ArrayList<>(List.of("logs", "-t"));
            if (progress.lastTime != null) {
                args.addAll(List.of("--since", progress.lastTime));
            }
            args.add(name);
            String logs = daemon.docker(args.toArray(String[]::new)).stdout();
            for (String line : logs.split("\n")) {
                String[] entry = line.strip().split(" ", 2);
                if (entry.length < 2) {
                    continue;
                }
                long v = Long.parseLong(entry[1].strip());
                boolean lastOneAgain = entry[0].equals(progress.lastTime) && v == progress.next - 1;
                if (v < progress.next && !lastOneAgain) {
                    problems.add("log of " + name + ": line " + v + " twice");
                } else if (v > progress.next) {
                    problems.add("log of " + name + ": lines " + progress.next + " to " + (v - 1) + " missing");
                }
                progress.next = Math.max(progress.next, v + 1);
                progress.lastTime = entry[0];
            }
            String state = daemon.docker("inspect", "-f", "{{.State.Status}}", name)
                    .stdout()
                    .strip();
            if (!state.equals("running")) {
                problems.add("logger " + name + " is '" + state + "'");
            }
        }
    }

    private void cleanUp() {
        for (List<String> command : cleanUps) {
            daemon.docker(command.toArray(String[]::new));
            if (command.getFirst().equals("rmi")) {
                mustExist.remove(tagged(command.getLast()));
            }
        }
        cleanUps.clear();
    }

    // ------------------------------------------------------------------------------ set-up

    /**
     * crash/a and crash/b: busybox plus 8 MB of their own, saved to a.tar and b.tar (they share
     * busybox's layer with each other and with busybox:latest); crash/b with a layer more pushed
     * as the image pull fetches; the containers commit and push use.
     */
    private void setUpImages() {
        daemon.bootstrapBusybox();
        for (String name : List.of("a", "b")) {
            daemon.savedImage("crash/" + name, 8000000, scratch.resolve(name + ".tar"));
        }
        // the pulled image: crash/b and 4 MB more, so a pull unpacks two layers side by side
        String pulled = registry.address() + "/crash/pulled:1";
        daemon.docker(
                        "run",
                        "--pull",
                        "never",
                        "--name",
                        "pullsrc",
                        "crash/b",
                        "sh",
                        "-c",
                        "head -c 4000000 /dev/urandom > /y")
                .ok();
        daemon.docker("commit", "pullsrc", pulled).ok();
        daemon.docker("rm", "pullsrc").ok();
        daemon.docker("push", pulled).ok();
        daemon.docker("rmi", pulled, "crash/b").ok();
        daemon.docker(
                        "run",
                        "--pull",
                        "never",
                        "--name",
                        "pushsrc",
                        "busybox",
                        "sh",
                        "-c",
                        "head -c 4000000 /dev/urandom > /p")
                .ok();
        daemon.docker(
                        "run",
                        "--pull",
                        "never",
                        "-d",
                        "--name",
                        "committee",
                        "busybox",
                        "sh",
                        "-c",
                        "head -c 16000000 /dev/urandom > /c; while true; do date > /d; usleep 10000; done")
                .ok();
    }
}
