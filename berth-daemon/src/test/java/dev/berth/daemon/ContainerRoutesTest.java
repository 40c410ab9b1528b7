package dev.berth.daemon;

import static dev.berth.daemon.DaemonFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.server.Json;
import dev.berth.http.server.HijackedConnection;
import dev.berth.http.server.Response;
import dev.berth.runtime.ContainerProcess;
import dev.berth.runtime.ContainerRequest;
import dev.berth.runtime.ContainerRuntime;
import dev.berth.runtime.ExitStatus;
import dev.berth.runtime.cgroup.Cgroup;
import dev.berth.testing.Layers;
import dev.berth.testing.TestImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container routes over the daemon's real services (vfs snapshots, a temporary data and exec
 * root) with an in-process runtime whose "container" prints its command line on start and exits
 * at once: the fastest container there can be. No root needed.
 */
class ContainerRoutesTest {
    @TempDir
    Path dir;

    DaemonFixture daemon;

    @BeforeEach
    void setUp() throws Exception {
        daemon = new DaemonFixture(dir, new EchoRuntime());
        TestImage image = TestImage.builder()
                .layer(Layers.of("etc/hostname", "img\n"))
                .tags("img:latest")
                .build();
        DaemonFixture.messages(daemon.call("POST", "/images/load", Map.of(), image.dockerSave(), "1.50"));
    }

    @AfterEach
    void tearDown() {
        daemon.close();
    }

    /**
     * docker run: attach (stream=1), and on the 101 start the container. The 101 goes out when the
     * route's Handler returns its response; output written from then on must reach the client
     * even if the container has printed and exited before the hijack handler runs.
     */
    @Test
    void attachBeforeStartGetsTheOutputOfAContainerThatExitedBeforeTheConnectionWasTakenOver() throws Exception {
        String id = create(List.of("echo", "hello"));
        Response attach =
                call("POST", "/containers/" + id + "/attach", Map.of("stream", "1", "stdout", "1", "stderr", "1"));
        assertThat(attach.body()).isInstanceOf(Response.Body.Hijack.class);

        assertThat(call("POST", "/containers/" + id + "/start", Map.of()).status())
                .isEqualTo(204);
        awaitStatus(id, "exited");

        FakeConnection conn = new FakeConnection();
        ((Response.Body.Hijack) attach.body()).handler().handle(conn);
        assertThat(demultiplex(conn.out.toByteArray()).get(1)).isEqualTo("hello\n");
    }

    @Test
    void attachWithLogsReplaysWhatAnExitedContainerWrote() throws Exception {
        String id = create(List.of("echo", "before"));
        call("POST", "/containers/" + id + "/start", Map.of());
        awaitStatus(id, "exited");

        Response attach = call("POST", "/containers/" + id + "/attach", Map.of("logs", "1", "stdout", "1"));
        FakeConnection conn = new FakeConnection();
        ((Response.Body.Hijack) attach.body()).handler().handle(conn);
        assertThat(demultiplex(conn.out.toByteArray()).get(1)).isEqualTo("before\n");
    }

    /** docker start -a: the CLI attaches to the stopped container, then starts it. */
    @Test
    void attachToAnExitedContainerStreamsItsNextRun() throws Exception {
        String id = create(List.of("echo", "again"));
        call("POST", "/containers/" + id + "/start", Map.of());
        awaitStatus(id, "exited");

        Response attach =
                call("POST", "/containers/" + id + "/attach", Map.of("stream", "1", "stdout", "1", "stderr", "1"));
        assertThat(attach.body()).isInstanceOf(Response.Body.Hijack.class);
        assertThat(call("POST", "/containers/" + id + "/start", Map.of()).status())
                .isEqualTo(204);
        FakeConnection conn = new FakeConnection();
        ((Response.Body.Hijack) attach.body()).handler().handle(conn);
        assertThat(demultiplex(conn.out.toByteArray()).get(1)).isEqualTo("again\n");
    }

