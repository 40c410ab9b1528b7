package dev.berth.engine.image;

import static dev.berth.engine.image.ImageLoaderTest.APP;
import static dev.berth.engine.image.ImageLoaderTest.BASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.testing.TestImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageQueriesTest {
    @TempDir
    Path dir;

    ImageFixture f;
    Digest old;
    Digest mid;
    Digest recent;

    @BeforeEach
    void setUp() {
        f = new ImageFixture(dir);
        TestImage labelled = TestImage.builder()
                .layer(APP)
                .created("2024-06-01T00:00:00Z")
                .labels(Map.of("tier", "web", "team", "a"))
                .cmd("run")
                .tags("web/app:v1")
                .build();
        old = f.load(TestImage.dockerSave(List.of(TestImage.of(
                        List.of(BASE),
                        "2023-01-01T00:00:00Z",
                        List.of("busybox:latest", "localhost:5000/tools/busybox:1.36")))))
                .getFirst()
                .id();
        mid = f.load(labelled.dockerSave()).getFirst().id();
        recent = f.load(TestImage.dockerSave(
                        List.of(TestImage.of(List.of(BASE, APP), "2025-01-01T00:00:00Z", List.of()))))
                .getFirst()
                .id();
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private List<Digest> ids(Map<String, List<String>> filters) {
        return f.services.queries().list(filters, false, false).stream()
                .map(ImageSummary::id)
                .toList();
    }

    @Test
    void listsNewestFirstWithFamiliarTags() {
        List<ImageSummary> all = f.services.queries().list(Map.of(), false, false);
        assertThat(all).extracting(ImageSummary::id).containsExactly(recent, mid, old);
        assertThat(all.get(2).repoTags()).containsExactly("busybox:latest", "localhost:5000/tools/busybox:1.36");
        assertThat(all.get(0).repoTags()).isEmpty();
        assertThat(all.get(1).labels()).containsEntry("tier", "web");
        assertThat(all.get(2).size())
                .isEqualTo(BASE.length > 0 ? "shell".length() + "root:x:0:0::/root:/bin/sh\n".length() : 0);
    }

    @Test
    void filtersLikeDocker() {
        assertThat(ids(Map.of("dangling", List.of("true")))).containsExactly(recent);
        assertThat(ids(Map.of("dangling", List.of("false")))).containsExactly(mid, old);
        assertThat(ids(Map.of("reference", List.of("busy*")))).containsExactly(old);
        assertThat(ids(Map.of("reference", List.of("*/app:v?")))).containsExactly(mid);
        assertThat(ids(Map.of("reference", List.of("localhost:5000/*/busybox"))))
                .containsExactly(old);
        assertThat(ids(Map.of("label", List.of("tier=web")))).containsExactly(mid);
        assertThat(ids(Map.of("label", List.of("tier=db")))).isEmpty();
        assertThat(ids(Map.of("before", List.of("web/app:v1")))).containsExactly(old);
        assertThat(ids(Map.of("since", List.of("busybox")))).containsExactly(recent, mid);
        assertThat(ids(Map.of("until", List.of("2024-01-01T00:00:00Z")))).containsExactly(old);
    }

    @Test
    void referenceFilterShowsOnlyMatchingTags() {
        ImageSummary s = f.services
                .queries()
                .list(Map.of("reference", List.of("busybox")), false, false)
                .getFirst();
        assertThat(s.repoTags()).containsExactly("busybox:latest");
    }

    @Test
    void badFiltersAreRejected() {
        assertThatThrownBy(() -> ids(Map.of("colour", List.of("x")))).hasMessage("invalid filter 'colour'");
        assertThatThrownBy(() -> ids(Map.of("dangling", List.of("maybe"))))
                .hasMessage("invalid filter 'dangling=maybe'");
        assertThatThrownBy(() -> ids(Map.of("before", List.of("nope"))))
                .isInstanceOf(BerthException.class)
                .hasMessage("No such image: nope:latest");
    }

    @Test
    void inspectShowsDockerFields() {
        ImageDetails d = f.services.queries().inspect("web/app:v1");
        assertThat(d.id()).isEqualTo(mid);
        assertThat(d.repoTags()).containsExactly("web/app:v1");
        assertThat(d.config().cmd()).containsExactly("run");
        assertThat(d.architecture()).isEqualTo("amd64");
        assertThat(d.os()).isEqualTo("linux");
        assertThat(d.layers()).containsExactly(Digest.sha256(APP));
        assertThat(d.created()).isEqualTo("2024-06-01T00:00:00Z");
        assertThat(d.graphDriver()).isEqualTo("vfs");
        assertThat(d.lastTagTime()).isNull();
        f.services.tags().tag("web/app:v1", "web/app", "v2");
        assertThat(f.services.queries().inspect(mid.hex().substring(0, 8)).lastTagTime())
                .isNotNull();
    }

    @Test
    void lookupByIdPrefixReferenceAndDigestForms() {
        assertThat(f.services.resolver().resolve(old.hex())).isEqualTo(old);
        assertThat(f.services.resolver().resolve(old.toString())).isEqualTo(old);
        assertThat(f.services.resolver().resolve("sha256:" + old.hex().substring(0, 10)))
                .isEqualTo(old);
        assertThat(f.services.resolver().resolve("docker.io/library/busybox:latest"))
                .isEqualTo(old);
        assertThatThrownBy(() -> f.services.resolver().resolve("Busybox")).hasMessageContaining("must be lowercase");
    }

    @Test
    void anAmbiguousIdPrefixIsNoSuchImage() {
        // 17 images: two of them share their first hex digit
        Map<Character, Digest> byFirst = new java.util.HashMap<>();
        Digest twin = null;
        for (int i = 0; twin == null; i++) {
            Digest d = f.load(TestImage.dockerSave(List.of(TestImage.of(
                            List.of(BASE), "2020-01-01T00:00:" + String.format("%02d", i) + "Z", List.of()))))
                    .getFirst()
                    .id();
            twin = byFirst.putIfAbsent(d.hex().charAt(0), d);
        }
        String prefix = twin.hex().substring(0, 1);

        assertThatThrownBy(() -> f.services.resolver().resolve(prefix))
                .hasMessageStartingWith("No such image: " + prefix)
                .extracting(e -> ((BerthException) e).kind())
                .isEqualTo(dev.berth.core.error.ErrorKind.NOT_FOUND);
        assertThat(f.services.resolver().resolve(twin.hex().substring(0, 12))).isEqualTo(twin);
    }

    @Test
    void historyIsNewestFirstWithTheImageIdOnTop() {
        List<HistoryItem> h = f.services.queries().history("busybox");
        assertThat(h).hasSize(2);
        assertThat(h.get(0).id()).isEqualTo(old.toString());
        assertThat(h.get(0).createdBy()).isEqualTo("CMD [sh]");
        assertThat(h.get(0).size()).isZero();
        assertThat(h.get(0).tags()).containsExactly("busybox:latest", "localhost:5000/tools/busybox:1.36");
        assertThat(h.get(1).id()).isEqualTo("<missing>");
        assertThat(h.get(1).size()).isPositive();
    }

    @Test
    void diskUsageCountsSharedLayers() {
        ImageDiskUsage.Usage usage = f.services.diskUsage().usage();
        ImageSummary recentUsage = usage.images().stream()
                .filter(i -> i.id().equals(recent))
                .findFirst()
                .orElseThrow();
        ImageSummary oldUsage = usage.images().stream()
                .filter(i -> i.id().equals(old))
                .findFirst()
                .orElseThrow();
        assertThat(oldUsage.sharedSize()).isEqualTo(oldUsage.size());
        assertThat(recentUsage.sharedSize()).isEqualTo(oldUsage.size());
        assertThat(recentUsage.containers()).isZero();
        assertThat(usage.layersSize()).isPositive();
    }
}
