package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docker-py's build API ({@code client.images.build}) against a Berth daemon: path, fileobj, buildargs, target, labels. */
class BuildDockerPyIT {
    @Test
    void imagesBuildFromAPathAndAFileObject() {
        DockerPy.require();
        try (BerthDaemon daemon = BerthDaemon.start()) {
            daemon.bootstrapBusybox();
            Path ctx = BuildContexts.context(
                    daemon.scratch(),
                    Map.of(
                            "Dockerfile",
                            "FROM busybox AS first\nARG COLOUR=none\nRUN echo \"$COLOUR\" > /colour\n"
                                    + "FROM first AS second\nRUN echo second > /second\n",
                            "unused.txt",
                            "x"));
            CommandResult r = DockerPy.run(daemon, """
                    import io
                    image, logs = client.images.build(path=%s, tag="py-path:1", buildargs={"COLOUR": "green"},
                                                      target="first", labels={"made.by": "docker-py"}, rm=True)
                    out = client.containers.run("py-path:1", ["cat", "/colour"], remove=True).decode()
                    assert out == "green\\n", out
                    assert image.labels.get("made.by") == "docker-py", image.labels
                    lines = "".join(chunk.get("stream", "") for chunk in logs)
                    assert "Step 1/" in lines and "Successfully built" in lines, lines
                    dockerfile = io.BytesIO(b"FROM busybox\\nRUN echo from-fileobj > /f\\n")
                    image2, _ = client.images.build(fileobj=dockerfile, tag="py-fileobj:1")
                    out = client.containers.run("py-fileobj:1", ["cat", "/f"], remove=True).decode()
                    assert out == "from-fileobj\\n", out
                    try:
                        client.images.build(fileobj=io.BytesIO(b"FROM busybox\\nRUN exit 4\\n"))
                        raise SystemExit("a failing build did not raise")
                    except docker.errors.BuildError as e:
                        assert "returned a non-zero code: 4" in str(e), str(e)
                    print("PY OK")
                    """.formatted("'" + ctx + "'"));
            assertThat(r.stdout()).as(r.toString()).contains("PY OK");
        }
    }
}