    private String create(List<String> cmd) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Image", "img:latest");
        body.put("Cmd", cmd);
        Response r = call("POST", "/containers/create", Map.of(), Json.encodeLine(body));
        assertThat(r.status()).isEqualTo(201);
        return json(r).get("Id").asText();
    }

    private void awaitStatus(String id, String status) throws Exception {
        String seen = "";
        for (int i = 0; i < 500 && !seen.equals(status); i++) {
            seen = json(call("GET", "/containers/" + id + "/json", Map.of()))
                    .path("State")
                    .path("Status")
                    .asText();
            Thread.sleep(10);
        }
        assertThat(seen).isEqualTo(status);
    }

    private Response call(String method, String path, Map<String, String> query) throws Exception {
        return call(method, path, query, new byte[0]);
    }

    private Response call(String method, String path, Map<String, String> query, byte[] body) throws Exception {
        Map<String, List<String>> q = new LinkedHashMap<>();
        query.forEach((k, v) -> q.put(k, List.of(v)));
        return daemon.call(method, path, q, body, "1.50");
    }

    /** Docker's multiplexed stream → stream number (1 stdout, 2 stderr) → text. */
    private static Map<Integer, String> demultiplex(byte[] bytes) {
        Map<Integer, String> out = new LinkedHashMap<>(Map.of(1, "", 2, ""));
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.remaining() >= 8) {
            int stream = b.get();
            b.position(b.position() + 3);
            byte[] payload = new byte[b.getInt()];
            b.get(payload);
            out.merge(stream, new String(payload, StandardCharsets.UTF_8), String::concat);
        }
        return out;
    }

    /** A hijacked connection whose client sends nothing and keeps listening. */
    private static final class FakeConnection implements HijackedConnection {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        @Override
        public InputStream input() {
            return InputStream.nullInputStream();
        }

        @Override
        public OutputStream output() {
            return out;
        }

        @Override
        public void closeWrite() {}

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void onClose(Runnable action) {}
    }

    /**
     * A runtime without processes: create holds the stdout fifo open (as the shim does, so that
     * the daemon's read-only open does not wait), start writes "args[1..]\n" and exits 0.
     */
    private static final class EchoRuntime implements ContainerRuntime {
        @Override
        public String name() {
            return "berth";
        }

        @Override
        public ContainerProcess create(ContainerRequest request) {
            try {
                RandomAccessFile stdout =
                        new RandomAccessFile(request.stdio().stdout().toFile(), "rw");
                RandomAccessFile stderr = request.stdio().stderr() == null
                        ? null
                        : new RandomAccessFile(request.stdio().stderr().toFile(), "rw");
                return new EchoProcess(request.id(), request.spec().process().args(), stdout, stderr);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final class EchoProcess implements ContainerProcess {
        private final String id;
        private final List<String> args;
        private final RandomAccessFile stdout;
        private final RandomAccessFile stderr;
        private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();

        EchoProcess(String id, List<String> args, RandomAccessFile stdout, RandomAccessFile stderr) {
            this.id = id;
            this.args = new ArrayList<>(args);
            this.stdout = stdout;
            this.stderr = stderr;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public long pid() {
            return ProcessHandle.current().pid();
        }

        @Override
        public long shimPid() {
            return ProcessHandle.current().pid();
        }

        @Override
        public CompletableFuture<ExitStatus> exit() {
            return exit;
        }

        @Override
        public Cgroup cgroup() {
            return null;
        }

        @Override
        public void resize(int rows, int cols) {}

        @Override
        public void delete() {}

        @Override
        public void start() {
            try {
                stdout.write((String.join(" ", args.subList(1, args.size())) + "\n").getBytes(StandardCharsets.UTF_8));
                stdout.close();
                if (stderr != null) {
                    stderr.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            exit.complete(ExitStatus.exited(0, false, null));
        }

        @Override
        public void kill(int signal) {
            exit.complete(ExitStatus.killed(signal, false));
        }
    }
}
