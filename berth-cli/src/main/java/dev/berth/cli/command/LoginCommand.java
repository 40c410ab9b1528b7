package dev.berth.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.berth.cli.client.ApiRequest;
import dev.berth.core.error.BerthException;
import dev.berth.core.reference.ImageReference;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth login [SERVER]}: checks the credentials through the daemon ({@code POST /auth})
 * and stores them in docker's config.json form, as {@code docker login} does.
 */
@Command(name = "login", description = "Authenticate to a registry (default: Docker Hub)")
public class LoginCommand extends ClientCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SERVER")
    String server;

    @Option(
            names = {"-u", "--username"},
            paramLabel = "USER",
            description = "Username")
    String username;

    @Option(
            names = {"-p", "--password"},
            paramLabel = "PASSWORD",
            description = "Password (prefer --password-stdin)")
    String password;

    @Option(names = "--password-stdin", description = "Take the password from stdin")
    boolean passwordStdin;

    @Override
    protected int run() throws Exception {
        String domain = domain(server);
        if (passwordStdin) {
            if (password != null) {
                throw BerthException.invalid("--password and --password-stdin are mutually exclusive");
            }
            if (username == null || username.isEmpty()) {
                throw BerthException.invalid("Must provide --username with --password-stdin");
            }
            String line = new BufferedReader(new InputStreamReader(console().in(), StandardCharsets.UTF_8)).readLine();
            password = line == null ? "" : line.strip();
        } else if (password != null) {
            console().err().println("WARNING! Using --password via the CLI is insecure. Use --password-stdin.");
        }
        if (username == null || username.isEmpty()) {
            username = prompt("Username: ", false);
        }
        if (password == null) {
            password = prompt("Password: ", true);
        }
        if (username == null || username.isEmpty()) {
            throw BerthException.invalid("Username is required");
        }
        if (password == null || password.isEmpty()) {
            throw BerthException.invalid("Error: Password Required");
        }
        Map<String, String> body = new LinkedHashMap<>();
        body.put("username", username);
        body.put("password", password);
        body.put("serveraddress", DockerCredentials.key(domain));
        JsonNode answer = client().json(ApiRequest.post("/auth")
                .body(JsonMapper.builder().build().writeValueAsBytes(body), "application/json"));
        DockerCredentials store = DockerCredentials.of(console().env());
        store.put(domain, username, password);
        console().out().println(answer.path("Status").asText("Login Succeeded"));
        return ExitCodes.OK;
    }

    private String prompt(String label, boolean secret) {
        java.io.Console terminal = System.console();
        if (terminal == null) {
            throw BerthException.invalid("Cannot perform an interactive login from a non TTY device");
        }
        if (secret) {
            char[] chars = terminal.readPassword(label);
            return chars == null ? null : new String(chars);
        }
        return terminal.readLine(label);
    }

    /** The registry domain a SERVER argument names: none or Docker Hub's URLs → docker.io. */
    static String domain(String server) {
        if (server == null || server.isBlank()) {
            return ImageReference.DEFAULT_DOMAIN;
        }
        String s = server.strip().replaceFirst("^[a-zA-Z]+://", "");
        int slash = s.indexOf('/');
        if (slash >= 0) {
            s = s.substring(0, slash);
        }
        return dev.berth.core.reference.RegistryHosts.isDockerHub(s) ? ImageReference.DEFAULT_DOMAIN : s;
    }
}
