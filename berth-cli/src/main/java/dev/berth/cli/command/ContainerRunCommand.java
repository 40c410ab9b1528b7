package dev.berth.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.cli.client.ApiRequest;
import dev.berth.cli.client.ApiResponse;
import dev.berth.cli.client.CliJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth container run} / {@code berth run}: create, start, then (without -d) stream the
 * output and exit with the container's exit code, as docker run does. With {@code -i} and/or
 * {@code -t} it attaches first (a hijacked connection) as the docker CLI does: stdin goes to the
 * container, and with {@code -t} on a terminal that terminal is raw and the container's pty gets
 * its size at start and whenever the window changes (SIGWINCH).
 */
@Command(
        name = "run",
        description = "Create and run a new container from an image",
        modelTransformer = ContainerRunCommand.StopAtCommand.class)
public class ContainerRunCommand extends ClientCommand {
    /** Options after the image belong to the container's command ({@code run busybox sh -c …}). */
    public static final class StopAtCommand implements picocli.CommandLine.IModelTransformer {
        @Override
        public picocli.CommandLine.Model.CommandSpec transform(picocli.CommandLine.Model.CommandSpec spec) {
            spec.parser().stopAtPositional(true);
            return spec;
        }
    }

    @Option(
            names = {"-d", "--detach"},
            description = "Run container in background and print container ID")
    boolean detach;

    @Option(names = "--rm", description = "Automatically remove the container when it exits")
    boolean autoRemove;

    @Option(names = "--name", description = "Assign a name to the container")
    String name;

    @Option(
            names = {"-e", "--env"},
            description = "Set environment variables")
    List<String> env = new ArrayList<>();

    @Option(
            names = {"-w", "--workdir"},
            description = "Working directory inside the container")
    String workdir;

    @Option(
            names = {"-u", "--user"},
            description = "Username or UID (format: <name|uid>[:<group|gid>])")
    String user;

    @Option(names = "--network", description = "Connect a container to a network (none, host)")
    String network;

    @Option(
            names = {"-i", "--interactive"},
            description = "Keep STDIN open even if not attached")
    boolean interactive;

    @Option(
            names = {"-t", "--tty"},
            description = "Allocate a pseudo-TTY")
    boolean tty;

    @Option(
            names = {"-v", "--volume"},
            paramLabel = "VOLUME",
            description = "Bind mount a volume ([source:]destination[:mode])")
    List<String> volumes = new ArrayList<>();

    @Option(
            names = "--volumes-from",
            paramLabel = "CONTAINER",
            description = "Mount volumes from the specified container(s)")
    List<String> volumesFrom = new ArrayList<>();

    @Parameters(index = "0", paramLabel = "IMAGE")
    String image;

    @Parameters(index = "1..*", paramLabel = "COMMAND")
    List<String> command = new ArrayList<>();

    @Override
    protected int run() throws Exception {
        ObjectNode body = CliJson.MAPPER.createObjectNode();
        body.put("Image", image);
        if (!command.isEmpty()) {
            ArrayNode cmd = body.putArray("Cmd");
            command.forEach(cmd::add);
        }
        ArrayNode envs = body.putArray("Env");
        env.forEach(envs::add);
        if (workdir != null) {
            body.put("WorkingDir", workdir);
        }
        if (user != null) {
            body.put("User", user);
        }
        if (tty && interactive && !detach && !console().inIsTerminal()) {
            throw dev.berth.core.error.BerthException.invalid("the input device is not a TTY");
        }
        body.put("Tty", tty);
        body.put("OpenStdin", interactive);
        body.put("StdinOnce", interactive && !detach);
        body.put("AttachStdin", interactive && !detach);
        body.put("AttachStdout", !detach);
        body.put("AttachStderr", !detach);
        ObjectNode vols = body.putObject("Volumes");
        ObjectNode host = body.putObject("HostConfig");
        ArrayNode binds = host.putArray("Binds");
        for (String v : volumes) {
            // as the docker CLI: "-v /path" is an anonymous volume of the config, the rest are Binds
            if (v.split(":").length == 1) {
                vols.putObject(v);
            } else if (v.startsWith(".")) {
                // as the docker CLI: a relative host path is made absolute here, where it means something
                int colon = v.indexOf(':');
                binds.add(java.nio.file.Path.of(v.substring(0, colon))
                                .toAbsolutePath()
                                .normalize()
                        + v.substring(colon));
            } else {
                binds.add(v);
            }
        }
        ArrayNode from = host.putArray("VolumesFrom");
        volumesFrom.forEach(from::add);
        int[] size = tty && console().outIsTerminal() ? dev.berth.cli.output.Terminal.size(1) : null;
        if (size != null) {
            host.putArray("ConsoleSize").add(size[0]).add(size[1]);
        }
        // --rm is done by this command once it has read the output and the exit code (as the
        // docker CLI did before API 1.25): a daemon-side AutoRemove could remove the container
        // before the logs request below reaches it.
        host.put("AutoRemove", false);
        if (network != null) {
            host.put("NetworkMode", network);
        }
        ApiRequest create =
                ApiRequest.post("/containers/create").body(CliJson.MAPPER.writeValueAsBytes(body), "application/json");
        if (name != null) {
            create.query("name", name);
        }
        String id = client().json(create).path("Id").asText();
        if (detach) {
            client().call(ApiRequest.post("/containers/" + id + "/start"));
            console().out().println(id);
            return ExitCodes.OK;
        }
        return autoRemoved(id, interactive || tty ? () -> attachedRun(id) : () -> followedRun(id));
    }

