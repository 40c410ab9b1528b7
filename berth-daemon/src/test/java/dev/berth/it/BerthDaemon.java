package dev.berth.it;

import dev.berth.testing.Prerequisites;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real Berth daemon process on a private data root, exec root and socket, started from the
 * packaged servers (berth-daemon's target/berth-daemon.jar + target/lib, as bin/berth runs it). Integration tests drive
 * it with real clients: {@link #docker}, {@link #berth}.
 */
public final class BerthDaemon implements AutoCloseable {
    private final Path dir;
    private final Path dataRoot;
    private final Path execRoot;
    private final Path socket;
    private final Path log;
    private final List<String> extraArgs;
    private final TestNetwork network;
    private ServerProcess process;

    private BerthDaemon(Path dir, List<String> extraArgs) {
        this.dir = dir;
        this.dataRoot = dir.resolve("data");
        this.execRoot = dir.resolve("exec");
        this.socket = dir.resolve("berth.sock");
        this.log = dir.resolve("daemon.log");
        this.extraArgs = List.copyOf(extraArgs);
        this.network = TestNetwork.claim(dir);
    }

    /** Starts a daemon in a fresh temporary directory and waits until it answers {@code /_ping}. */
    public static BerthDaemon start(String... extraArgs) {
        Prerequisites.requireDaemonHost();
        try {
            Path dir = Files.createTempDirectory("berth-it-");
            BerthDaemon daemon = new BerthDaemon(dir, List.of(extraArgs));
            try {
                daemon.launch();
            } catch (RuntimeException | Error e) {
                // a daemon that refused to start leaves no directory and keeps no claim
                ServerProcess.removeDir(dir);
                daemon.network.close();
                throw e;
            }
            return daemon;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The packaged CLI as bin/berth runs a client command. */
    public static List<String> javaCommand() {
        Path cli = module().resolveSibling("berth-cli");
        return javaCommand(
                cli, "berth-cli", "dev.berth.cli.Main", List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    }

    /**
     * The packaged servers as bin/berth runs {@code berth daemon}: with the servers' JVM flags from
     * {@code bin/lib/server-jvm.args}, the one place that defines them.
     */
    public static List<String> serverJavaCommand() {
        Path flags = module().resolveSibling("bin/lib/server-jvm.args");
        if (!Files.isRegularFile(flags)) {
            throw new AssertionError("no " + flags);
        }
        return javaCommand(module(), "berth-daemon", "dev.berth.daemon.Main", List.of("@" + flags));
    }

    private static Path module() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
    }

    private static List<String> javaCommand(Path module, String name, String main, List<String> jvmFlags) {
        Path jar = module.resolve("target/" + name + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("no " + jar + ": integration tests run after `mvn package`");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", jar + ":" + module.resolve("target/lib") + "/*", main));
        return command;
    }

    private void launch() {
        List<String> command = new ArrayList<>(serverJavaCommand());
        command.addAll(List.of(
                "daemon",
                "--data-root",
                dataRoot.toString(),
                "--exec-root",
                execRoot.toString(),
                "-H",
                host(),
                "--log-level",
                "debug"));
        command.addAll(network.args());
        command.addAll(extraArgs);
        process = ServerProcess.start("daemon", command, log, Duration.ofSeconds(60), this::pingAnswers);
    }

    private boolean pingAnswers() {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(
                    ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: berth\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            channel.read(buffer);
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII)
                    .startsWith("HTTP/1.1 200");
        } catch (IOException e) {
            return false;
        }
    }

    public String host() {
        return "unix://" + socket;
    }

    public Path dataRoot() {
        return dataRoot;
    }

    public Path execRoot() {
        return execRoot;
    }

    /** This daemon's bridge, chains, pool and resolver address, apart from every other daemon's. */
    public TestNetwork network() {
        return network;
    }

    /** A scratch directory for the test's own files, removed with the daemon. */
    public Path scratch() {
        Path scratch = dir.resolve("scratch");
        try {
            return Files.createDirectories(scratch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code docker rm -f} of every container, running or not: a test class's clean-up. */
    public void removeAllContainers() {
        for (String id : docker("ps", "-aq").stdout().split("\\s+")) {
            if (!id.isBlank()) {
                docker("rm", "-f", id);
            }
        }
    }

    /** Runs the real docker CLI against this daemon. */
    public CommandResult docker(String... args) {
        return dockerWithInput(null, args);
    }

    public CommandResult dockerWithInput(Path stdin, String... args) {
        return dockerWithEnv(Map.of(), stdin, args);
    }

    /** Runs the docker CLI with more environment ({@code DOCKER_BUILDKIT} …); a null value unsets a variable. */
    public CommandResult dockerWithEnv(Map<String, String> env, Path stdin, String... args) {
        List<String> command = new ArrayList<>();
        command.add("docker");
        command.addAll(List.of(args));
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("DOCKER_HOST", host());
        all.put("DOCKER_CONFIG", dir.resolve("docker-config").toString());
        return Commands.run(command, all, stdin);
    }

    /** Runs the docker CLI against this daemon on a terminal, through {@code terminal}'s steps. */
    public CommandResult dockerOnTerminal(Terminal terminal, String... args) {
        List<String> command = new ArrayList<>();
        command.add("docker");
        command.addAll(List.of(args));
        return terminal.run(
                command,
                Map.of(
                        "DOCKER_HOST",
                        host(),
                        "DOCKER_CONFIG",
                        dir.resolve("docker-config").toString()));
    }

    /** Runs the berth CLI against this daemon. */
    public CommandResult berth(String... args) {
        return berthWithInput(null, args);
    }

    public CommandResult berthWithInput(Path stdin, String... args) {
        List<String> command = new ArrayList<>(javaCommand());
        command.addAll(List.of(args));
        return Commands.run(command, Map.of("DOCKER_HOST", host()), stdin);
    }

    /** Makes busybox:latest offline, as the README's main command does. */
    public void bootstrapBusybox() {
        berth("image", "bootstrap", "busybox").ok();
    }

    /**
     * Image {@code image} made here: busybox plus {@code bytes} random bytes of its own (a commit);
     * images made so share busybox's layer.
     */
    public void committedImage(String image, int bytes) {
        String maker = "mk-" + image.replace('/', '-');
        docker(
                        "run",
                        "--pull",
                        "never",
                        "--name",
                        maker,
                        "busybox",
                        "sh",
                        "-c",
                        "head -c " + bytes + " /dev/urandom > /x")
                .ok();
        docker("commit", maker, image).ok();
        docker("rm", maker).ok();
    }

    /** {@link #committedImage}, saved to {@code tar}. */
    public void savedImage(String image, int bytes, Path tar) {
        committedImage(image, bytes);
        docker("save", "-o", tar.toString(), image).ok();
    }

    /** SIGKILLs the daemon: nothing of it gets to clean up. */
    public void kill() {
        process.kill();
    }

    /** Starts the daemon again on the same data root and socket (after {@link #kill} or {@link #stop}). */
    public void restart() {
        if (process.isAlive()) {
            stop();
        }
        launch();
    }

    /** SIGTERM and wait: a clean shutdown. */
    public void stop() {
        process.stop();
    }

    public String logText() {
        return process.log();
    }

    /** Stops the daemon, unmounts anything left under its directory, and deletes it. */
    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            stop();
        }
        network.close();
        ServerProcess.removeDir(dir);
    }
}
