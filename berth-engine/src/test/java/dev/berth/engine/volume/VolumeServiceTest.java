package dev.berth.engine.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.engine.event.Event;
import dev.berth.engine.event.EventBus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local volume service on a temporary data root (no root needed: no device options, no copy-up mounts). */
class VolumeServiceTest {
    @TempDir
    Path dir;

    MetadataStore db;
    EventBus bus;
    VolumeService volumes;
    ContainerVolumes containers;
    final List<Event> events = new ArrayList<>();

    @BeforeEach
    void setUp() {
        db = MetadataStore.open(dir.resolve("metadata.db"));
        bus = new EventBus();
        bus.subscribe(events::add);
        volumes = new VolumeService(db, dir, bus, Clock.systemUTC());
        containers = new ContainerVolumes(volumes);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private static MountPlanner.Planned volume(String name, String destination) {
        return new MountPlanner.Planned(
                new MountPoint(MountPoint.VOLUME, name, "", destination, "z", true, "", name != null),
                false,
                null,
                null);
    }

    private static ContainerVolumes.ImageRoot noImage() {
        return d -> {
            throw new AssertionError("no copy-up expected");
        };
    }

    @Test
    void createMakesTheDirectoryAndTheRowAndIsIdempotent() {
        Volume v = volumes.create("data", null, Map.of("a", "b"), null);
        assertThat(v.mountpoint()).isEqualTo(dir.resolve("volumes/data/_data")).isDirectory();
        assertThat(volumes.inspect("data").labels()).containsEntry("a", "b");
        assertThat(volumes.create("data", "local", Map.of(), Map.of()).created())
                .isEqualTo(v.created());
        assertThat(events).extracting(Event::action).containsExactly("create");
        Volume anonymous = volumes.create(null, null, null, null);
        assertThat(anonymous.name()).matches("[0-9a-f]{64}");
        assertThat(anonymous.anonymous()).isTrue();
        assertThat(anonymous.labels()).containsKey(Volume.ANONYMOUS_LABEL);
    }

    @Test
    void refusedCreatesLeaveNoDirectoryAndNoRow() throws Exception {
        assertThatThrownBy(() -> volumes.create("x1", "nfs", null, null))
                .isInstanceOfSatisfying(
                        BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
        assertThatThrownBy(() -> volumes.create("x2", null, null, Map.of("type", "tmpfs")))
                .hasMessage("create x2: missing required option: \"device\"");
        assertThatThrownBy(() -> volumes.create("x3", null, null, Map.of("colour", "red")))
                .hasMessage("create x3: invalid option: \"colour\"");
        assertThatThrownBy(() -> volumes.create("-x", null, null, null))
                .isInstanceOfSatisfying(
                        BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
        try (var files = Files.list(dir.resolve("volumes"))) {
            assertThat(files.toList()).isEmpty();
        }
        assertThat(volumes.list(Map.of())).isEmpty();
    }

    @Test
    void aVolumeWithAMountPointCannotBeRemovedUntilItsContainerLetsGo() {
        volumes.create("busy", null, null, null);
        containers.attach("c1", List.of(volume("busy", "/d")), noImage());
        assertThatThrownBy(() -> volumes.remove("busy", true))
                .isInstanceOfSatisfying(
                        BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT))
                .hasMessage("remove busy: volume is in use - [c1]");
        assertThat(volumes.list(Map.of("dangling", List.of("true")))).isEmpty();
        containers.detach("c1", true);
        assertThat(volumes.list(Map.of("dangling", List.of("true"))))
                .extracting(Volume::name)
                .containsExactly("busy");
        volumes.remove("busy", false);
        assertThat(dir.resolve("volumes/busy")).doesNotExist();
        assertThatThrownBy(() -> volumes.remove("busy", false)).hasMessage("get busy: no such volume");
        volumes.remove("busy", true);
        assertThat(events).extracting(Event::action).containsExactly("create", "destroy");
    }

    @Test
    void detachWithVolumesRemovesOnlyAnonymousVolumesNobodyElseUses() {
        List<MountPoint> mine = containers.attach(
                "c1", List.of(volume(null, "/a"), volume(null, "/b"), volume("named", "/n")), noImage());
        String a = mine.get(0).volumeName();
        String b = mine.get(1).volumeName();
        containers.attach("c2", List.of(new MountPlanner.Planned(mine.get(1), false, null, null)), noImage());
        containers.detach("c1", true);
        assertThat(volumes.list(Map.of())).extracting(Volume::name).containsExactlyInAnyOrder(b, "named");
        assertThat(volumes.list(Map.of())).extracting(Volume::name).doesNotContain(a);
        containers.detach("c2", false);
        assertThat(volumes.list(Map.of())).extracting(Volume::name).containsExactlyInAnyOrder(b, "named");
    }

    @Test
    void mountsByContainerHoldsEachContainersMountsAsMountsOfReadsThem() {
        containers.attach("c1", List.of(volume("z", "/z"), volume("a", "/a")), noImage());
        containers.attach("c2", List.of(volume("a", "/data")), noImage());
        Map<String, List<MountPoint>> all = containers.mountsByContainer();
        assertThat(all).containsOnlyKeys("c1", "c2");
        assertThat(all.get("c1")).isEqualTo(containers.mountsOf("c1"));
        assertThat(all.get("c1")).extracting(MountPoint::destination).containsExactly("/a", "/z");
        assertThat(all.get("c2")).isEqualTo(containers.mountsOf("c2"));
    }

    @Test
    void pruneTakesAnonymousUnusedVolumesUnlessAllIsAsked() {
        String anonymous = volumes.create(null, null, null, null).name();
        volumes.create("named", null, Map.of("keep", "yes"), null);
        volumes.create("used", null, null, null);
        containers.attach("c1", List.of(volume("used", "/u")), noImage());
        assertThat(volumes.prune(Map.of()).deleted()).containsExactly(anonymous);
        assertThat(volumes.prune(Map.of("all", List.of("true"), "label!", List.of("keep")))
                        .deleted())
                .isEmpty();
        assertThat(volumes.prune(Map.of("all", List.of("true"))).deleted()).containsExactly("named");
        assertThat(volumes.list(Map.of())).extracting(Volume::name).containsExactly("used");
        assertThatThrownBy(() -> volumes.prune(Map.of("until", List.of("1h")))).hasMessage("invalid filter 'until'");
    }

    @Test
    void listFiltersByNamePatternLabelAndDriver() {
        volumes.create("web-data", null, Map.of("tier", "web"), null);
        volumes.create("db-data", null, Map.of("tier", "db"), null);
        assertThat(volumes.list(Map.of("name", List.of("^web"))))
                .extracting(Volume::name)
                .containsExactly("web-data");
        assertThat(volumes.list(Map.of("label", List.of("tier=db"))))
                .extracting(Volume::name)
                .containsExactly("db-data");
        assertThat(volumes.list(Map.of("label", List.of("tier")))).hasSize(2);
        assertThat(volumes.list(Map.of("driver", List.of("nfs")))).isEmpty();
        assertThatThrownBy(() -> volumes.list(Map.of("dangling", List.of("maybe"))))
                .hasMessage("invalid filter 'dangling=maybe'");
        assertThatThrownBy(() -> volumes.list(Map.of("colour", List.of("x")))).hasMessage("invalid filter 'colour'");
    }

    @Test
    void usageCountsBytesAndReferences() throws Exception {
        Volume v = volumes.create("sized", null, null, null);
        Files.write(v.mountpoint().resolve("f"), new byte[1234]);
        Files.createLink(v.mountpoint().resolve("g"), v.mountpoint().resolve("f"));
        containers.attach("c1", List.of(volume("sized", "/s")), noImage());
        VolumeService.Usage u = volumes.usage().getFirst();
        assertThat(u.size()).isEqualTo(1234);
        assertThat(u.refCount()).isEqualTo(1);
    }

    @Test
    void startUpCheckRemovesLeftoversAndRepairsMissingDirectories() throws Exception {
        volumes.create("kept", null, null, null);
        volumes.create("hollow", null, null, null);
        containers.attach("never-created", List.of(volume("kept", "/k")), noImage());
        String orphan = containers
                .attach("never-created", List.of(volume(null, "/o")), noImage())
                .getFirst()
                .volumeName();
        Files.createDirectories(dir.resolve("volumes/.new-abc/_data"));
        Files.createDirectories(dir.resolve("volumes/stray/_data"));
        Files.writeString(dir.resolve("volumes/stray/_data/f"), "x");
        dev.berth.core.io.Trees.delete(dir.resolve("volumes/hollow"));

        VolumeService.Report report = volumes.startupCheck();
        assertThat(dir.resolve("volumes/.new-abc")).doesNotExist();
        assertThat(dir.resolve("volumes/stray")).doesNotExist();
        assertThat(dir.resolve("volumes/hollow/_data")).isDirectory();
        assertThat(report.repaired())
                .singleElement()
                .asString()
                .contains(dir.resolve("volumes/hollow/_data").toString());
        assertThat(volumes.users("kept")).isEmpty();
        assertThat(volumes.list(Map.of())).extracting(Volume::name).containsExactlyInAnyOrder("kept", "hollow");
        assertThat(dir.resolve("volumes").resolve(orphan)).doesNotExist();
        assertThat(dir.resolve("volumes/kept/_data")).isDirectory();
    }
}
