package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.testing.Blobs;
import dev.berth.testing.Layers;
import dev.berth.testing.TarBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pull, push and login through a real Berth daemon, driven by the real docker CLI (and the berth
 * CLI), against Debian's distribution registry on 127.0.0.1.
 */
class DistributionIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PUSH_DIGEST = Pattern.compile(": digest: (sha256:[0-9a-f]{64}) size: (\\d+)");

    private static TestRegistry registry;
    private static BerthDaemon daemon;

    @BeforeAll
    static void start() {
        TestRegistry.require();
        registry = TestRegistry.start();
        daemon = BerthDaemon.start();
    }

    @AfterAll
    static void stop() {
        if (daemon != null) {
            daemon.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    /** A one-layer busybox image made by docker import, named {@code name}. */
    private static String importBusybox(String name) throws IOException {
        Path rootfs = daemon.scratch().resolve("rootfs-" + System.nanoTime());
        Files.createDirectories(rootfs.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
        Files.createSymbolicLink(rootfs.resolve("bin/sh"), Path.of("busybox"));
        // A layer of its own per import: two imports in the same second would otherwise make the
        // same tar, and the registry would mount it from another test's repository.
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/image-name"), name + " " + System.nanoTime() + "\n");
        Path tar = daemon.scratch().resolve("rootfs-" + System.nanoTime() + ".tar");
        Commands.run(List.of("tar", "-C", rootfs.toString(), "-cf", tar.toString(), "."), Map.of(), null)
                .ok();
        return daemon.dockerWithInput(tar, "import", "-", name).ok().strip();
    }

    private static String id(String image) {
        return daemon.docker("image", "inspect", "-f", "{{.Id}}", image).ok().strip();
    }

    private static String pushedDigest(String pushOutput) {
        Matcher m = PUSH_DIGEST.matcher(pushOutput);
        assertThat(m.find()).as("push output names the digest:\n%s", pushOutput).isTrue();
        return m.group(1);
    }

    @Test
    void pushRemovePullGivesSameImageIdAndDigest() throws IOException {
        String name = registry.address() + "/roundtrip/busybox:1";
        String imported = importBusybox(name);

        String push = daemon.docker("push", name).ok();
        assertThat(push)
                .contains("The push refers to repository [" + registry.address() + "/roundtrip/busybox]")
                .contains("Pushed");
        String digest = pushedDigest(push);
        assertThat(push).contains("1: digest: " + digest);

        daemon.docker("rmi", name).ok();
        assertThat(daemon.docker("image", "inspect", name).exitCode()).isNotZero();

        String pull = daemon.docker("pull", name).ok();
        assertThat(pull)
                .contains("Pull complete")
                .contains("Digest: " + digest)
                .contains("Status: Downloaded newer image for " + name);
        assertThat(id(name)).isEqualTo(imported);
        assertThat(daemon.docker("image", "inspect", "-f", "{{json .RepoDigests}}", name)
                        .ok())
                .contains(registry.address() + "/roundtrip/busybox@" + digest);

        String again = daemon.docker("pull", name).ok();
        assertThat(again).contains("Status: Image is up to date for " + name).doesNotContain("Pull complete");

        String byDigest = registry.address() + "/roundtrip/busybox@" + digest;
        String pulledByDigest = daemon.docker("pull", byDigest).ok();
        assertThat(pulledByDigest).contains("Digest: " + digest);
        assertThat(id(byDigest)).isEqualTo(imported);

        assertThat(daemon.docker("image", "inspect", "-f", "{{json .RootFS.Layers}}", name)
                        .ok()
                        .strip())
                .isEqualTo(daemon.docker("image", "inspect", "-f", "{{json .RootFS.Layers}}", imported)
                        .ok()
                        .strip());
    }

    @Test
    void pullByDigestOfAbsentImageDownloadsIt() throws IOException {
        String name = registry.address() + "/bydigest/busybox:latest";
        String imported = importBusybox(name);
        String digest = pushedDigest(daemon.docker("push", name).ok());
        daemon.docker("rmi", name).ok();

        String ref = registry.address() + "/bydigest/busybox@" + digest;
        String pull = daemon.docker("pull", ref).ok();
        assertThat(pull).contains("Status: Downloaded newer image for " + ref);
        assertThat(id(ref)).isEqualTo(imported);
        // No tag came with it.
        assertThat(daemon.docker("image", "inspect", "-f", "{{json .RepoTags}}", ref)
                        .ok()
                        .strip())
                .isEqualTo("[]");
    }

    @Test
    void secondImageOnSameBaseUploadsOnlyItsNewLayer() throws IOException {
        String base = registry.address() + "/shared/base:1";
        importBusybox(base);
        daemon.docker("push", base).ok();

        Path saved = daemon.scratch().resolve("base.tar");
        daemon.docker("save", "-o", saved.toString(), base).ok();
        String app = registry.address() + "/shared/app:1";
        Path appTar = daemon.scratch().resolve("app.tar");
        Files.write(appTar, withExtraLayer(Files.readAllBytes(saved), "etc/app.conf", "hello\n", app));
        daemon.docker("load", "-i", appTar.toString()).ok();

        String push = daemon.docker("push", app).ok();
        assertThat(push.lines().filter(l -> l.endsWith(": Pushed")).count())
                .as(push)
                .isEqualTo(1);
        assertThat(push).contains("Mounted from shared/base");

        // Pushing it again uploads nothing.
        String again = daemon.docker("push", app).ok();
        assertThat(again).doesNotContain("Pushed").contains("Layer already exists");
        assertThat(pushedDigest(again)).isEqualTo(pushedDigest(push));

        daemon.docker("rmi", app).ok();
        String pull = daemon.docker("pull", app).ok();
        assertThat(pull).contains("Already exists").contains("Pull complete");
    }

    @Test
    void pullOfUnknownNamesSaysWhat() {
        CommandResult missing = daemon.docker("pull", registry.address() + "/no/such:tag");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.stderr()).contains("manifest for " + registry.address() + "/no/such:tag not found");

        CommandResult unreachable = daemon.docker("pull", "127.0.0.1:1/x:1");
        assertThat(unreachable.exitCode()).isNotZero();
        assertThat(unreachable.stderr()).contains("127.0.0.1:1").contains("unreachable");
    }

    @Test
    void loginWithHtpasswdThenPushAndLogout() throws IOException {
        try (TestRegistry secured = TestRegistry.start("alice", "wonder-land")) {
            Path password = daemon.scratch().resolve("password");
            Files.writeString(password, "wrong\n");
            CommandResult refused =
                    daemon.dockerWithInput(password, "login", "-u", "alice", "--password-stdin", secured.address());
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.stderr()).containsIgnoringCase("unauthorized");

            String name = secured.address() + "/private/busybox:1";
            importBusybox(name);
            CommandResult anonymous = daemon.docker("push", name);
            assertThat(anonymous.exitCode()).isNotZero();
            assertThat(anonymous.stderr()).contains("no basic auth credentials");
            // credentials the registry refuses: its own error, as Docker reports it
            Path wrongConfig = Files.createDirectories(daemon.scratch().resolve("wrong-docker-config"));
            Files.writeString(
                    wrongConfig.resolve("config.json"),
                    "{\"auths\": {\"%s\": {\"auth\": \"%s\"}}}"
                            .formatted(
                                    secured.address(),
                                    Base64.getEncoder()
                                            .encodeToString("alice:wrong".getBytes(StandardCharsets.UTF_8))));
            CommandResult refusedPush = Commands.run(
                    List.of("docker", "push", name),
                    Map.of("DOCKER_HOST", daemon.host(), "DOCKER_CONFIG", wrongConfig.toString()),
                    null);
            assertThat(refusedPush.exitCode()).isNotZero();
            assertThat(refusedPush.stderr()).contains("unauthorized: authentication required");

            Files.writeString(password, "wonder-land\n");
            assertThat(daemon.dockerWithInput(password, "login", "-u", "alice", "--password-stdin", secured.address())
                            .ok())
                    .contains("Login Succeeded");
            String push = daemon.docker("push", name).ok();
            assertThat(push).contains("Pushed");
            daemon.docker("rmi", name).ok();
            assertThat(daemon.docker("pull", name).ok()).contains("Downloaded newer image");

            // berth login stores the same config.json form docker reads.
            Path berthConfig = daemon.scratch().resolve("berth-docker-config");
            CommandResult berthLogin = Commands.run(
                    concat(BerthDaemon.javaCommand(), "login", "-u", "alice", "--password-stdin", secured.address()),
                    Map.of("DOCKER_HOST", daemon.host(), "DOCKER_CONFIG", berthConfig.toString()),
                    password);
            assertThat(berthLogin.ok()).contains("Login Succeeded");
            JsonNode auths =
                    JSON.readTree(berthConfig.resolve("config.json").toFile()).path("auths");
            assertThat(auths.path(secured.address()).path("auth").asText())
                    .isEqualTo(
                            Base64.getEncoder().encodeToString("alice:wonder-land".getBytes(StandardCharsets.UTF_8)));
            CommandResult logout = Commands.run(
                    concat(BerthDaemon.javaCommand(), "logout", secured.address()),
                    Map.of("DOCKER_HOST", daemon.host(), "DOCKER_CONFIG", berthConfig.toString()),
                    null);
            assertThat(logout.ok()).contains("Removing login credentials for " + secured.address());
            assertThat(JSON.readTree(berthConfig.resolve("config.json").toFile())
                            .path("auths")
                            .has(secured.address()))
                    .isFalse();
        }
    }

    @Test
    void berthRegistryWithTokenAuthServesPushAndPull() throws Exception {
        Path dir = daemon.scratch().resolve("berth-registry-" + System.nanoTime());
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("htpasswd"), TestRegistry.htpasswdLine("bob", "builder"));
        int port = TestRegistry.freePort();
        String address = "127.0.0.1:" + port;
        ServerProcess server = ServerProcess.start(
                "berth registry",
                concat(
                        BerthDaemon.serverJavaCommand(),
                        "registry",
                        "serve",
                        "--addr",
                        address,
                        "--root",
                        dir.resolve("root").toString(),
                        "--htpasswd",
                        dir.resolve("htpasswd").toString(),
                        "--auth",
                        "token"),
                dir.resolve("registry.log"),
                java.time.Duration.ofSeconds(60),
                () -> TestRegistry.answers(address));
        try {
            Path password = daemon.scratch().resolve("bob-password");
            Files.writeString(password, "builder\n");
            assertThat(daemon.dockerWithInput(password, "login", "-u", "bob", "--password-stdin", address)
                            .ok())
                    .contains("Login Succeeded");
            String name = address + "/tokens/busybox:1";
            String imported = importBusybox(name);
            String digest = pushedDigest(daemon.docker("push", name).ok());
            daemon.docker("rmi", name).ok();
            assertThat(daemon.docker("pull", address + "/tokens/busybox@" + digest)
                            .ok())
                    .contains("Digest: " + digest);
            assertThat(id(address + "/tokens/busybox@" + digest)).isEqualTo(imported);
        } finally {
            server.stop();
        }
    }

    @Test
    void berthCliPullsAndPushes() throws IOException {
        String name = registry.address() + "/berthcli/busybox:2";
        importBusybox(name);
        Map<String, String> env = Map.of(
                "DOCKER_HOST",
                daemon.host(),
                "DOCKER_CONFIG",
                daemon.scratch().resolve("cfg").toString());
        String push = Commands.run(concat(BerthDaemon.javaCommand(), "push", name), env, null)
                .ok();
        assertThat(push).contains("Pushed").contains("2: digest: sha256:");
        daemon.docker("rmi", name).ok();
        String pull = Commands.run(concat(BerthDaemon.javaCommand(), "pull", name), env, null)
                .ok();
        assertThat(pull).contains("Status: Downloaded newer image for " + name).endsWith(name + "\n");
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new java.util.ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    /**
     * A docker-save tar for a new image {@code tag}: the saved image's layers plus one layer with
     * {@code path} = {@code content}.
     */
    private static byte[] withExtraLayer(byte[] saved, String path, String content, String tag) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new java.io.ByteArrayInputStream(saved))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                if (e.isFile()) {
                    entries.put(e.getName(), in.readAllBytes());
                }
            }
        }
        JsonNode manifest = JSON.readTree(entries.get("manifest.json")).get(0);
        ObjectNode config =
                (ObjectNode) JSON.readTree(entries.get(manifest.get("Config").asText()));
        byte[] layer = Layers.of(path, content.getBytes(StandardCharsets.UTF_8));
        String layerHex = hex(layer);
        ((ArrayNode) config.path("rootfs").path("diff_ids")).add("sha256:" + layerHex);
        if (config.has("history")) {
            ((ArrayNode) config.get("history"))
                    .addObject()
                    .put("created", "2026-01-01T00:00:00Z")
                    .put("created_by", "ADD " + path);
        }
        config.put("created", "2026-01-01T00:00:00Z");
        byte[] configBytes = JSON.writeValueAsBytes(config);
        String configHex = hex(configBytes);

        Map<String, byte[]> out = new LinkedHashMap<>();
        ArrayNode layers = JSON.createArrayNode();
        for (JsonNode l : manifest.get("Layers")) {
            out.put(l.asText(), entries.get(l.asText()));
            layers.add(l.asText());
        }
        out.put("blobs/sha256/" + layerHex, layer);
        layers.add("blobs/sha256/" + layerHex);
        out.put("blobs/sha256/" + configHex, configBytes);
        ObjectNode entry = JSON.createObjectNode();
        entry.put("Config", "blobs/sha256/" + configHex);
        entry.putArray("RepoTags").add(tag);
        entry.set("Layers", layers);
        out.put("manifest.json", JSON.writeValueAsBytes(JSON.createArrayNode().add(entry)));

        TarBuilder tar = new TarBuilder();
        out.forEach(tar::file);
        return tar.build();
    }

    private static String hex(byte[] data) {
        return Blobs.sha256(data).substring("sha256:".length());
    }
}
