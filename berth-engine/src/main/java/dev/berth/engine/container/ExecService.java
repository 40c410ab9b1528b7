package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import dev.berth.core.text.GoDuration;
import dev.berth.runtime.ContainerProcess;
import dev.berth.runtime.ContainerRuntime;
import dev.berth.runtime.ExitStatus;
import dev.berth.runtime.spec.Caps;
import dev.berth.runtime.spec.Process;
import dev.berth.runtime.spec.SpecBuilder;
import dev.berth.runtime.spec.SpecJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code docker exec}: exec instances are created on a running container, started once (the
 * process joins the container's namespaces and cgroup through its runtime's
 * {@link ContainerRuntime#exec}), and keep their
 * exit code for {@code /exec/{id}/json} until the container is removed.
 */
public final class ExecService {
    /** Where an ended exec's files are removed: off the request that waits for its exit code. */
    private static final java.util.concurrent.Executor CLEANUP =
            r -> Thread.ofVirtual().name("exec-cleanup").start(r);

    private final ContainerStore store;
    private final LiveContainers live;
    private final ContainerEvents events;
    private final ContainerPaths paths;
    private final Function<String, ContainerRuntime> runtimes;
    private final Function<Container, LayeredFiles> files;
    private final ContainerNetworks networks;
    private final Clock clock;
    private final Map<String, Exec> execs = new ConcurrentHashMap<>();

    ExecService(
            ContainerStore store,
            LiveContainers live,
            ContainerEvents events,
            ContainerPaths paths,
            Function<String, ContainerRuntime> runtimes,
            Function<Container, LayeredFiles> files,
            ContainerNetworks networks,
            Clock clock) {
        this.store = store;
        this.live = live;
        this.events = events;
        this.paths = paths;
        this.runtimes = runtimes;
        this.files = files;
        this.networks = networks;
        this.clock = clock;
    }

    /** One exec instance; mutable state is volatile (the start thread writes, inspect reads). */
    public static final class Exec {
        private final String id;
        private final String containerId;
        private final ExecSettings settings;
        private volatile boolean running;
        private volatile boolean started;
        private volatile Integer exitCode;
        private volatile long pid;
        private volatile ContainerProcess process;

        Exec(String id, String containerId, ExecSettings settings) {
            this.id = id;
            this.containerId = containerId;
            this.settings = settings;
        }

        public String id() {
            return id;
        }

        public String containerId() {
            return containerId;
        }

        public ExecSettings settings() {
            return settings;
        }

        public boolean running() {
            return running;
        }

        public Integer exitCode() {
            return exitCode;
        }

        public long pid() {
            return pid;
        }
    }

    public String create(String ref, ExecSettings s) {
        DetachKeys.parse(s.detachKeys(), "escape");
        Container c = store.resolve(ref);
        if (c.status() == ContainerStatus.PAUSED) {
            throw BerthException.conflict("Container %s is paused, unpause the container before exec", c.id());
        }
        if (c.status() != ContainerStatus.RUNNING || live.run(c.id()).isEmpty()) {
            throw BerthException.conflict("Container %s is not running", c.id());
        }
        if (s.cmd().isEmpty()) {
            throw BerthException.invalid("No exec command specified");
        }
        String id = ContainerNames.newId();
        execs.put(id, new Exec(id, c.id(), s));
        events.publish(c, "exec_create: " + String.join(" ", s.cmd()), Map.of("execID", id));
        return id;
    }

    public Exec inspect(String id) {
        Exec e = execs.get(id);
        if (e == null) {
            throw BerthException.notFound("No such exec instance: %s", id);
        }
        return e;
    }

    /** The client side of a started exec; null for a detached start. */
    public interface Client {
        InputStream input();

        void write(String stream, byte[] bytes) throws IOException;

        boolean isOpen();
    }

    /** Checks that the exec can start, before the connection is taken over. */
    public Exec checkStart(String id) {
        Exec e = inspect(id);
        synchronized (e) {
            if (e.started) {
                throw BerthException.conflict("Error: Exec command %s has already run", id);
            }
            e.started = true;
        }
        Container c = store.resolve(e.containerId);
        if (c.status() != ContainerStatus.RUNNING) {
            throw BerthException.conflict("Container %s is not running", c.id());
        }
        return e;
    }

    /**
     * Runs the exec, with a terminal when it was created with Tty (as dockerd, whatever the start
     * request says); with a client, copies its stdio and returns when the process's output is
     * over; detached ({@code client == null}) returns once it runs.
     */
    public void start(Exec e, Client client) throws IOException {
        Container c = store.resolve(e.containerId);
        Run run = live.run(c.id()).orElseThrow(() -> BerthException.conflict("Container %s is not running", c.id()));
        ExecSettings s = e.settings;
        boolean tty = s.tty();
        boolean withStdin = client != null && s.attachStdin();
        java.nio.file.Path dir = paths.runDir(c.id()).resolve("exec").resolve(e.id);
        ContainerIo io = ContainerIo.prepare(dir, "", withStdin, tty);
        ContainerProcess process;
        try {
            // as Docker's: under the container's seccomp filter and no_new_privs, as it started
            dev.berth.runtime.spec.Spec started = SpecJson.read(paths.spec(c.id()));
            process = runtimes.apply(c.hostConfig().runtime())
                    .exec(
                            e.id,
                            run.process(),
                            process(c, s, tty, started.process().noNewPrivileges()),
                            started.linux() == null ? null : started.linux().seccomp(),
                            io.stdio(),
                            dir.resolve("state"));
        } catch (RuntimeException ex) {
            io.delete();
            throw ex;
        }
        io.onStdinClosed(process::closeStdin);
        e.process = process;
        e.pid = process.pid();
        java.util.concurrent.LinkedBlockingQueue<Chunk> out = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.concurrent.atomic.AtomicBoolean detached = new java.util.concurrent.atomic.AtomicBoolean();
        // a detached client's output goes nowhere, as moby's: not held for a reader that left
        io.startCopying(
                (stream, bytes) -> {
                    if (!detached.get()) {
                        out.add(new Chunk(stream, bytes));
                    }
                },
                null,
                clock);
        // the end of the output wakes the copy loop below at once (it waited for its next poll)
        io.done().whenComplete((v, ex) -> out.add(Chunk.END));
        Thread stdinCopier = null;
        if (withStdin) {
            OutputStream stdin = io.stdin();
            // as moby's CopyStreams: the detach keys are watched for on a terminal only
            DetachKeys.Scanner keys =
                    tty ? DetachKeys.parse(s.detachKeys(), "escape").scanner() : null;
            stdinCopier = Thread.ofVirtual().start(() -> {
                try {
                    if (!DetachKeys.copy(client.input(), stdin, keys)) {
                        // the process runs on, its stdin open, as after moby's exec_detach
                        detached.set(true);
                        out.add(Chunk.END);
                        events.publish(c, "exec_detach", Map.of("execID", e.id));
                        return;
                    }
                } catch (IOException ignored) {
                    // either side went away
                }
                io.closeStdin();
            });
        }
        events.publish(c, "exec_start: " + String.join(" ", s.cmd()), Map.of("execID", e.id));
        e.running = true;
        String failure = null;
        try {
            process.start();
        } catch (BerthException ex) {
            failure = ex.getMessage();
        }
        // the client asks for the exit code as soon as its stream ends: it must be recorded by
        // then; removing the exec's fifos and directory is not waited for (an exit that came
        // before this line would run it here, in the request)
        java.util.concurrent.CompletableFuture<Void> recorded =
                process.exit().thenAccept(status -> finished(c, e, status, io));
        recorded.whenCompleteAsync((v, ex) -> cleanUp(io, dir), CLEANUP);
        if (client == null) {
            return;
        }
        if (failure != null) {
            client.write(
                    "stderr",
                    ("OCI runtime exec failed: exec failed: unable to start container process: " + failure
                                    + ": unknown\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        try {
            while (client.isOpen() && !detached.get()) {
                Chunk item = out.poll(200, TimeUnit.MILLISECONDS);
                if (item == Chunk.END) {
                    break;
                }
                if (item != null && ("stderr".equals(item.stream()) ? s.attachStderr() : s.attachStdout())) {
                    client.write(item.stream(), item.bytes());
                }
            }
            if (!detached.get()) {
                recorded.get(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        } catch (Exception ex) {
            // the exit code stays unknown until the process ends
        } finally {
            if (stdinCopier != null) {
                stdinCopier.interrupt();
            }
        }
    }

    /** Output of a started exec on its way to the client; {@link #END} once both streams are over or the client detached. */
    private record Chunk(String stream, byte[] bytes) {
        static final Chunk END = new Chunk("", new byte[0]);
    }

    private void finished(Container c, Exec e, ExitStatus status, ContainerIo io) {
        e.exitCode = status.exitCode();
        e.running = false;
        try {
            io.done().get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // a process left holding the output must not keep the exec open
        }
        events.publish(c, "exec_die", Map.of("execID", e.id, "exitCode", Integer.toString(status.exitCode())));
    }

    private static void cleanUp(ContainerIo io, java.nio.file.Path dir) {
        io.delete();
        dev.berth.core.io.Trees.delete(dir);
    }

    public void resize(String id, int height, int width) {
        Exec e = inspect(id);
        if (e.process != null && e.settings.tty() && height > 0 && width > 0) {
            e.process.resize(height, width);
        }
    }

    /** The process of an exec: the container's environment and identity, with the exec's changes. */
    private Process process(Container c, ExecSettings s, boolean tty, boolean noNewPrivileges) {
        ContainerSettings cfg = c.config();
        String user = s.user().isEmpty() ? cfg.user() : s.user();
        UserLookup.Identity id = UserLookup.resolve(user, c.hostConfig().groupAdd(), files.apply(c));
        List<String> env = new ArrayList<>();
        List<String> base = ContainerSettings.mergeEnv(cfg.env(), s.env());
        if (base.stream().noneMatch(v -> v.startsWith("PATH="))) {
            env.add("PATH=" + SpecBuilder.DEFAULT_PATH);
        }
        env.add("HOSTNAME=" + cfg.hostname());
        if (tty) {
            env.add("TERM=xterm");
        }
        env.addAll(networks.linkEnv(c)); // as moby's exec: the container's link variables too
        env.addAll(base);
        if (env.stream().noneMatch(v -> v.startsWith("HOME="))) {
            env.add("HOME=" + id.home());
        }
        HostSettings host = c.hostConfig();
        List<String> caps = host.privileged() || s.privileged()
                ? Caps.names(Caps.heldBounding())
                : Caps.tweak(Caps.DOCKER_DEFAULT, host.capAdd(), host.capDrop());
        Process.Capabilities capabilities = new Process.Capabilities(caps, caps, caps, List.of(), List.of());
        String cwd =
                !s.workingDir().isEmpty() ? s.workingDir() : cfg.workingDir().isEmpty() ? "/" : cfg.workingDir();
        Process.ConsoleSize size = s.consoleSize() != null
                        && s.consoleSize().size() == 2
                        && s.consoleSize().get(0) > 0
                ? new Process.ConsoleSize(
                        s.consoleSize().get(0), s.consoleSize().get(1))
                : null;
        return new Process(
                tty,
                size,
                new Process.User(id.uid(), id.gid(), id.groups()),
                s.cmd(),
                env,
                cwd,
                capabilities,
                List.of(),
                noNewPrivileges);
    }

    /** moby's maxOutputLen: what a health probe keeps of its output. */
    private static final int PROBE_OUTPUT = 4096;

    /**
     * A health probe, as moby's cmdProbe: {@code cmd} runs as an exec of the container (with its
     * exec_create, exec_start and exec_die events), its stdout and stderr together kept up to 4096
     * bytes; one that outlives {@code timeout} is killed and fails with exit code -1. The exec
     * instance is forgotten afterwards.
     */
    Health.Result probe(Container c, List<String> cmd, java.time.Duration timeout) {
        java.time.Instant start = clock.instant();
        ExecSettings settings =
                new ExecSettings("", false, false, null, false, true, true, false, null, List.of(), "", cmd);
        String id = create(c.id(), settings);
        try {
            Exec e = checkStart(id);
            java.io.ByteArrayOutputStream output = new java.io.ByteArrayOutputStream();
            Client collector = new Client() {
                @Override
                public InputStream input() {
                    return InputStream.nullInputStream();
                }

                @Override
                public synchronized void write(String stream, byte[] bytes) {
                    output.write(bytes, 0, Math.min(bytes.length, PROBE_OUTPUT - output.size()));
                }

                @Override
                public boolean isOpen() {
                    return true;
                }
            };
            Thread run = Thread.ofVirtual().name("probe-" + c.shortId()).start(() -> {
                try {
                    start(e, collector);
                } catch (IOException | RuntimeException ignored) {
                    // the exit code (or its absence) says it
                }
            });
            if (!run.join(timeout)) {
                if (e.process != null) {
                    e.process.kill(Signals.SIGKILL);
                }
                run.join(java.time.Duration.ofSeconds(5));
                return new Health.Result(
                        start,
                        clock.instant(),
                        -1,
                        "Health check exceeded timeout (" + GoDuration.format(timeout) + ")");
            }
            ExitStatus status = e.process == null ? null : e.process.exit().getNow(null);
            String text;
            synchronized (collector) {
                text = output.toString(java.nio.charset.StandardCharsets.UTF_8);
            }
            return new Health.Result(start, clock.instant(), status == null ? -1 : status.exitCode(), text);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return new Health.Result(start, clock.instant(), -1, "");
        } catch (BerthException ex) {
            return new Health.Result(start, clock.instant(), -1, ex.getMessage());
        } finally {
            execs.remove(id);
        }
    }

    /** The IDs of the container's exec instances (inspect's ExecIDs). */
    public List<String> idsOf(String containerId) {
        return execs.values().stream()
                .filter(e -> e.containerId.equals(containerId))
                .map(Exec::id)
                .toList();
    }

    /** Drops the exec instances of a removed container. */
    void forget(String containerId) {
        execs.values().removeIf(e -> e.containerId.equals(containerId));
    }
}
