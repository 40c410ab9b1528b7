package dev.berth.registry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.digest.Digest;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.http.RegistryFixture;
import dev.berth.registry.manifest.MediaTypes;
import dev.berth.testing.Blobs;
import dev.berth.testing.Busybox;
import dev.berth.testing.Prerequisites;
import dev.berth.testing.TestImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** skopeo (containers/image, a real registry client) copies images into and out of the Berth registry. */
class SkopeoRegistryIT {
    @TempDir
    Path tmp;

    record Result(int exit, String output) {}

    @BeforeAll
    static void needSkopeo() {
        Prerequisites.requireProgram("skopeo", "apt-get install skopeo");
        Prerequisites.requireBusybox();
    }

    /** A one-layer image of busybox (and /etc/extra when given) in an OCI layout, as skopeo reads it. */
    record Layout(Path layout, Digest manifest, Digest layer, byte[] layerBytes) {}

    private Layout busyboxLayout(String extra) throws IOException {
        Path rootfs = Busybox.importTar(tmp, "rootfs", extra == null ? Map.of() : Map.of("/etc/extra", extra));
        TestImage image = TestImage.builder()
                .gzippedLayer(Files.readAllBytes(rootfs))
                .cmd("/bin/sh")
                .build();
        Path dir = tmp.resolve("layout");
        byte[] manifest = image.writeOciLayout(dir, "latest");
        TestImage.Layer layer = image.layers().getFirst();
        return new Layout(dir, Digest.parse(Blobs.sha256(manifest)), Digest.parse(layer.digest()), layer.bytes());
    }

    static Result skopeo(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("skopeo", "--insecure-policy"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("skopeo timed out: " + cmd);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static void ok(Result r) {
        assertThat(r.exit()).as(r.output()).isZero();
    }

    static long blobFiles(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root.resolve("content/blobs"))) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void skopeoCopiesAnImageInAndOutMountsAcrossRepositoriesAndDeletes() throws Exception {
        Layout img = busyboxLayout(null);
        Path root = tmp.resolve("root");
        try (var reg = RegistryFixture.start(root)) {
            String base = "127.0.0.1:" + reg.port();
            ok(skopeo(
                    "copy",
                    "--dest-tls-verify=false",
                    "oci:" + img.layout() + ":latest",
                    "docker://" + base + "/test/busybox:latest"));
            var manifest = reg.client.get("/v2/test/busybox/manifests/latest");
            assertThat(manifest.status()).isEqualTo(200);
            assertThat(manifest.header("Docker-Content-Digest"))
                    .isEqualTo(img.manifest().toString());
            assertThat(reg.client.get("/v2/test/busybox/blobs/" + img.layer()).body())
                    .isEqualTo(img.layerBytes());

            Path out = tmp.resolve("out");
            ok(skopeo(
                    "copy",
                    "--src-tls-verify=false",
                    "docker://" + base + "/test/busybox:latest",
                    "oci:" + out + ":latest"));
            assertThat(Files.readAllBytes(
                            out.resolve("blobs/sha256").resolve(img.layer().hex())))
                    .isEqualTo(img.layerBytes());
            assertThat(Files.exists(
                            out.resolve("blobs/sha256").resolve(img.manifest().hex())))
                    .isTrue();

            Path archive = tmp.resolve("busybox.tar");
            ok(skopeo(
                    "copy",
                    "--src-tls-verify=false",
                    "docker://" + base + "/test/busybox:latest",
                    "docker-archive:" + archive + ":test/busybox:latest"));
            assertThat(Files.size(archive)).isGreaterThan(img.layerBytes().length / 2);

            Result inspect = skopeo("inspect", "--tls-verify=false", "docker://" + base + "/test/busybox:latest");
            ok(inspect);
            assertThat(inspect.output()).contains(img.manifest().toString()).contains("\"Architecture\": \"amd64\"");

            long before = blobFiles(root);
            ok(skopeo(
                    "copy",
                    "--src-tls-verify=false",
                    "--dest-tls-verify=false",
                    "docker://" + base + "/test/busybox:latest",
                    "docker://" + base + "/other/busybox:v1"));
            assertThat(blobFiles(root))
                    .as("a copy within the registry mounts, it stores nothing new")
                    .isEqualTo(before);
            assertThat(reg.client.get("/v2/other/busybox/blobs/" + img.layer()).status())
                    .isEqualTo(200);

            ok(skopeo(
                    "copy",
                    "--dest-tls-verify=false",
                    "--format",
                    "v2s2",
                    "oci:" + img.layout() + ":latest",
                    "docker://" + base + "/test/schema2:latest"));
            assertThat(reg.client.get("/v2/test/schema2/manifests/latest").header("Content-Type"))
                    .isEqualTo(MediaTypes.DOCKER_MANIFEST);

            Result tags = skopeo("list-tags", "--tls-verify=false", "docker://" + base + "/test/busybox");
            ok(tags);
            assertThat(tags.output()).contains("\"latest\"");

            ok(skopeo("delete", "--tls-verify=false", "docker://" + base + "/other/busybox:v1"));
            assertThat(reg.client
                            .get("/v2/other/busybox/manifests/" + img.manifest())
                            .status())
                    .isEqualTo(404);
            assertThat(reg.client.get("/v2/test/busybox/manifests/latest").status())
                    .isEqualTo(200);
        }
    }

    @Test
    void skopeoLogsInWithBasicAndWithTokenAuth() throws Exception {
        Layout img = busyboxLayout("auth");
        Path htpasswd = tmp.resolve("htpasswd");
        Files.writeString(htpasswd, "alice:$2y$05$EiWUH0mrlZJDNEtahZGXS.Qa2mBDKKWW9gxfASNY.afUHBTMetH.y\n");
        for (String type : List.of("basic", "token")) {
            var auth = new RegistryConfig.Auth(type, htpasswd.toString(), null, null, null);
            try (var reg = RegistryFixture.start(
                    tmp.resolve("root-" + type), new RegistryConfig(null, null, null, null, auth, null))) {
                String dest = "docker://127.0.0.1:" + reg.port() + "/secure/busybox:latest";
                Result anonymous = skopeo("copy", "--dest-tls-verify=false", "oci:" + img.layout() + ":latest", dest);
                assertThat(anonymous.exit()).as(type).isNotZero();
                Result wrong = skopeo(
                        "copy",
                        "--dest-tls-verify=false",
                        "--dest-creds",
                        "alice:wrong",
                        "oci:" + img.layout() + ":latest",
                        dest);
                assertThat(wrong.exit()).as(type).isNotZero();
                ok(skopeo(
                        "copy",
                        "--dest-tls-verify=false",
                        "--dest-creds",
                        "alice:s3cret!",
                        "oci:" + img.layout() + ":latest",
                        dest));
                Path out = tmp.resolve("out-" + type);
                ok(skopeo(
                        "copy",
                        "--src-tls-verify=false",
                        "--src-creds",
                        "alice:s3cret!",
                        dest,
                        "oci:" + out + ":latest"));
                assertThat(Digest.sha256(Files.readAllBytes(
                                out.resolve("blobs/sha256").resolve(img.layer().hex()))))
                        .isEqualTo(img.layer());
            }
        }
    }
}
