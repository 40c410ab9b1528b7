package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.http.RegistryServer;
import dev.berth.testing.Blobs;
import dev.berth.testing.Layers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a push sends: the manifest an image was pulled with, byte for byte (so a copy keeps its
 * digest, OCI or Docker types alike), and a layer whose blob is gone, written again from its
 * files. The docker CLI drives a Berth daemon between Debian's registry and Berth's own.
 */
class PushFidelityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PUSH_DIGEST = Pattern.compile(": digest: (sha256:[0-9a-f]{64}) size: (\\d+)");
    private static final String ACCEPT = String.join(
            ", ",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json");

    private static TestRegistry debian;
    private static RegistryServer berth;
    private static Path berthRoot;
    private static BerthDaemon daemon;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        TestRegistry.require();
        debian = TestRegistry.start();
        berthRoot = Files.createTempDirectory("berth-registry-push-it-");
        berth = RegistryServer.start(
                new RegistryConfig("127.0.0.1:0", berthRoot.toString(), null, null, null, null).withDefaults());
        daemon = BerthDaemon.start();
    }

    @AfterAll
    static void stop() {
        if (daemon != null) {
            daemon.close();
        }
        if (berth != null) {
            berth.close();
        }
        if (berthRoot != null) {
            dev.berth.core.io.Trees.delete(berthRoot);
        }
        if (debian != null) {
            debian.close();
        }
    }

    private static String berthAddress() {
        return "127.0.0.1:" + berth.address().getPort();
    }

    @Test
    void ociImagePulledByDigestKeepsItsDigestWhenPushedElsewhere() throws Exception {
        keepsDigest(
                "application/vnd.oci.image.manifest.v1+json",
                "application/vnd.oci.image.config.v1+json",
                "application/vnd.oci.image.layer.v1.tar+gzip",
                "oci");
    }

    @Test
    void dockerImagePulledByDigestKeepsItsDigestWhenPushedElsewhere() throws Exception {
        keepsDigest(
                "application/vnd.docker.distribution.manifest.v2+json",
                "application/vnd.docker.container.image.v1+json",
                "application/vnd.docker.image.rootfs.diff.tar.gzip",
                "docker");
    }

    /** An image put in a registry by hand: its manifest's exact bytes and digest. */
    private record Uploaded(byte[] manifest, String digest) {}

    /**
     * Uploads a one-layer image for {@code arch} to {@code repo} with a manifest laid out as no
     * Berth code would write it (indented, annotated, descriptor fields in another order).
     */
    private static Uploaded upload(
            String repo, String manifestType, String configType, String layerType, String arch, String name)
            throws Exception {
        byte[] tar = Layers.of(
                "etc/fidelity-" + name, (name + " " + System.nanoTime() + "\n").getBytes(StandardCharsets.UTF_8));
        byte[] layer = Blobs.gzip(tar);
        byte[] config = ("{\"architecture\":\"" + arch + "\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/sh\"]},"
                        + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + Blobs.sha256(tar) + "\"]},"
                        + "\"history\":[{\"created_by\":\"fidelity test\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        String annotations =
                manifestType.contains("oci") ? ",\n  \"annotations\": {\n    \"org.example.kept\": \"yes\"\n  }" : "";
        byte[] manifest = ("{\n  \"schemaVersion\": 2,\n  \"mediaType\": \"" + manifestType + "\",\n"
                        + "  \"config\": {\"size\": " + config.length + ", \"digest\": \"" + Blobs.sha256(config)
                        + "\", \"mediaType\": \"" + configType + "\"},\n"
                        + "  \"layers\": [\n    {\"size\": " + layer.length + ", \"digest\": \""
                        + Blobs.sha256(layer)
                        + "\", \"mediaType\": \"" + layerType + "\"}\n  ]" + annotations + "\n}\n")
                .getBytes(StandardCharsets.UTF_8);
        uploadBlob(repo, config);
        uploadBlob(repo, layer);
        String digest = Blobs.sha256(manifest);
        putManifest(repo, digest, manifestType, manifest);
        return new Uploaded(manifest, digest);
    }

    /**
     * Pulls an image from Debian's registry by digest and pushes it to another repository of the
     * same registry and to Berth's registry: both get the very same bytes.
     */
    private void keepsDigest(String manifestType, String configType, String layerType, String name) throws Exception {
        String source = debian.address() + "/fidelity/src-" + name;
        Uploaded image = upload(source, manifestType, configType, layerType, "amd64", name);
        String pulled = source + "@" + image.digest();
        assertThat(daemon.docker("pull", pulled).ok()).contains("Digest: " + image.digest());
        for (String target :
                List.of(debian.address() + "/fidelity/copy-" + name, berthAddress() + "/fidelity/copy-" + name)) {
            pushedBack(pulled, target, image, manifestType);
        }
    }

    private static void pushedBack(String local, String target, Uploaded image, String manifestType) throws Exception {
        daemon.docker("tag", local, target + ":1").ok();
        String push = daemon.docker("push", target + ":1").ok();
        assertThat(pushedDigest(push)).as(push).isEqualTo(image.digest());
        HttpResponse<byte[]> back = get(target, "manifests/1");
        assertThat(back.statusCode()).isEqualTo(200);
        assertThat(back.body()).isEqualTo(image.manifest());
        assertThat(back.headers().firstValue("Content-Type").orElseThrow()).isEqualTo(manifestType);
        assertThat(daemon.docker("image", "inspect", "-f", "{{json .RepoDigests}}", target + ":1")
                        .ok())
                .contains(target + "@" + image.digest());
    }

    @Test
    void imagePulledThroughAnIndexPushesItsPlatformManifestAlsoAfterARestart() throws Exception {
        String oci = "application/vnd.oci.image.manifest.v1+json";
        String source = debian.address() + "/fidelity/src-index";
        Uploaded amd = upload(
                source,
                oci,
                "application/vnd.oci.image.config.v1+json",
                "application/vnd.oci.image.layer.v1.tar+gzip",
                "amd64",
                "index-amd64");
        Uploaded arm = upload(
                source,
                oci,
                "application/vnd.oci.image.config.v1+json",
                "application/vnd.oci.image.layer.v1.tar+gzip",
                "arm64",
                "index-arm64");
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                        + "{\"mediaType\":\"" + oci + "\",\"digest\":\"" + arm.digest() + "\",\"size\":"
                        + arm.manifest().length
                        + ",\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}},"
                        + "{\"mediaType\":\"" + oci + "\",\"digest\":\"" + amd.digest() + "\",\"size\":"
                        + amd.manifest().length
                        + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}")
                .getBytes(StandardCharsets.UTF_8);
        putManifest(source, "multi", "application/vnd.oci.image.index.v1+json", index);

        assertThat(daemon.docker("pull", source + ":multi").ok()).contains("Digest: " + Blobs.sha256(index));
        // The repo digest names the index; its row also keeps the platform manifest the pull chose,
        // which the start-up check must not remove.
        daemon.restart();
        pushedBack(source + ":multi", berthAddress() + "/fidelity/copy-index", amd, oci);
        pushedBack(source + ":multi", debian.address() + "/fidelity/copy-index", amd, oci);
    }

    @Test
    void committedLayerWhoseBlobIsGoneIsWrittenAgainFromItsFiles() throws Exception {
        daemon.bootstrapBusybox();
        String container = "repack-" + System.nanoTime();
        daemon.docker(
                        "run",
                        "--name",
                        container,
                        "busybox",
                        "sh",
                        "-c",
                        "mkdir -p /srv/data && echo kept > /srv/data/file && ln -s file /srv/data/link && rm /bin/true")
                .ok();
        String name = berthAddress() + "/repack/committed:1";
        String id = daemon.docker("commit", container, name).ok().strip();
        daemon.docker("rm", container).ok();
        String top = lastLayer(name);
        // A committed layer is stored as its plain tar, whose digest is the diff ID: drop it.
        Path blob = daemon.dataRoot().resolve("content/blobs/sha256").resolve(top.substring("sha256:".length()));
        assertThat(blob).exists();
        Files.delete(blob);

        String push = daemon.docker("push", name).ok();
        assertThat(push).contains(top.substring(7, 19) + ": Pushed");
        String digest = pushedDigest(push);

        daemon.docker("rmi", name).ok();
        daemon.docker("pull", name).ok();
        assertThat(daemon.docker("image", "inspect", "-f", "{{.Id}}", name).ok().strip())
                .isEqualTo(id);
        assertThat(daemon.docker("run", "--rm", name, "cat", "/srv/data/link").ok())
                .isEqualTo("kept\n");
        assertThat(daemon.docker("run", "--rm", name, "sh", "-c", "test -e /bin/true || echo gone")
                        .ok())
                .isEqualTo("gone\n");
        // The layer's new blob was recorded: pushing again uploads nothing and gives the same digest.
        String again = daemon.docker("push", name).ok();
        assertThat(again).doesNotContain("Pushed").contains("Layer already exists");
        assertThat(pushedDigest(again)).isEqualTo(digest);
    }

    @Test
    void foreignLayerWhoseBlobIsGoneAndWhoseFilesDoNotGiveItsDiffIdIsRefused() throws Exception {
        Path rootfs = daemon.scratch().resolve("foreign-" + System.nanoTime());
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/foreign"), "made by GNU tar\n");
        Path tar = daemon.scratch().resolve("foreign-" + System.nanoTime() + ".tar");
        Commands.run(List.of("tar", "-C", rootfs.toString(), "-cf", tar.toString(), "."), java.util.Map.of(), null)
                .ok();
        String name = berthAddress() + "/repack/foreign:1";
        daemon.dockerWithInput(tar, "import", "-", name).ok();
        String layer = lastLayer(name);
        Files.delete(daemon.dataRoot().resolve("content/blobs/sha256").resolve(layer.substring("sha256:".length())));

        CommandResult push = daemon.docker("push", name);
        assertThat(push.exitCode()).isNotZero();
        assertThat(push.stdout() + push.stderr())
                .contains("has no stored blob")
                .contains(layer)
                .contains("cannot be pushed as it is");
    }

    private static String lastLayer(String image) throws IOException {
        var layers = JSON.readTree(daemon.docker("image", "inspect", "-f", "{{json .RootFS.Layers}}", image)
                .ok());
        return layers.get(layers.size() - 1).asText();
    }

    private static String pushedDigest(String pushOutput) {
        Matcher m = PUSH_DIGEST.matcher(pushOutput);
        assertThat(m.find()).as("push output names the digest:\n%s", pushOutput).isTrue();
        return m.group(1);
    }

    // ---- a plain registry client for setting up and checking --------------------------------

    private static URI url(String repo, String rest) {
        int slash = repo.indexOf('/');
        return URI.create("http://" + repo.substring(0, slash) + "/v2/" + repo.substring(slash + 1) + "/" + rest);
    }

    private static HttpResponse<byte[]> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> get(String repo, String rest) throws Exception {
        return send(HttpRequest.newBuilder(url(repo, rest))
                .header("Accept", ACCEPT)
                .GET()
                .build());
    }

    private static void uploadBlob(String repo, byte[] data) throws Exception {
        HttpResponse<byte[]> start = send(HttpRequest.newBuilder(url(repo, "blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
        assertThat(start.statusCode()).isEqualTo(202);
        URI location =
                start.uri().resolve(start.headers().firstValue("Location").orElseThrow());
        String sep = location.getRawQuery() == null ? "?" : "&";
        HttpResponse<byte[]> put =
                send(HttpRequest.newBuilder(URI.create(location + sep + "digest=" + Blobs.sha256(data)))
                        .header("Content-Type", "application/octet-stream")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(data))
                        .build());
        assertThat(put.statusCode())
                .as(new String(put.body(), StandardCharsets.UTF_8))
                .isEqualTo(201);
    }

    private static void putManifest(String repo, String tag, String type, byte[] bytes) throws Exception {
        HttpResponse<byte[]> put = send(HttpRequest.newBuilder(url(repo, "manifests/" + tag))
                .header("Content-Type", type)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build());
        assertThat(put.statusCode())
                .as(new String(put.body(), StandardCharsets.UTF_8))
                .isEqualTo(201);
    }
}
