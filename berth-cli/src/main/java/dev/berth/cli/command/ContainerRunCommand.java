package dev.berth.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.cli.client.ApiRequest;
import dev.berth.cli.client.ApiResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code berth container run} / {@code berth run}: create, start, then (without -d) stream the
 * output and exit with the container's exit code, as docker run does (no stdin, no TTY yet: use
 * the docker CLI for -it).
 */
@Command(name = "run", description = "Create and run a new container from an image",
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

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = {"-d", "--detach"}, description = "Run container in background and print container ID")
    boolean detach;

    @Option(names = "--rm", description = "Automatically remove the container when it exits")
    boolean autoRemove;

    @Option(names = "--name", description = "Assign a name to the container")
    String name;

    @Option(names = {"-e", "--env"}, description = "Set environment variables")
    List<String> env = new ArrayList<>();

    @Option(names = {"-w", "--workdir"}, description = "Working directory inside the container")
    String workdir;

    @Option(names = {"-u", "--user"}, description = "Username or UID (format: <name|uid>[:<group|gid>])")
    String user;

    @Option(names = "--network", description = "Connect a container to a network (none, host)")
    String network;

    @Parameters(index = "0", paramLabel = "IMAGE")
    String image;

    @Parameters(index = "1..*", paramLabel = "COMMAND")
    List<String> command = new ArrayList<>();

    @Override
    protected int run() throws Exception {
        ObjectNode body = JSON.createObjectNode();
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
        body.put("AttachStdout", !detach);
        body.put("AttachStderr", !detach);
        ObjectNode host = body.putObject("HostConfig");
        // --rm is done by this command once it has read the output and the exit code (as the
        // docker CLI did before API 1.25): a daemon-side AutoRemove could remove the container
        // before the logs request below reaches it.
        host.put("AutoRemove", false);
        if (network != null) {
            host.put("NetworkMode", network);
        }
        ApiRequest create = ApiRequest.post("/containers/create")
                .body(JSON.writeValueAsBytes(body), "application/json");
        if (name != null) {
            create.query("name", name);
        }
        String id = client().json(create).path("Id").asText();
        if (detach) {
            client().call(ApiRequest.post("/containers/" + id + "/start"));
            console().out().println(id);
            return ExitCodes.OK;
        }
        // like docker run: the wait is registered before the start, so the exit cannot be missed
        try (ApiResponse wait = client().send(ApiRequest.post("/containers/" + id + "/wait")
                .query("condition", "next-exit"))) {
            client().call(ApiRequest.post("/containers/" + id + "/start"));
            try (ApiResponse logs = client().send(ApiRequest.get("/containers/" + id + "/logs")
                    .flag("stdout", true).flag("stderr", true).flag("follow", true))) {
                ContainerLogsCommand.copy(logs.body(), false, this);
            }
            JsonNode result = JSON.readTree(new String(wait.readAll(), StandardCharsets.UTF_8));
            if (autoRemove) {
                client().call(ApiRequest.delete("/containers/" + id).flag("force", true));
            }
            return result.path("StatusCode").asInt();
        }
    }
}
