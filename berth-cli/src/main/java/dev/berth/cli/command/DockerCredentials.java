package dev.berth.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.core.auth.RegistryCredentials;
import dev.berth.core.error.BerthException;
import dev.berth.core.io.AtomicFiles;
import dev.berth.core.reference.RegistryHosts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials in docker's {@code config.json} ({@code $DOCKER_CONFIG/config.json}, else
 * {@code ~/.docker/config.json}): {@code {"auths":{"<registry>":{"auth":"base64(user:password)"}}}},
 * keyed by {@code https://index.docker.io/v1/} for Docker Hub and by {@code host[:port]} otherwise,
 * so that {@code berth login} and {@code docker login} read each other's entries. Every other
 * field of the file is kept as it was. Credential helpers ({@code credsStore}) are not used.
 */
final class DockerCredentials {
    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final Path file;

    DockerCredentials(Path file) {
        this.file = file;
    }

    static DockerCredentials of(Map<String, String> env) {
        String dir = env.get("DOCKER_CONFIG");
        Path base = dir != null && !dir.isEmpty()
                ? Path.of(dir)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".docker");
        return new DockerCredentials(base.resolve("config.json"));
    }

    Path file() {
        return file;
    }

    /** The config.json key for a registry domain ({@code docker.io} → Docker Hub's index URL). */
    static String key(String domain) {
        return RegistryHosts.authConfigKey(domain);
    }

    /** The stored credentials for {@code domain}, if any. */
    Optional<RegistryCredentials> get(String domain) {
        JsonNode entry = read().path("auths").path(key(domain));
        String auth = entry.path("auth").asText("");
        if (auth.isEmpty()) {
            return Optional.empty();
        }
        RegistryCredentials c = new RegistryCredentials(
                null, null, auth, key(domain), entry.path("identitytoken").asText(null), null);
        return Optional.of(c);
    }

    void put(String domain, String username, String password) {
        ObjectNode root = read();
        ObjectNode auths = root.has("auths") && root.get("auths").isObject()
                ? (ObjectNode) root.get("auths")
                : root.putObject("auths");
        String pair = username + ":" + password;
        auths.putObject(key(domain))
                .put("auth", Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        write(root);
    }

    /** Removes the entry; false when there was none. */
    boolean remove(String domain) {
        ObjectNode root = read();
        JsonNode auths = root.get("auths");
        if (!(auths instanceof ObjectNode o) || o.remove(key(domain)) == null) {
            return false;
        }
        write(root);
        return true;
    }

    private ObjectNode read() {
        if (!Files.exists(file)) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(Files.readAllBytes(file));
            return node instanceof ObjectNode o ? o : JSON.createObjectNode();
        } catch (IOException e) {
            throw BerthException.invalid("cannot read %s: %s", file, e.getMessage());
        }
    }

    /** Whole or not at all, mode 0600 (it holds passwords). */
    private void write(ObjectNode root) {
        try {
            AtomicFiles.write(file, JSON.writeValueAsBytes(root), AtomicFiles.Access.OWNER_ONLY);
        } catch (IOException e) {
            throw BerthException.invalid("cannot write %s: %s", file, e.getMessage());
        }
    }

    /** The X-Registry-Auth header for {@code domain}: the stored credentials, or {@code {}} (anonymous). */
    String header(String domain) {
        return get(domain).orElse(RegistryCredentials.ANONYMOUS).toHeader();
    }
}
