package dev.berth.runtime.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.sys.Libc;
import dev.berth.core.sys.Mounts;
import dev.berth.runtime.ContainerProcess;
import dev.berth.runtime.ContainerRequest;
import dev.berth.runtime.ContainerRuntime;
import dev.berth.runtime.ExitStatus;
import dev.berth.runtime.cgroup.Cgroup;
import dev.berth.runtime.cgroup.CgroupDriver;
import dev.berth.runtime.plan.Op;
import dev.berth.runtime.plan.Plan;
import dev.berth.runtime.shim.ShimRuntime;
import dev.berth.runtime.shim.ShimSupervisor;
import dev.berth.runtime.spec.Linux;
import dev.berth.runtime.spec.Root;
import dev.berth.runtime.spec.Spec;
import dev.berth.runtime.spec.SpecJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the same spec through an external OCI runtime (runc, crun) with a bundle directory holding
 * config.json. berth-shim still supervises: it runs "create" as a child subreaper, so the
 * container's first process becomes its child, and "start" on release; the runtime itself places
 * the process in the spec's cgroupsPath.
 */
public final class OciRuntime implements ContainerRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(OciRuntime.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Path binary;
    private final Path shimBinary;
    private final CgroupDriver cgroups;
    private final String cgroupParent;
    private final Path runtimeRoot;
    private final List<Path> hideMounts;
    private final ShimRuntime joiner;

    /**
     * @param runtimeRoot the runtime's own state directory (its --root), private to this daemon
     * @param hideMounts  mounts the runtime must not see (it runs in a mount namespace of its own
     *                    without them): crun 1.8 refuses a hybrid cgroup layout whose cgroup2 tree
     *                    has any controller
     */
    public OciRuntime(
            String name,
            Path binary,
            Path shimBinary,
            CgroupDriver cgroups,
            String cgroupParent,
            Path runtimeRoot,
            List<Path> hideMounts) {
        if (!Files.isExecutable(binary)) {
            throw BerthException.unavailable("OCI runtime %s not found at %s", name, binary);
        }
        this.name = name;
        this.binary = binary;
        this.shimBinary = shimBinary;
        this.cgroups = cgroups;
        this.cgroupParent = cgroupParent;
        this.runtimeRoot = runtimeRoot;
        this.hideMounts = List.copyOf(hideMounts);
        this.joiner = new ShimRuntime(shimBinary, cgroups, cgroupParent);
    }

    /** The runtime on PATH (e.g. /usr/sbin/runc), or null. */
    public static Path find(String name) {
        for (String dir : System.getenv()
                .getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
                .split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ContainerProcess create(ContainerRequest request) {
        String id = request.id();
        Path state = request.stateDir();
        Path bundle = state.resolve("bundle");
        Path log = state.resolve("runtime.log");
        Path pidFile = state.resolve("pid");
        Path exitFile = state.resolve("exit");
        Spec spec = request.spec();
        Linux linux = spec.linux();
        String cgroupPath =
                linux != null && linux.cgroupsPath() != null ? linux.cgroupsPath() : cgroupParent + "/" + id;
        if (linux != null) {
            spec = spec.withLinux(new Linux(
                    linux.namespaces(),
                    linux.resources(),
                    cgroupPath,
                    linux.maskedPaths(),
                    linux.readonlyPaths(),
                    linux.devices(),
                    linux.sysctl(),
                    linux.rootfsPropagation(),
                    linux.seccomp()));
        }
        spec = spec.withRoot(new Root(
                Path.of(spec.root().path()).toAbsolutePath().toString(),
                spec.root().readonly()));
        if (request.init()) {
            spec = withInit(spec);
        }
        // what a daemon killed while the container ran left in the runtime's state would make
        // "create" refuse the ID ("container with id exists")
        forget(id);
        try {
            Files.createDirectories(bundle);
            Files.deleteIfExists(exitFile);
            Files.deleteIfExists(pidFile);
            SpecJson.write(spec, bundle.resolve("config.json"));
            SpecJson.write(spec, state.resolve("config.json")); // where a restarted daemon looks (ShimRuntime.reattach)
        } catch (IOException e) {
            throw BerthException.unavailable("cannot write bundle %s: %s", bundle, e.getMessage());
        }

        List<Object> create = new ArrayList<>(List.of(
                binary,
                "--root",
                runtimeRoot,
                "--log",
                log,
                "--log-format",
                "json",
                "create",
                "--bundle",
                bundle,
                "--pid-file",
                pidFile));
        boolean terminal = spec.process().terminal();
        Path consoleSocket = terminal ? consoleSocket(id) : null;
        if (terminal) {
            create.addAll(List.of("--console-socket", consoleSocket));
        }
        create.add(id);
        List<Object> start = List.of(binary, "--root", runtimeRoot, "start", id);
        Plan plan = new Plan();
        if (request.stdio().stdin() != null) plan.add(Op.STDIN, request.stdio().stdin());
        if (request.stdio().stdout() != null)
            plan.add(Op.STDOUT, request.stdio().stdout());
        if (request.stdio().stderr() != null)
            plan.add(Op.STDERR, request.stdio().stderr());
        if (terminal) {
            // the runtime makes the pty in the container and sends its master to the shim, which
            // then relays it as it does its own (stdin fifo in, stdout fifo out, resize)
            plan.add(Op.TERMINAL);
            if (spec.process().consoleSize() != null) {
                plan.add(
                        Op.WINSIZE,
                        spec.process().consoleSize().height(),
                        spec.process().consoleSize().width());
            }
            plan.add(Op.CONSOLE_SOCKET, consoleSocket);
        }
        plan.add(Op.EXITFILE, exitFile);
        plan.add(Op.PIDFILE, pidFile);
        for (Path hidden : hideMounts) {
            plan.add(Op.HIDE_MOUNT, hidden);
        }
        plan.add(Op.CREATE_CMD, create.toArray());
        plan.add(Op.START_CMD, start.toArray());
        Path planFile = state.resolve("plan");
        try {
            plan.write(planFile);
        } catch (IOException e) {
            throw BerthException.unavailable("cannot write %s: %s", planFile, e.getMessage());
        }

        // an external runtime needs the rootfs mounted in the daemon's namespace (as containerd
        // does); it is unmounted when the container is gone. Mounting it here, not as an overlay
        // entry in config.json, is what lets long layer chains work: their absolute lowerdirs do
        // not fit overlay's one-page mount data, and runc/crun cannot mount the short relative
        // form (they do not chdir into the snapshots directory); MountSpec.mountAt does.
        Path rootPath = Path.of(spec.root().path());
        Runnable unmountRootfs = () -> {};
        if (request.rootfs() != null) {
            request.rootfs().mountAt(rootPath);
            unmountRootfs = () -> Libc.umount2(rootPath, Mounts.MNT_DETACH);
        }
        Runnable unmount = unmountRootfs;

        ShimSupervisor.Launch launch;
        try {
            launch = ShimSupervisor.launch(
                    shimBinary, planFile, state.resolve("shim.log"), ShimRuntime.controlFifo(state));
        } catch (BerthException e) {
            delete(id);
            unmount.run();
            String message = lastError(log);
            return new Failed(
                    id,
                    Translated.of(
                            message == null ? e.getMessage() : message,
                            request.spec().process().args().getFirst()),
                    request.stdio());
        }
        try {
            Files.writeString(
                    state.resolve("shim.pid"), Long.toString(launch.process().pid()));
        } catch (IOException e) {
            LOG.warn("{}: cannot record the shim's pid in {}: {}", id, state, e.getMessage());
        }
        Cgroup cgroup = cgroups.open(cgroupPath);
        Runnable afterExit = () -> {
            delete(id);
            unmount.run();
        };
        String command = request.spec().process().args().getFirst();
        return new ShimSupervisor(id, launch, cgroup, exitFile, afterExit, m -> {
            String fromLog = lastError(log);
            return Translated.of(fromLog == null ? m : fromLog, command).message();
        });
    }

    /**
     * Runs a process in a running container (docker exec) the way Berth's own runtime does: berth-shim
     * joins the namespaces of the container's first process and its cgroup. The namespaces are what
     * runc or crun made from the spec, so the process sees the same container "runc exec" would show;
     * and unlike "runc exec" without a console socket this also gives it a terminal for exec -t.
     */
    @Override
    public ContainerProcess exec(
            String execId,
            ContainerProcess container,
            dev.berth.runtime.spec.Process process,
            dev.berth.runtime.spec.Seccomp seccomp,
            dev.berth.runtime.Stdio stdio,
            Path stateDir) {
        return joiner.exec(execId, container, process, seccomp, stdio, stateDir);
    }

    /** Where --init's reaper appears in the container (under /dev: a tmpfs, so no trace in its layer). */
    static final String INIT_PATH = "/dev/berth-init";

    /**
     * --init, as Docker does it for runc: the reaper (berth-shim's --reap mode, static, so it runs
     * in any image) is bind-mounted into the container and runs the command as its child.
     */
    private Spec withInit(Spec spec) {
        List<dev.berth.runtime.spec.Mount> mounts = new ArrayList<>(spec.mounts());
        mounts.add(new dev.berth.runtime.spec.Mount(
                INIT_PATH, "bind", shimBinary.toAbsolutePath().toString(), List.of("bind", "ro", "nosuid", "nodev")));
        List<String> args = new ArrayList<>(List.of(INIT_PATH, "--reap"));
        args.addAll(spec.process().args());
        dev.berth.runtime.spec.Process p = spec.process();
        return new Spec(
                spec.ociVersion(),
                new dev.berth.runtime.spec.Process(
                        p.terminal(),
                        p.consoleSize(),
                        p.user(),
                        args,
                        p.env(),
                        p.cwd(),
                        p.capabilities(),
                        p.rlimits(),
                        p.noNewPrivileges()),
                spec.root(),
                spec.hostname(),
                spec.domainname(),
                mounts,
                spec.linux(),
                spec.annotations());
    }

    /**
     * Finds a container again after a daemon restart: berth-shim supervises it here as for Berth's
     * own runtime (shim.pid, pid, config.json and the exit file in the state dir), so it is found
     * the same way; once it has exited, what runc/crun keep of it and its rootfs mount go too.
     */
    @Override
    public java.util.Optional<ContainerProcess> reattach(String id, Path stateDir) {
        Path root;
        try {
            root = Path.of(SpecJson.read(stateDir.resolve("config.json")).root().path());
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
        // the container's cgroup (Berth's or the runtime's) is removed by the shim's handle once it has exited
        return joiner.reattach(id, stateDir)
                .map(process -> new Reattached(process, () -> {
                    delete(id);
                    try {
                        Libc.umount2(root, Mounts.MNT_DETACH);
                    } catch (RuntimeException e) {
                        LOG.debug("{}: unmount {}: {}", id, root, e.getMessage());
                    }
                }));
    }

    /** A reattached container whose removal also cleans up after the OCI runtime. */
    private record Reattached(ContainerProcess process, Runnable cleanUp) implements ContainerProcess {
        @Override
        public String id() {
            return process.id();
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public long shimPid() {
            return process.shimPid();
        }

        @Override
        public void start() {
            process.start();
        }

        @Override
        public CompletableFuture<ExitStatus> exit() {
            return process.exit();
        }

        @Override
        public void kill(int signal) {
            process.kill(signal);
        }

        @Override
        public void closeStdin() {
            process.closeStdin();
        }

        @Override
        public void resize(int rows, int cols) {
            process.resize(rows, cols);
        }

        @Override
        public Cgroup cgroup() {
            return process.cgroup();
        }

        @Override
        public void delete() {
            process.delete();
            cleanUp.run();
        }
    }

    /**
     * Where the runtime connects to hand over the pty: a socket address holds at most 107 bytes,
     * so beside the runtime's state under a short name rather than in the container's state dir.
     */
    private Path consoleSocket(String id) {
        Path dir = runtimeRoot.resolveSibling("console");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw BerthException.unavailable("cannot create %s: %s", dir, e.getMessage());
        }
        Path socket = dir.resolve(name + "-" + id.substring(0, Math.min(12, id.length())) + ".sock");
        if (socket.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 107) {
            throw BerthException.invalid("console socket path %s is longer than a socket address can be", socket);
        }
        return socket;
    }

    /** Removes what the runtime still holds of a container (after a daemon crash); no-op when nothing. */
    public void forget(String id) {
        if (Files.exists(runtimeRoot.resolve(id))) {
            delete(id);
        }
    }

    private void delete(String id) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "--root", runtimeRoot.toString(), "delete", "--force", id)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            LOG.warn("{} delete {}: {}", name, id, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The runtime's last error: runc and crun write JSON log lines with "level" and "msg". */
    static String lastError(Path log) {
        String last = null;
        try {
            if (!Files.exists(log)) {
                return null;
            }
            for (String line : Files.readAllLines(log)) {
                try {
                    JsonNode node = JSON.readTree(line);
                    if (node != null && "error".equals(node.path("level").asText()) && node.hasNonNull("msg")) {
                        last = node.get("msg").asText();
                    }
                } catch (IOException notJson) {
                    if (!line.isBlank()) {
                        last = line.trim();
                    }
                }
            }
        } catch (IOException e) {
            return null;
        }
        return last;
    }

    /**
     * Docker's translation of runtime errors into exit codes (moby daemon/start.go): runtimes only
     * say it in words, so matching the words is the only way. runc and crun word it differently;
     * the user sees Docker's wording either way.
     */
    record Translated(int exitCode, String message) {
        static Translated of(String message, String command) {
            String lower = message.toLowerCase(java.util.Locale.ROOT);
            if (lower.contains("not found in $path")) {
                return new Translated(127, "exec: \"%s\": executable file not found in $PATH".formatted(command));
            }
            if (lower.contains("no such file or directory")) {
                return new Translated(
                        127, "exec: \"%s\": stat %s: no such file or directory".formatted(command, command));
            }
            if (lower.contains("permission denied")) {
                return new Translated(126, "exec: \"%s\": permission denied".formatted(command));
            }
            return new Translated(128, message);
        }
    }

    /**
     * A container whose runtime refused to create it: start fails like Docker's, exit is known.
     * Until start it holds the output fifos open as the shim of a created container would, so the
     * caller's readers can open them (a fifo's reader waits for a writer) and then see their end.
     */
    private static final class Failed implements ContainerProcess {
        private final String id;
        private final Translated failure;
        private final CompletableFuture<ExitStatus> exit;
        private final List<java.nio.channels.FileChannel> heldOutputs = new ArrayList<>();

        Failed(String id, Translated failure, dev.berth.runtime.Stdio stdio) {
            this.id = id;
            this.failure = failure;
            this.exit =
                    CompletableFuture.completedFuture(ExitStatus.exited(failure.exitCode(), false, failure.message()));
            for (Path out : new Path[] {stdio.stdout(), stdio.stderr()}) {
                if (out != null && Files.exists(out) && !Files.isRegularFile(out)) { // a fifo
                    try { // read-write: a fifo opened so does not wait for the other end
                        heldOutputs.add(java.nio.channels.FileChannel.open(
                                out, java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE));
                    } catch (IOException e) {
                        LOG.debug("{}: cannot hold {}: {}", id, out, e.getMessage());
                    }
                }
            }
        }

        private void release() {
            for (var channel : heldOutputs) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // nothing was written through it
                }
            }
            heldOutputs.clear();
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public long pid() {
            return -1;
        }

        @Override
        public long shimPid() {
            return -1;
        }

        @Override
        public CompletableFuture<ExitStatus> exit() {
            return exit;
        }

        @Override
        public void kill(int signal) {}

        @Override
        public void resize(int rows, int cols) {}

        @Override
        public Cgroup cgroup() {
            return null;
        }

        @Override
        public void delete() {
            release();
        }

        @Override
        public void start() {
            release();
            int code = failure.exitCode();
            throw new BerthException(
                    code == 126 || code == 127 ? ErrorKind.INVALID_ARGUMENT : ErrorKind.INTERNAL, failure.message());
        }
    }
}
