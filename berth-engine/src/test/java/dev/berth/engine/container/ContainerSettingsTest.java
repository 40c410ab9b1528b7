package dev.berth.engine.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.BerthException;
import dev.berth.core.image.ContainerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerSettingsTest {
    private static ContainerSettings request(List<String> entrypoint, List<String> cmd, List<String> env) {
        return new ContainerSettings(
                null,
                null,
                null,
                false,
                true,
                true,
                null,
                false,
                false,
                false,
                env,
                cmd,
                "busybox",
                null,
                null,
                entrypoint,
                Map.of("a", "1"),
                null,
                null,
                null);
    }

    private static final ContainerConfig IMAGE = ContainerConfig.EMPTY
            .withEntrypoint(List.of("/entry"))
            .withCmd(List.of("default"))
            .withEnv(List.of("PATH=/bin", "A=image"))
            .withWorkingDir("/srv")
            .withLabels(Map.of("b", "2"));

    @Test
    void emptyRequestTakesTheImagesCommandEnvAndWorkdir() {
        ContainerSettings merged = request(null, null, null).withImageDefaults(IMAGE);
        assertThat(merged.command()).containsExactly("/entry", "default");
        assertThat(merged.env()).containsExactly("PATH=/bin", "A=image");
        assertThat(merged.workingDir()).isEqualTo("/srv");
        assertThat(merged.labels()).containsEntry("a", "1").containsEntry("b", "2");
    }

    @Test
    void requestCmdReplacesTheImagesCmdButKeepsItsEntrypoint() {
        assertThat(request(null, List.of("mine"), List.of("A=mine"))
                        .withImageDefaults(IMAGE)
                        .command())
                .containsExactly("/entry", "mine");
        assertThat(request(null, null, List.of("A=mine"))
                        .withImageDefaults(IMAGE)
                        .env())
                .containsExactly("PATH=/bin", "A=mine");
    }

    @Test
    void emptyEntrypointClearsTheImagesEntrypointAndCmd() {
        assertThat(request(List.of(""), List.of("sh"), null)
                        .withImageDefaults(IMAGE)
                        .command())
                .containsExactly("sh");
        assertThat(request(List.of("/other"), null, null)
                        .withImageDefaults(IMAGE)
                        .command())
                .containsExactly("/other");
    }

    @Test
    void signalsParseByNameAndNumber() {
        assertThat(Signals.parse("SIGTERM")).isEqualTo(15);
        assertThat(Signals.parse("kill")).isEqualTo(9);
        assertThat(Signals.parse("USR1")).isEqualTo(10);
        assertThat(Signals.parse("1")).isEqualTo(1);
        assertThat(Signals.parse("SIGRTMIN+3")).isEqualTo(37);
        assertThatThrownBy(() -> Signals.parse("NOPE"))
                .isInstanceOf(BerthException.class)
                .hasMessage("Invalid signal: NOPE");
    }

    @Test
    void namesAreCheckedAndGetTheirSlash() {
        assertThat(ContainerNames.normalize("web-1")).isEqualTo("/web-1");
        assertThat(ContainerNames.normalize("/web")).isEqualTo("/web");
        assertThatThrownBy(() -> ContainerNames.normalize("bad name"))
                .hasMessageContaining("Invalid container name (bad name)");
        assertThat(ContainerNames.newId()).hasSize(64).matches("[0-9a-f]+");
    }

    @Test
    void usersResolveFromTheLayersTopFirst(@TempDir Path dir) throws Exception {
        Path upper = Files.createDirectories(dir.resolve("upper/etc"));
        Path lower = Files.createDirectories(dir.resolve("lower/etc"));
        Files.writeString(
                lower.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n");
        Files.writeString(lower.resolve("group"), "root:x:0:\napp:x:1000:\nwheel:x:10:app\n");
        Files.writeString(
                upper.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:2000:2000::/home/app:/bin/sh\n");
        LayeredFiles files = new LayeredFiles(List.of(dir.resolve("upper"), dir.resolve("lower")));
        UserLookup.Identity app = UserLookup.resolve("app", List.of(), files);
        assertThat(app.uid()).isEqualTo(2000);
        assertThat(app.home()).isEqualTo("/home/app");
        assertThat(app.groups()).containsExactly(10L);
        assertThat(UserLookup.resolve("1234:55", List.of(), files).uid()).isEqualTo(1234);
        assertThat(UserLookup.resolve("1234:55", List.of(), files).gid()).isEqualTo(55);
        assertThat(UserLookup.resolve("", List.of(), files).uid()).isZero();
        assertThatThrownBy(() -> UserLookup.resolve("ghost", List.of(), files))
                .hasMessage("unable to find user ghost: no matching entries in passwd file");
    }

    /** {@code --group-add}: names and gids from /etc/group, and gids without an entry, each once. */
    @Test
    void addedGroupsResolveByNameOrGid(@TempDir Path dir) throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Files.writeString(etc.resolve("passwd"), "app:x:1000:1000::/home/app:/bin/sh\n");
        Files.writeString(etc.resolve("group"), "app:x:1000:\nwheel:x:10:app\naudio:x:29:\n");
        LayeredFiles files = new LayeredFiles(List.of(dir));
        assertThat(UserLookup.resolve("app", List.of("audio", "4242", "10", "29"), files)
                        .groups())
                .containsExactly(10L, 29L, 4242L);
        assertThatThrownBy(() -> UserLookup.resolve("app", List.of("ghosts"), files))
                .hasMessage("Unable to find group ghosts: no matching entries in group file");
    }

    /** --device-cgroup-rule as moby reads it: a type, numbers or "*", and some of rwm. */
    @Test
    void deviceCgroupRulesReadAsMobyReadsThem() {
        assertThat(HostDevices.rule("c 10:229 rwm"))
                .isEqualTo(new dev.berth.runtime.spec.Linux.DeviceRule(true, "c", 10L, 229L, "rwm"));
        assertThat(HostDevices.rule("a *:* r"))
                .isEqualTo(new dev.berth.runtime.spec.Linux.DeviceRule(true, "a", null, null, "r"));
        for (String bad : List.of("c 10:229", "x 1:1 r", "c 1:1 rwx", "c 99999999999999999999:1 r")) {
            assertThatThrownBy(() -> HostDevices.rule(bad)).hasMessageContaining("device cgroup rule format: '" + bad);
        }
    }

    @Test
    void anImagesSymlinkedEtcIsNotReadOnTheHost(@TempDir Path dir) throws Exception {
        Path host = Files.createDirectories(dir.resolve("host-etc"));
        Files.writeString(host.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\nhostonly:x:4242:4242::/:/bin/sh\n");
        Path layer = Files.createDirectories(dir.resolve("layer"));
        Files.createSymbolicLink(layer.resolve("etc"), host);
        LayeredFiles files = new LayeredFiles(List.of(layer));

        assertThat(files.read("/etc/passwd")).isEmpty();
        assertThat(files.exists("/etc/passwd")).isFalse();
        assertThat(files.exists("/etc")).isTrue();
        assertThatThrownBy(() -> UserLookup.resolve("hostonly", List.of(), files))
                .hasMessageContaining("unable to find user hostonly");
    }

    @Test
    void logLinesRoundTripInDockersJsonFileFormat(@TempDir Path dir) throws Exception {
        ContainerLog log =
                new ContainerLog(new LogFile(dir.resolve("c-json.log"), new LogDrivers.Rotation(-1, 1, false)));
        java.time.Instant t = java.time.Instant.parse("2026-11-27T10:00:00.123456789Z");
        log.beginRun();
        log.append(new LogEntry("stdout", t, "hi \"there\"\n".getBytes()));
        log.append(new LogEntry("stderr", t, "oops\n".getBytes()));
        log.endRun();
        assertThat(Files.readString(dir.resolve("c-json.log")))
                .isEqualTo(
                        "{\"log\":\"hi \\\"there\\\"\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-27T10:00:00.123456789Z\"}\n"
                                + "{\"log\":\"oops\\n\",\"stream\":\"stderr\",\"time\":\"2026-11-27T10:00:00.123456789Z\"}\n");
        List<LogEntry> back = log.readAll();
        assertThat(back).hasSize(2);
        assertThat(new String(back.get(0).line())).isEqualTo("hi \"there\"\n");
        assertThat(back.get(1).isStderr()).isTrue();
        assertThat(back.get(1).time()).isEqualTo(t);
    }
}
