package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * load, rmi, pull, run and prune on images that share their base layer, all at once, round after
 * round (issue 15): each succeeds, or fails with a reason a user can act on (the image is not
 * there, or is in use); none fails with a missing blob, layer or snapshot, and when a round is
 * over the engine is consistent ({@link EngineInvariants}). {@code -Dberth.race.rounds} sets the
 * number of rounds (default 12).
 */
class SharedLayerRaceIT {
    private static final int ROUNDS = Integer.getInteger("berth.race.rounds", 12);
    /** Failures a user can act on: the image is not (or no longer) there, or something uses it. */
    private static final Pattern ACTIONABLE = Pattern.compile(
            "No such image|image is being used|conflict: unable to (delete|remove)|must force|is using its referenced image");

    @Test
    void loadRmiPullRunAndPruneOfImagesSharingLayersEachSucceedOrSayWhy() throws Exception {
        TestRegistry.require();
        try (BerthDaemon daemon = BerthDaemon.start();
                TestRegistry registry = TestRegistry.start()) {
            Path scratch = daemon.scratch();
            daemon.bootstrapBusybox();
            for (String name : List.of("a", "b", "c")) {
                daemon.savedImage("race/" + name, 4000000, scratch.resolve(name + ".tar"));
            }
            String pulled = registry.address() + "/race/c:1";
            daemon.docker("tag", "race/c", pulled).ok();
            daemon.docker("push", pulled).ok();
            daemon.docker("rmi", "race/c", pulled).ok();

            // a stopped container whose commits (untagged) are the dangling images prune removes
            daemon.docker(
                            "run",
                            "--pull",
                            "never",
                            "--name",
                            "dangler",
                            "busybox",
                            "sh",
                            "-c",
                            "head -c 1000000 /dev/urandom > /d")
                    .ok();
            List<String> unexplained = new ArrayList<>();
            Set<String> seenIds = ConcurrentHashMap.newKeySet();
            for (int round = 0; round < ROUNDS; round++) {
                daemon.docker("load", "-i", scratch.resolve("b.tar").toString()).ok();
                daemon.docker("rmi", "-f", "race/a", pulled);
                daemon.docker("commit", "dangler").ok();
                Map<String, CommandResult> results = new ConcurrentHashMap<>();
                List<Thread> threads = new ArrayList<>();
                Map<String, List<String>> commands = Map.of(
                        "load a", List.of("load", "-i", scratch.resolve("a.tar").toString()),
                        "rmi b", List.of("rmi", "race/b"),
                        "pull c", List.of("pull", pulled),
                        "run b", List.of("run", "--pull", "never", "--rm", "race/b", "true"),
                        "run busybox", List.of("run", "--pull", "never", "--rm", "busybox", "true"),
                        "prune", List.of("image", "prune", "-f"));
                commands.forEach((what, args) -> threads.add(Thread.ofVirtual()
                        .start(() -> results.put(what, daemon.docker(args.toArray(String[]::new))))));
                for (Thread t : threads) {
                    t.join();
                }
                int r = round;
                results.forEach((what, result) -> {
                    if (result.exitCode() != 0
                            && !ACTIONABLE.matcher(result.stderr()).find()) {
                        unexplained.add("round " + r + ", " + what + ": "
                                + result.stderr().strip());
                    }
                });
                for (String must : List.of("load a", "pull c", "run busybox")) {
                    if (results.get(must).exitCode() != 0) {
                        unexplained.add("round " + r + ", " + must + " failed: "
                                + results.get(must).stderr().strip());
                    }
                }
                EngineInvariants.check(daemon, seenIds).forEach(p -> unexplained.add("round " + r + ": " + p));
                Set<String> images =
                        new HashSet<>(List.of(daemon.docker("images", "--format", "{{.Repository}}:{{.Tag}}")
                                .ok()
                                .split("\\s+")));
                assertThat(images).contains("race/a:latest", pulled, "busybox:latest");
                daemon.docker("run", "--pull", "never", "--rm", "race/a", "true")
                        .ok();
                daemon.docker("run", "--pull", "never", "--rm", pulled, "true").ok();
            }
            assertThat(unexplained).isEmpty();
        }
    }
}
