package dev.berth.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.image.ContainerConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigChangesTest {
    private static ContainerConfig apply(String... changes) {
        return ConfigChanges.apply(ContainerConfig.EMPTY, List.of(changes));
    }

    @Test
    void cmdAndEntrypointInJsonAndShellForm() {
        assertThat(apply("CMD [\"sh\"]").cmd()).containsExactly("sh");
        assertThat(apply("cmd echo hello world").cmd()).containsExactly("/bin/sh", "-c", "echo hello world");
        assertThat(apply("ENTRYPOINT [\"/bin/a\",\"b\"]").entrypoint()).containsExactly("/bin/a", "b");
        // Not a JSON string array: the shell form, as BuildKit does.
        assertThat(apply("CMD [not json]").cmd()).containsExactly("/bin/sh", "-c", "[not json]");
    }

    @Test
    void envInBothFormsReplacesEarlierValuesInPlace() {
        ContainerConfig c = apply("ENV A=1 B=2", "ENV A 3 and more", "ENV C=\"x y\" D=a\\ b");
        // dockerd keeps a replaced variable where it was (checked with dockerd 20.10: build and commit --change)
        assertThat(c.env()).containsExactly("A=3 and more", "B=2", "C=x y", "D=a b");
    }

    @Test
    void labelsExposeVolumesWorkdirUserStopsignal() {
        ContainerConfig c = apply(
                "LABEL \"com.example\"=\"yes\" x=1",
                "EXPOSE 8080/tcp 53/UDP 7000-7001",
                "VOLUME [\"/a\", \"/b\"]",
                "VOLUME /c",
                "WORKDIR /x",
                "WORKDIR y",
                "USER 1000:1000",
                "STOPSIGNAL 9");
        assertThat(c.labels()).containsEntry("com.example", "yes").containsEntry("x", "1");
        assertThat(c.exposedPorts()).containsOnlyKeys("8080/tcp", "53/udp", "7000/tcp", "7001/tcp");
        assertThat(c.volumes()).containsOnlyKeys("/a", "/b", "/c");
        assertThat(c.workingDir()).isEqualTo("/x/y");
        assertThat(c.user()).isEqualTo("1000:1000");
        assertThat(c.stopSignal()).isEqualTo("9");
    }

    @Test
    void badChangesAreRejected() {
        assertThatThrownBy(() -> apply("RUN true")).hasMessage("run is not a valid change command");
        assertThatThrownBy(() -> apply("EXPOSE http")).hasMessage("invalid containerPort: http");
        assertThatThrownBy(() -> apply("ENV A=\"open")).hasMessageContaining("matching");
        assertThatThrownBy(() -> apply("USER")).hasMessageContaining("USER requires");
    }
}
