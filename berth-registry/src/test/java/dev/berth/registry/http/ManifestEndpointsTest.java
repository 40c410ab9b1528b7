package dev.berth.registry.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.core.digest.Digest;
import dev.berth.registry.manifest.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestEndpointsTest {
    @TempDir
    Path root;

    RegistryFixture reg;
    RegistryClient c;

    @BeforeEach
    void start() {
        reg = RegistryFixture.start(root);
        c = reg.client;
    }

    @AfterEach
    void stop() {
        reg.close();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String desc(String mediaType, Digest d, long size) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + d + "\",\"size\":" + size + "}";
    }

    /** Pushes a config and one layer to repo and returns an image manifest naming them. */
    String image(String repo, String mediaType, String configType, String layerType, String seed, String extra) {
        byte[] config = utf8("{\"architecture\":\"amd64\",\"os\":\"linux\",\"seed\":\"" + seed + "\"}");
        byte[] layer = utf8("layer-" + seed);
        Digest cd = c.pushBlob(repo, config);
        Digest ld = c.pushBlob(repo, layer);
        return "{\"schemaVersion\":2,\"mediaType\":\"" + mediaType + "\",\"config\":"
                + desc(configType, cd, config.length) + ",\"layers\":[" + desc(layerType, ld, layer.length) + "]"
                + extra + "}";
    }

    String ociImage(String repo, String seed) {
        return image(
                repo,
                MediaTypes.OCI_MANIFEST,
                "application/vnd.oci.image.config.v1+json",
                "application/vnd.oci.image.layer.v1.tar+gzip",
                seed,
                "");
    }

    @Test
    void ociManifestByTagAndDigestKeepsBytesTypeAndDigest() {
        String m = ociImage("app", "1");
        byte[] bytes = utf8(m);
        Digest d = Digest.sha256(bytes);
        var put = c.put("/v2/app/manifests/v1", bytes, MediaTypes.OCI_MANIFEST);
        assertThat(put.status()).isEqualTo(201);
        assertThat(put.header("Docker-Content-Digest")).isEqualTo(d.toString());
        assertThat(put.header("Location")).isEqualTo("/v2/app/manifests/" + d);

        for (String ref : List.of("v1", d.toString())) {
            var get = c.get("/v2/app/manifests/" + ref);
            assertThat(get.status()).isEqualTo(200);
            assertThat(get.body()).isEqualTo(bytes);
            assertThat(get.header("Content-Type")).isEqualTo(MediaTypes.OCI_MANIFEST);
            assertThat(get.header("Docker-Content-Digest")).isEqualTo(d.toString());
            var head = c.head("/v2/app/manifests/" + ref);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("Content-Length")).isEqualTo(String.valueOf(bytes.length));
            assertThat(head.header("Docker-Content-Digest")).isEqualTo(d.toString());
        }
    }

    @Test
    void dockerSchema2ManifestAndListAreServedWithTheirTypes() {
        String m = image(
                "dock",
                MediaTypes.DOCKER_MANIFEST,
                "application/vnd.docker.container.image.v1+json",
                "application/vnd.docker.image.rootfs.diff.tar.gzip",
                "d",
                "");
        byte[] mb = utf8(m);
        Digest md = Digest.sha256(mb);
        assertThat(c.put("/v2/dock/manifests/" + md, mb, MediaTypes.DOCKER_MANIFEST)
                        .status())
                .isEqualTo(201);
        String list = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST_LIST + "\",\"manifests\":["
                + "{\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST + "\",\"digest\":\"" + md + "\",\"size\":"
                + mb.length
                + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}";
        var put = c.put("/v2/dock/manifests/latest", utf8(list), MediaTypes.DOCKER_MANIFEST_LIST);
        assertThat(put.status()).isEqualTo(201);
        assertThat(c.get("/v2/dock/manifests/latest").header("Content-Type"))
                .isEqualTo(MediaTypes.DOCKER_MANIFEST_LIST);
        assertThat(c.get("/v2/dock/manifests/" + md).header("Content-Type")).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    }

    @Test
    void manifestNamingUnknownBlobsIsRefusedListingEachOne() {
        Digest a = Digest.sha256(utf8("a"));
        Digest b = Digest.sha256(utf8("b"));
        c.pushBlob("miss", utf8("present"));
        String m = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":"
                + desc("application/vnd.oci.image.config.v1+json", a, 1) + ",\"layers\":["
                + desc("application/vnd.oci.image.layer.v1.tar", b, 1) + "]}";
        var put = c.put("/v2/miss/manifests/x", utf8(m), MediaTypes.OCI_MANIFEST);
        assertThat(put.status()).isEqualTo(400);
        assertThat(put.errorCodes()).containsExactly("MANIFEST_BLOB_UNKNOWN", "MANIFEST_BLOB_UNKNOWN");
        List<String> digests = new ArrayList<>();
        put.json()
                .path("errors")
                .forEach(e -> digests.add(e.at("/detail/digest").asText()));
        assertThat(digests).containsExactlyInAnyOrder(a.toString(), b.toString());
        assertThat(c.get("/v2/miss/manifests/x").errorCodes()).containsExactly("MANIFEST_UNKNOWN");

        String index = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
                + desc(MediaTypes.OCI_MANIFEST, a, 10) + "]}";
        assertThat(c.put("/v2/miss/manifests/idx", utf8(index), MediaTypes.OCI_INDEX)
                        .errorCodes())
                .containsExactly("MANIFEST_BLOB_UNKNOWN");
    }

    @Test
    void nonDistributableLayersWithUrlsNeedNoBlob() {
        byte[] config = utf8("{\"os\":\"windows\"}");
        Digest cd = c.pushBlob("win", config);
        Digest foreign = Digest.sha256(utf8("foreign layer"));
        String m = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST + "\",\"config\":"
                + desc("application/vnd.docker.container.image.v1+json", cd, config.length) + ",\"layers\":["
                + "{\"mediaType\":\"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip\",\"digest\":\"" + foreign
                + "\",\"size\":5,\"urls\":[\"https://example.invalid/layer\"]}]}";
        assertThat(c.put("/v2/win/manifests/ltsc", utf8(m), MediaTypes.DOCKER_MANIFEST)
                        .status())
                .isEqualTo(201);
        String noUrls = m.replace(",\"urls\":[\"https://example.invalid/layer\"]", "");
        assertThat(c.put("/v2/win/manifests/nourls", utf8(noUrls), MediaTypes.DOCKER_MANIFEST)
                        .errorCodes())
                .containsExactly("MANIFEST_BLOB_UNKNOWN");
    }

    @Test
    void invalidManifestsAreRefused() {
        assertThat(c.put("/v2/inv/manifests/a", utf8("not json"), MediaTypes.OCI_MANIFEST)
                        .errorCodes())
                .containsExactly("MANIFEST_INVALID");
        assertThat(c.put("/v2/inv/manifests/a", utf8("{\"schemaVersion\":1}"), MediaTypes.OCI_MANIFEST)
                        .errorCodes())
                .containsExactly("MANIFEST_INVALID");
        String m = ociImage("inv", "x");
        var mismatch = c.put("/v2/inv/manifests/a", utf8(m), MediaTypes.DOCKER_MANIFEST);
        assertThat(mismatch.status()).isEqualTo(400);
        assertThat(mismatch.errorCodes()).containsExactly("MANIFEST_INVALID");
        var badTag = c.put("/v2/inv/manifests/-bad", utf8(m), MediaTypes.OCI_MANIFEST);
        assertThat(badTag.errorCodes()).containsExactly("MANIFEST_INVALID");
        byte[] huge = new byte[4 * 1024 * 1024 + 10];
        java.util.Arrays.fill(huge, (byte) ' ');
        var big = c.put("/v2/inv/manifests/a", huge, MediaTypes.OCI_MANIFEST);
        assertThat(big.status()).isEqualTo(413);
    }

    @Test
    void anInvalidTagInAnExistingRepositoryIsAnUnknownManifest() {
        assertThat(c.put("/v2/tags/manifests/v1", utf8(ociImage("tags", "t")), MediaTypes.OCI_MANIFEST)
                        .status())
                .isEqualTo(201);
        // The OCI conformance suite's nonexistent reference: a GET and a HEAD find nothing, 404.
        for (String ref : List.of(".INVALID_MANIFEST_NAME", "-bad", "a".repeat(129))) {
            var get = c.get("/v2/tags/manifests/" + ref);
            assertThat(get.status()).as(ref).isEqualTo(404);
            assertThat(get.errorCodes()).as(ref).containsExactly("MANIFEST_UNKNOWN");
            assertThat(c.head("/v2/tags/manifests/" + ref).status()).as(ref).isEqualTo(404);
        }
        assertThat(c.get("/v2/nothing-here/manifests/.INVALID").errorCodes())
                .as("a repository that does not exist is unknown first")
                .containsExactly("NAME_UNKNOWN");
    }

    @Test
    void aManifestOverTheLimitIsRefusedBeforeItIsRead() throws Exception {
        try (var socket = new java.net.Socket("127.0.0.1", reg.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write(("PUT /v2/big/manifests/v1 HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                                    + MediaTypes.OCI_MANIFEST + "\r\nContent-Length: " + (5 << 20) + "\r\n\r\n{")
                            .getBytes(StandardCharsets.ISO_8859_1));
            // The answer comes while almost all of the body is still to be sent.
            String answer = RegistryInputTest.head(socket.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 413 ");
        }
    }

    @Test
    void pushByDigestVerifiesTheDigestAndAppliesTagParameters() {
        byte[] bytes = utf8(ociImage("dig", "1"));
        Digest d = Digest.sha256(bytes);
        Digest wrong = Digest.sha256(utf8("other"));
        var bad = c.put("/v2/dig/manifests/" + wrong, bytes, MediaTypes.OCI_MANIFEST);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorCodes()).containsExactly("DIGEST_INVALID");
        var put = c.put("/v2/dig/manifests/" + d + "?tag=1.0&tag=latest", bytes, MediaTypes.OCI_MANIFEST);
        assertThat(put.status()).isEqualTo(201);
        assertThat(put.headers().allValues("OCI-Tag")).containsExactly("1.0, latest");
        assertThat(c.get("/v2/dig/manifests/latest").body()).isEqualTo(bytes);
        Digest d512 = Digest.of("sha512", Digest.newHasher("sha512").digest(bytes));
        var p512 = c.put("/v2/dig/manifests/" + d512, bytes, MediaTypes.OCI_MANIFEST);
        assertThat(p512.status()).isEqualTo(201);
        assertThat(p512.header("Docker-Content-Digest")).isEqualTo(d512.toString());
        assertThat(c.get("/v2/dig/manifests/" + d512).body()).isEqualTo(bytes);
    }

    @Test
    void deletingTagsAndManifests() {
        byte[] bytes = utf8(ociImage("del", "1"));
        Digest d = Digest.sha256(bytes);
        c.put("/v2/del/manifests/a", bytes, MediaTypes.OCI_MANIFEST);
        c.put("/v2/del/manifests/b", bytes, MediaTypes.OCI_MANIFEST);
        assertThat(c.delete("/v2/del/manifests/a").status()).isEqualTo(202);
        assertThat(c.get("/v2/del/manifests/a").errorCodes()).containsExactly("MANIFEST_UNKNOWN");
        assertThat(c.get("/v2/del/manifests/b").status()).isEqualTo(200);
        assertThat(c.delete("/v2/del/manifests/a").status()).isEqualTo(404);
        assertThat(c.delete("/v2/del/manifests/" + d).status()).isEqualTo(202);
        assertThat(c.get("/v2/del/manifests/" + d).status()).isEqualTo(404);
        assertThat(c.get("/v2/del/manifests/b").status()).isEqualTo(404);
        assertThat(c.delete("/v2/del/manifests/" + d).errorCodes()).containsExactly("MANIFEST_UNKNOWN");
        assertThat(c.get("/v2/nothere/manifests/latest").errorCodes()).containsExactly("NAME_UNKNOWN");
    }

    @Test
    void tagsAreListedInOrderWithPaginationAndLink() {
        byte[] bytes = utf8(ociImage("tags", "1"));
        for (String t : List.of("b", "A", "a", "c", "1.0", "_x")) {
            assertThat(c.put("/v2/tags/manifests/" + t, bytes, MediaTypes.OCI_MANIFEST)
                            .status())
                    .isEqualTo(201);
        }
        var all = c.get("/v2/tags/tags/list");
        assertThat(all.json().path("name").asText()).isEqualTo("tags");
        assertThat(texts(all.json().path("tags"))).containsExactly("1.0", "A", "_x", "a", "b", "c");
        assertThat(all.header("Link")).isNull();

        var first = c.get("/v2/tags/tags/list?n=2");
        assertThat(texts(first.json().path("tags"))).containsExactly("1.0", "A");
        assertThat(first.header("Link")).isEqualTo("</v2/tags/tags/list?n=2&last=A>; rel=\"next\"");
        String next = first.header("Link").substring(1, first.header("Link").indexOf('>'));
        var second = c.get(next);
        assertThat(texts(second.json().path("tags"))).containsExactly("_x", "a");
        var last = c.get("/v2/tags/tags/list?n=2&last=b");
        assertThat(texts(last.json().path("tags"))).containsExactly("c");
        assertThat(last.header("Link")).isNull();
        var exact = c.get("/v2/tags/tags/list?n=2&last=a");
        assertThat(texts(exact.json().path("tags"))).containsExactly("b", "c");
        assertThat(exact.header("Link")).isNull();
        var zero = c.get("/v2/tags/tags/list?n=0");
        assertThat(texts(zero.json().path("tags"))).isEmpty();
        assertThat(zero.header("Link")).isNull();
        var lastOnly = c.get("/v2/tags/tags/list?last=a");
        assertThat(texts(lastOnly.json().path("tags"))).containsExactly("b", "c");
        assertThat(c.get("/v2/tags/tags/list?n=-1").status()).isEqualTo(400);
        var unknown = c.get("/v2/unknown/tags/list");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorCodes()).containsExactly("NAME_UNKNOWN");
    }

    @Test
    void catalogListsRepositoriesWithPagination() {
        for (String r : List.of("zeta", "alpha/one", "alpha/two", "mid")) {
            c.pushBlob(r, utf8(r));
        }
        assertThat(texts(c.get("/v2/_catalog").json().path("repositories")))
                .containsExactly("alpha/one", "alpha/two", "mid", "zeta");
        var page = c.get("/v2/_catalog?n=3");
        assertThat(texts(page.json().path("repositories"))).containsExactly("alpha/one", "alpha/two", "mid");
        assertThat(page.header("Link")).isEqualTo("</v2/_catalog?n=3&last=mid>; rel=\"next\"");
        assertThat(texts(c.get("/v2/_catalog?n=3&last=mid").json().path("repositories")))
                .containsExactly("zeta");
    }

    @Test
    void referrersListsManifestsWithSubjectAndFiltersByArtifactType() {
        byte[] subject = utf8(ociImage("ref", "s"));
        Digest sd = Digest.sha256(subject);
        c.put("/v2/ref/manifests/v1", subject, MediaTypes.OCI_MANIFEST);
        String subj = ",\"subject\":" + desc(MediaTypes.OCI_MANIFEST, sd, subject.length);
        byte[] sbom = utf8(image(
                "ref",
                MediaTypes.OCI_MANIFEST,
                "application/vnd.oci.empty.v1+json",
                "application/json",
                "sbom",
                ",\"artifactType\":\"application/vnd.example.sbom.v1\"" + subj
                        + ",\"annotations\":{\"org.example.kind\":\"sbom\"}"));
        byte[] sig = utf8(image(
                "ref",
                MediaTypes.OCI_MANIFEST,
                "application/vnd.example.signature.config.v1+json",
                "application/octet-stream",
                "sig",
                subj));
        var putSbom = c.put("/v2/ref/manifests/" + Digest.sha256(sbom), sbom, MediaTypes.OCI_MANIFEST);
        assertThat(putSbom.status()).isEqualTo(201);
        assertThat(putSbom.header("OCI-Subject")).isEqualTo(sd.toString());
        assertThat(c.put("/v2/ref/manifests/" + Digest.sha256(sig), sig, MediaTypes.OCI_MANIFEST)
                        .header("OCI-Subject"))
                .isEqualTo(sd.toString());
        assertThat(c.put("/v2/ref/manifests/v2", utf8(ociImage("ref", "plain")), MediaTypes.OCI_MANIFEST)
                        .header("OCI-Subject"))
                .isNull();

        var all = c.get("/v2/ref/referrers/" + sd);
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.header("Content-Type")).isEqualTo(MediaTypes.OCI_INDEX);
        JsonNode idx = all.json();
        assertThat(idx.path("schemaVersion").asInt()).isEqualTo(2);
        assertThat(idx.path("mediaType").asText()).isEqualTo(MediaTypes.OCI_INDEX);
        List<String> types = new ArrayList<>();
        idx.path("manifests").forEach(m -> types.add(m.path("artifactType").asText()));
        assertThat(types)
                .containsExactlyInAnyOrder(
                        "application/vnd.example.sbom.v1", "application/vnd.example.signature.config.v1+json");
        assertThat(all.header("OCI-Filters-Applied")).isNull();

        var filtered = c.get("/v2/ref/referrers/" + sd + "?artifactType=application/vnd.example.sbom.v1");
        assertThat(filtered.header("OCI-Filters-Applied")).isEqualTo("artifactType");
        assertThat(filtered.json().path("manifests")).hasSize(1);
        JsonNode one = filtered.json().path("manifests").get(0);
        assertThat(one.path("digest").asText()).isEqualTo(Digest.sha256(sbom).toString());
        assertThat(one.path("size").asLong()).isEqualTo(sbom.length);
        assertThat(one.path("mediaType").asText()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(one.at("/annotations/org.example.kind").asText()).isEqualTo("sbom");

        var none = c.get("/v2/ref/referrers/" + Digest.sha256(utf8("no subject")));
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.json().path("manifests")).isEmpty();
        assertThat(c.get("/v2/ref/referrers/sha256:nothex").status()).isEqualTo(400);

        c.delete("/v2/ref/manifests/" + Digest.sha256(sbom));
        assertThat(c.get("/v2/ref/referrers/" + sd).json().path("manifests")).hasSize(1);
    }

    @Test
    void subjectMayBePushedAfterItsReferrer() {
        Digest missing = Digest.sha256(utf8("subject not yet pushed"));
        byte[] art = utf8(image(
                "late",
                MediaTypes.OCI_MANIFEST,
                "application/vnd.oci.empty.v1+json",
                "application/json",
                "a",
                ",\"subject\":" + desc(MediaTypes.OCI_MANIFEST, missing, 100)));
        var put = c.put("/v2/late/manifests/" + Digest.sha256(art), art, MediaTypes.OCI_MANIFEST);
        assertThat(put.status()).isEqualTo(201);
        assertThat(c.get("/v2/late/referrers/" + missing).json().path("manifests"))
                .hasSize(1);
    }

    @Test
    void referrersArePagedWithLinkHeadersThatKeepTheFilter() {
        byte[] subject = utf8(ociImage("many", "s"));
        Digest sd = Digest.sha256(subject);
        c.put("/v2/many/manifests/v1", subject, MediaTypes.OCI_MANIFEST);
        String subj = ",\"subject\":" + desc(MediaTypes.OCI_MANIFEST, sd, subject.length);
        List<String> sboms = new ArrayList<>();
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String type = i % 2 == 0 ? "application/vnd.example.sbom.v1" : "application/vnd.example.sig.v1";
            byte[] art = utf8(image(
                    "many",
                    MediaTypes.OCI_MANIFEST,
                    "application/vnd.oci.empty.v1+json",
                    "application/json",
                    "a" + i,
                    ",\"artifactType\":\"" + type + "\"" + subj));
            Digest d = Digest.sha256(art);
            assertThat(c.put("/v2/many/manifests/" + d, art, MediaTypes.OCI_MANIFEST)
                            .status())
                    .isEqualTo(201);
            all.add(d.toString());
            if (i % 2 == 0) {
                sboms.add(d.toString());
            }
        }
        all.sort(null);
        sboms.sort(null);

        assertThat(followReferrers("/v2/many/referrers/" + sd + "?n=2", 2)).containsExactlyElementsOf(all);
        assertThat(followReferrers("/v2/many/referrers/" + sd + "?n=1&artifactType=application/vnd.example.sbom.v1", 1))
                .containsExactlyElementsOf(sboms);
        var unpaged = c.get("/v2/many/referrers/" + sd);
        assertThat(unpaged.header("Link")).isNull();
        assertThat(unpaged.json().path("manifests")).hasSize(5);
        var none = c.get("/v2/many/referrers/" + sd + "?n=0");
        assertThat(none.json().path("manifests")).isEmpty();
        assertThat(none.header("Link")).isNull();
    }

    @Test
    void aPageCutByItsSizeLinksToTheNextWithTheClientsOwnN() {
        byte[] subject = utf8(ociImage("big", "s"));
        Digest sd = Digest.sha256(subject);
        c.put("/v2/big/manifests/v1", subject, MediaTypes.OCI_MANIFEST);
        String subj = ",\"subject\":" + desc(MediaTypes.OCI_MANIFEST, sd, subject.length);
        String padding = "x".repeat(1_200_000); // two such descriptors exceed a page's byte budget
        for (int i = 0; i < 3; i++) {
            byte[] art = utf8(image(
                    "big",
                    MediaTypes.OCI_MANIFEST,
                    "application/vnd.oci.empty.v1+json",
                    "application/json",
                    "b" + i,
                    ",\"artifactType\":\"application/vnd.example.sig.v1\"" + ",\"annotations\":{\"pad\":\"" + padding
                            + "\"}" + subj));
            assertThat(c.put("/v2/big/manifests/" + Digest.sha256(art), art, MediaTypes.OCI_MANIFEST)
                            .status())
                    .isEqualTo(201);
        }
        var asked = c.get("/v2/big/referrers/" + sd + "?n=5");
        assertThat(asked.json().path("manifests")).hasSize(1);
        assertThat(asked.header("Link")).contains("?n=5&last=");
        var unasked = c.get("/v2/big/referrers/" + sd);
        assertThat(unasked.json().path("manifests")).hasSize(1);
        assertThat(unasked.header("Link")).contains("?last=").doesNotContain("n=");
        String next = unasked.header("Link").substring(1, unasked.header("Link").indexOf('>'));
        assertThat(c.get(next).json().path("manifests")).hasSize(1);
    }

    /** Follows rel="next" links from {@code path}; every page but the last has {@code pageSize} entries. */
    private List<String> followReferrers(String path, int pageSize) {
        List<String> seen = new ArrayList<>();
        String next = path;
        for (int pages = 0; next != null; pages++) {
            assertThat(pages).as("too many pages").isLessThan(10);
            var r = c.get(next);
            assertThat(r.status()).isEqualTo(200);
            List<String> page = new ArrayList<>();
            r.json().path("manifests").forEach(m -> page.add(m.path("digest").asText()));
            String link = r.header("Link");
            if (link != null) {
                assertThat(page).hasSize(pageSize);
                assertThat(link).endsWith(">; rel=\"next\"");
                if (path.contains("artifactType=")) {
                    assertThat(link).contains("artifactType=application%2Fvnd.example.sbom.v1");
                    assertThat(r.header("OCI-Filters-Applied")).isEqualTo("artifactType");
                }
                next = link.substring(1, link.indexOf('>'));
            } else {
                next = null;
            }
            seen.addAll(page);
        }
        return seen;
    }

    @Test
    void acceptHeaderDecidesWhatAClientThatCannotReadTheStoredTypeGets() {
        byte[] oci = utf8(ociImage("neg", "o"));
        Digest od = Digest.sha256(oci);
        c.put("/v2/neg/manifests/oci", oci, MediaTypes.OCI_MANIFEST);
        String dockerOnly = MediaTypes.DOCKER_MANIFEST + ", " + MediaTypes.DOCKER_MANIFEST_LIST;

        var refused = c.get("/v2/neg/manifests/oci", java.util.Map.of("Accept", dockerOnly));
        assertThat(refused.status()).isEqualTo(404);
        assertThat(refused.errorCodes()).containsExactly("MANIFEST_UNKNOWN");
        assertThat(refused.text()).contains("accept header does not support OCI manifests");
        // With the type among others (weights ignored), with a wildcard, or without Accept: served as stored.
        for (var h : List.of(
                java.util.Map.of("Accept", dockerOnly + ", " + MediaTypes.OCI_MANIFEST + ";q=0.5"),
                java.util.Map.of("Accept", "*/*"),
                java.util.Map.<String, String>of())) {
            var ok = c.get("/v2/neg/manifests/oci", h);
            assertThat(ok.status()).as("%s", h).isEqualTo(200);
            assertThat(ok.body()).isEqualTo(oci);
        }

        String index = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
                + desc(MediaTypes.OCI_MANIFEST, od, oci.length) + "]}";
        c.put("/v2/neg/manifests/idx", utf8(index), MediaTypes.OCI_INDEX);
        var idx = c.get("/v2/neg/manifests/idx", java.util.Map.of("Accept", MediaTypes.OCI_MANIFEST));
        assertThat(idx.status()).isEqualTo(404);
        assertThat(idx.text()).contains("OCI index found");

        // A schema2-only client asking for a Docker manifest list by tag gets its linux/amd64 manifest.
        byte[] arm = utf8(image(
                "neg",
                MediaTypes.DOCKER_MANIFEST,
                "application/vnd.docker.container.image.v1+json",
                "application/vnd.docker.image.rootfs.diff.tar.gzip",
                "arm",
                ""));
        byte[] amd = utf8(image(
                "neg",
                MediaTypes.DOCKER_MANIFEST,
                "application/vnd.docker.container.image.v1+json",
                "application/vnd.docker.image.rootfs.diff.tar.gzip",
                "amd",
                ""));
        Digest armD = Digest.sha256(arm);
        Digest amdD = Digest.sha256(amd);
        c.put("/v2/neg/manifests/" + armD, arm, MediaTypes.DOCKER_MANIFEST);
        c.put("/v2/neg/manifests/" + amdD, amd, MediaTypes.DOCKER_MANIFEST);
        String list = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST_LIST + "\",\"manifests\":["
                + "{\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST + "\",\"digest\":\"" + armD + "\",\"size\":"
                + arm.length
                + ",\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}},"
                + "{\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST + "\",\"digest\":\"" + amdD + "\",\"size\":"
                + amd.length
                + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}";
        Digest listD = Digest.sha256(utf8(list));
        c.put("/v2/neg/manifests/multi", utf8(list), MediaTypes.DOCKER_MANIFEST_LIST);
        var old = c.get("/v2/neg/manifests/multi", java.util.Map.of("Accept", MediaTypes.DOCKER_MANIFEST));
        assertThat(old.status()).isEqualTo(200);
        assertThat(old.body()).isEqualTo(amd);
        assertThat(old.header("Content-Type")).isEqualTo(MediaTypes.DOCKER_MANIFEST);
        assertThat(old.header("Docker-Content-Digest")).isEqualTo(amdD.toString());
        // By digest the list itself comes back, as in distribution.
        assertThat(c.get("/v2/neg/manifests/" + listD, java.util.Map.of("Accept", MediaTypes.DOCKER_MANIFEST))
                        .header("Docker-Content-Digest"))
                .isEqualTo(listD.toString());
        var current = c.get("/v2/neg/manifests/multi", java.util.Map.of("Accept", dockerOnly));
        assertThat(current.header("Docker-Content-Digest")).isEqualTo(listD.toString());
    }

    @Test
    void ifNoneMatchWithTheDigestAnswersNotModified() {
        byte[] oci = utf8(ociImage("etag", "e"));
        Digest d = Digest.sha256(oci);
        c.put("/v2/etag/manifests/v1", oci, MediaTypes.OCI_MANIFEST);
        var same = c.get("/v2/etag/manifests/v1", java.util.Map.of("If-None-Match", "\"" + d + "\""));
        assertThat(same.status()).isEqualTo(304);
        assertThat(same.body()).isEmpty();
        var other = c.get(
                "/v2/etag/manifests/v1", java.util.Map.of("If-None-Match", "\"" + Digest.sha256(utf8("x")) + "\""));
        assertThat(other.status()).isEqualTo(200);
        assertThat(other.body()).isEqualTo(oci);
    }

    static List<String> texts(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(n -> out.add(n.asText()));
        return out;
    }
}