    /** docker run without -i/-t: the output through the logs, then the exit code. */
    private int followedRun(String id) throws Exception {
        // like docker run: the wait is registered before the start, so the exit cannot be missed
        try (ApiResponse wait =
                client().send(ApiRequest.post("/containers/" + id + "/wait").query("condition", "next-exit"))) {
            client().call(ApiRequest.post("/containers/" + id + "/start"));
            try (ApiResponse logs = client().send(ApiRequest.get("/containers/" + id + "/logs")
                    .flag("stdout", true)
                    .flag("stderr", true)
                    .flag("follow", true))) {
                ContainerLogsCommand.copy(logs.body(), false, this);
            }
            JsonNode result = CliJson.MAPPER.readTree(new String(wait.readAll(), StandardCharsets.UTF_8));
            return result.path("StatusCode").asInt();
        }
    }

    /**
     * Runs the container with {@code run}, then removes it when --rm asks. --rm is this command's
     * job, not the daemon's AutoRemove (which would race the logs request): a start that failed
     * must not leave the container behind either.
     */
    private int autoRemoved(String id, Callable<Integer> run) throws Exception {
        int code;
        try {
            code = run.call();
        } catch (Exception e) {
            if (autoRemove) {
                try {
                    remove(id);
                } catch (RuntimeException removing) {
                    e.addSuppressed(removing);
                }
            }
            throw e;
        }
        if (autoRemove) {
            remove(id);
        }
        return code;
    }

    private void remove(String id) {
        client().call(ApiRequest.delete("/containers/" + id).flag("force", true).flag("v", true));
    }

    /**
     * docker run -i/-t: attach (hijacked, before the start so no output is missed), register the
     * wait, start, then pump stdin to the connection and the connection to stdout until the
     * container's output ends.
     */
    private int attachedRun(String id) throws Exception {
        ApiRequest attach = ApiRequest.post("/containers/" + id + "/attach")
                .flag("stream", true)
                .flag("stdin", interactive)
                .flag("stdout", true)
                .flag("stderr", true)
                .header("Connection", "Upgrade")
                .header("Upgrade", "tcp");
        try (ApiResponse stream = client().send(attach);
                ApiResponse wait = client().send(
                                ApiRequest.post("/containers/" + id + "/wait").query("condition", "next-exit"))) {
            dev.berth.cli.output.RawTerminal raw =
                    tty && interactive && console().inIsTerminal() ? dev.berth.cli.output.RawTerminal.enter(0) : null;
            // SIGTERM or SIGHUP end the JVM without the finally below: the hook restores the terminal
            // (SIGQUIT does not end it: the JVM prints a thread dump)
            Thread restore = raw == null ? null : new Thread(raw::close, "berth-restore-terminal");
            if (restore != null) {
                Runtime.getRuntime().addShutdownHook(restore);
            }
            try {
                client().call(ApiRequest.post("/containers/" + id + "/start"));
                if (tty && console().outIsTerminal()) {
                    resize(id);
                    watchWindow(id);
                }
                if (interactive) {
                    Thread.ofVirtual().name("berth-stdin").start(() -> pumpStdin(stream));
                }
                if (tty) {
                    // raw bytes as they come: an interactive screen cannot wait for a full buffer
                    byte[] buffer = new byte[8192];
                    for (int n; (n = stream.body().read(buffer)) >= 0; ) {
                        console().out().write(buffer, 0, n);
                        console().out().flush();
                    }
                } else {
                    ContainerLogsCommand.copy(stream.body(), false, this);
                }
                console().out().flush();
            } catch (java.io.IOException e) {
                // the daemon closed the stream: the container ended
            } finally {
                if (raw != null) {
                    raw.close();
                    try {
                        Runtime.getRuntime().removeShutdownHook(restore);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook runs anyway; closing twice is harmless
                    }
                }
            }
            JsonNode result = CliJson.MAPPER.readTree(new String(wait.readAll(), StandardCharsets.UTF_8));
            return result.path("StatusCode").asInt();
        }
    }

    private void pumpStdin(ApiResponse stream) {
        java.io.OutputStream out = stream.output();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = console().in().read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (java.io.IOException e) {
            return; // the connection is closed: the container ended
        }
        stream.closeWrite();
    }

    private void resize(String id) {
        int[] size = dev.berth.cli.output.Terminal.size(1);
        if (size != null && size[0] > 0) {
            try {
                client().call(ApiRequest.post("/containers/" + id + "/resize")
                        .query("h", Integer.toString(size[0]))
                        .query("w", Integer.toString(size[1])));
            } catch (RuntimeException e) {
                // a container that already ended has no terminal to resize
            }
        }
    }

    /** SIGWINCH: the window changed, the container's terminal follows (as the docker CLI's MonitorTtySize). */
    private void watchWindow(String id) {
        try {
            sun.misc.Signal.handle(
                    new sun.misc.Signal("WINCH"), signal -> Thread.ofVirtual().start(() -> resize(id)));
        } catch (IllegalArgumentException e) {
            // no SIGWINCH here: the size set at start stays
        }
    }
}
