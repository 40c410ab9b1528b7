package dev.berth.engine.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Log rotation as moby's loggerutils.LogFile, and the log options checked as dockerd's. */
class LogFileTest {
    @TempDir
    Path dir;

    private static byte[] line(int i) {
        return "line %05d\n".formatted(i).getBytes(StandardCharsets.UTF_8); // 11 bytes
    }

    @Test
    void rotationKeepsMaxFilesAndReadsThemOldestFirst() throws Exception {
        Path file = dir.resolve("c-json.log");
        LogFile log = new LogFile(file, new LogDrivers.Rotation(110, 3, true));
        for (int i = 0; i < 1000; i++) {
            log.write(line(i));
        }
        log.close();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("c-json.log", "c-json.log.1.gz", "c-json.log.2.gz");
        }
        List<String> lines = new ArrayList<>();
        log.forEachLine(lines::add);
        assertThat(lines).hasSize(30).startsWith("line 00970").endsWith("line 00999");
    }

    @Test
    void oneFileStartsAgainEmptyAndNoMaxSizeNeverRotates() throws Exception {
        LogFile one = new LogFile(dir.resolve("one.log"), new LogDrivers.Rotation(110, 1, false));
        LogFile endless = new LogFile(dir.resolve("endless.log"), new LogDrivers.Rotation(-1, 1, false));
        for (int i = 0; i < 25; i++) {
            one.write(line(i));
            endless.write(line(i));
        }
        assertThat(Files.readString(dir.resolve("one.log")))
                .startsWith("line 00020")
                .hasSize(55);
        assertThat(Files.size(dir.resolve("endless.log"))).isEqualTo(275);
        assertThat(one.files()).hasSize(1);
    }

    @Test
    void optionsAreCheckedAsDockerdChecksThem() {
        assertThat(LogDrivers.rotation(
                        new HostSettings.LogConfig("json-file", Map.of("max-size", "1m", "max-file", "3"))))
                .isEqualTo(new LogDrivers.Rotation(1 << 20, 3, false));
        assertThat(LogDrivers.rotation(new HostSettings.LogConfig("local", Map.of())))
                .isEqualTo(new LogDrivers.Rotation(20 << 20, 5, true));
        assertThatThrownBy(() -> LogDrivers.check(new HostSettings.LogConfig("asdf", Map.of())))
                .hasMessage("error looking up logging plugin asdf: plugin \"asdf\" not found");
        assertThatThrownBy(() -> LogDrivers.check(new HostSettings.LogConfig("json-file", Map.of("foo", "1"))))
                .hasMessage("unknown log opt 'foo' for json-file log driver");
        assertThatThrownBy(() -> LogDrivers.check(new HostSettings.LogConfig("json-file", Map.of("max-size", "abc"))))
                .hasMessage("failed to initialize logging driver: invalid size: 'abc'");
        assertThatThrownBy(() -> LogDrivers.check(new HostSettings.LogConfig("local", Map.of("max-file", "0"))))
                .hasMessage("failed to initialize logging driver: max-file cannot be less than 1");
        assertThatThrownBy(() -> LogDrivers.check(new HostSettings.LogConfig("none", Map.of("max-size", "1m"))))
                .hasMessage("unknown log opt 'max-size' for none log driver");
    }
}
