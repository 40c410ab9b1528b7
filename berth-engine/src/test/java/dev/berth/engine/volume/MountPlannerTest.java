package dev.berth.engine.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountPlannerTest {
    @TempDir
    Path dir;

    private static List<MountPlanner.Planned> plan(
            List<String> volumes, List<String> binds, List<MountRequest> mounts, List<String> tmpfs) {
        return MountPlanner.plan(
                new MountPlanner.Request(volumes, binds, mounts, List.of(), tmpfs),
                ref -> {
                    throw BerthException.notFound("No such container: %s", ref);
                },
                id -> List.of());
    }

    private static void invalid(String bind, String message) {
        assertThatThrownBy(() -> MountPlanner.parseBind(bind))
                .isInstanceOfSatisfying(
                        BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessageContaining(message);
    }

    @Test
    void bindsAreHostPathsNamedVolumesOrAnonymousVolumes() {
        MountPlanner.Bind named = MountPlanner.parseBind("data:/var/data");
        assertThat(named.isHostPath()).isFalse();
        assertThat(named.source()).isEqualTo("data");
        assertThat(named.destination()).isEqualTo("/var/data");
        MountPlanner.Bind host = MountPlanner.parseBind("/srv:/srv/:ro,rshared");
        assertThat(host.isHostPath()).isTrue();
        assertThat(host.readOnly()).isTrue();
        assertThat(host.destination()).isEqualTo("/srv");
        assertThat(host.propagation()).isEqualTo("rshared");
        MountPlanner.Bind anonymous = MountPlanner.parseBind("/cache");
        assertThat(anonymous.source()).isEmpty();
        assertThat(MountPlanner.parseBind("vv:/d:nocopy").copyData()).isFalse();
    }

    @Test
    void malformedBindsAreRefusedWithDockersMessages() {
        invalid("/foo:rw", "invalid volume specification: '/foo:rw'");
        invalid("a:/b:ro:x", "invalid volume specification: 'a:/b:ro:x'");
        invalid(":/b", "invalid volume specification: ':/b'");
        invalid("v:/d:bogus", "invalid mode: bogus");
        invalid("v:/d:ro,rw", "invalid mode: ro,rw");
        invalid(
                "v:relative",
                "invalid mount config for type \"volume\": invalid mount path: 'relative' mount path must be absolute");
        invalid("/h:/", "invalid mount config for type \"bind\": invalid specification: destination can't be '/'");
        invalid("bad@name:/d", "\"bad@name\" includes invalid characters for a local volume name");
    }

    @Test
    void configVolumesBecomeAnonymousWhereNothingElseIsMounted() {
        List<MountPlanner.Planned> points = plan(
                List.of("/data", "/cache/", "/tmp", "/host"),
                List.of("named:/data", "/srv:/host"),
                List.of(),
                List.of("/tmp"));
        assertThat(points).extracting(p -> p.point().destination()).containsExactly("/data", "/cache");
        MountPoint data = points.get(0).point();
        assertThat(data.volumeName()).isEqualTo("named");
        assertThat(data.mode()).isEqualTo("z");
        assertThat(data.named()).isTrue();
        MountPoint cache = points.get(1).point();
        assertThat(cache.volumeName()).isNull();
        assertThat(cache.mode()).isEmpty();
        assertThat(cache.named()).isFalse();
        assertThat(points.get(1).copyData()).isTrue();
    }

    @Test
    void duplicateDestinationsAreRefused() {
        assertThatThrownBy(() -> plan(List.of(), List.of("aa:/d", "bb:/d"), List.of(), List.of()))
                .hasMessage("Duplicate mount point: /d");
        MountRequest volume = new MountRequest("volume", "cc", "/d", false, null, null, null, null);
        assertThatThrownBy(() -> plan(List.of(), List.of("aa:/d"), List.of(volume), List.of()))
                .hasMessage("Duplicate mount point: /d");
    }

    @Test
    void mountsOfEachTypeAreCheckedAndPlanned() {
        MountRequest anonymous = new MountRequest(
                "volume",
                null,
                "/v",
                true,
                null,
                null,
                new MountRequest.VolumeOptions(true, Map.of("k", "v"), null, null),
                null);
        MountRequest tmpfs = new MountRequest(
                "tmpfs", null, "/t", false, null, null, null, new MountRequest.TmpfsOptions(1 << 20, 0700, null));
        MountRequest bind = new MountRequest(
                "bind",
                dir.toString(),
                "/b",
                false,
                null,
                new MountRequest.BindOptions("rslave", false, false),
                null,
                null);
        List<MountPlanner.Planned> points = plan(List.of(), List.of(), List.of(anonymous, tmpfs, bind), List.of());
        assertThat(points.get(0).point().volumeName()).isNull();
        assertThat(points.get(0).point().rw()).isFalse();
        assertThat(points.get(0).copyData()).isFalse();
        assertThat(points.get(0).labels()).containsEntry("k", "v");
        assertThat(points.get(1).point().source()).isEqualTo("size=1048576,mode=700");
        assertThat(points.get(2).point().source()).isEqualTo(dir.toString());
        assertThat(points.get(2).point().propagation()).isEqualTo("rslave");

        MountRequest missing =
                new MountRequest("bind", dir.resolve("nope").toString(), "/b", false, null, null, null, null);
        assertThatThrownBy(() -> plan(List.of(), List.of(), List.of(missing), List.of()))
                .hasMessage("invalid mount config for type \"bind\": bind source path does not exist: "
                        + dir.resolve("nope"));
        MountRequest tmpfsWithSource = new MountRequest("tmpfs", "x", "/t", false, null, null, null, null);
        assertThatThrownBy(() -> plan(List.of(), List.of(), List.of(tmpfsWithSource), List.of()))
                .hasMessage("invalid mount config for type \"tmpfs\": field Source must not be specified");
        MountRequest noTarget = new MountRequest("volume", "xx", "", false, null, null, null, null);
        assertThatThrownBy(() -> plan(List.of(), List.of(), List.of(noTarget), List.of()))
                .hasMessage("invalid mount config for type \"volume\": field Target must not be empty");
        MountRequest plugin = new MountRequest(
                "volume",
                "xx",
                "/x",
                false,
                null,
                null,
                new MountRequest.VolumeOptions(false, null, new MountRequest.DriverConfig("nfs-plugin", null), null),
                null);
        assertThatThrownBy(() -> plan(List.of(), List.of(), List.of(plugin), List.of()))
                .isInstanceOfSatisfying(
                        BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
    }

    @Test
    void volumesFromCopiesTheOtherContainersMountsAndBindsOverrideThem() {
        MountPoint theirs = new MountPoint(MountPoint.VOLUME, "shared", "", "/s", "z", true, "", true);
        MountPoint other = new MountPoint(MountPoint.VOLUME, "other", "", "/o", "z", true, "", true);
        List<MountPlanner.Planned> points = MountPlanner.plan(
                new MountPlanner.Request(List.of(), List.of("mine:/o"), List.of(), List.of("src:ro"), List.of()),
                ref -> new MountPlanner.Source("id-" + ref, List.of("/etc:/host-etc")),
                id -> id.equals("id-src") ? List.of(theirs, other) : List.of());
        assertThat(points).extracting(p -> p.point().destination()).containsExactlyInAnyOrder("/s", "/o", "/host-etc");
        MountPlanner.Planned s = points.stream()
                .filter(p -> p.point().destination().equals("/s"))
                .findFirst()
                .orElseThrow();
        assertThat(s.point().rw()).isFalse();
        assertThat(s.copyData()).isFalse();
        MountPlanner.Planned o = points.stream()
                .filter(p -> p.point().destination().equals("/o"))
                .findFirst()
                .orElseThrow();
        assertThat(o.point().volumeName()).isEqualTo("mine");
        assertThatThrownBy(() -> MountPlanner.plan(
                        new MountPlanner.Request(List.of(), List.of(), List.of(), List.of("gone"), List.of()),
                        ref -> {
                            throw BerthException.notFound("No such container: %s", ref);
                        },
                        id -> List.of()))
                .hasMessage("No such container: gone");
    }
}
