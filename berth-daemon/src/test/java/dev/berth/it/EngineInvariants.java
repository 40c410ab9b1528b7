package dev.berth.it;

import dev.berth.runtime.shim.ShimProcesses;
import dev.berth.testing.MountTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a Berth data root, exec root and host must look like when nothing is in flight (after a
 * restart, or between operations): everything on disk, in the kernel and in the process table is
 * explained by a committed row, and every container's state agrees with its processes and its
 * freezer. The crash campaign ({@link CrashConsistencyIT}) runs it after every kill.
 *
 * <p>Each {@link Invariant} is one small check over one {@link EngineState}; a new kind of state a
 * crash must not leak (veths, IPAM rows, iptables chains of a network) is one more invariant added
 * to {@link #all()}, reading the rows it needs through {@link EngineState#query}.
 */
final class EngineInvariants {
    /** One check: adds a line per problem found, naming the object and the row that should explain it. */
    interface Invariant {
        void check(EngineState state, List<String> problems);
    }

    private static final List<String> CGROUP_CONTROLLERS =
            List.of("freezer", "memory", "pids", "cpu", "cpuacct", "cpuset", "blkio", "devices");

    private EngineInvariants() {}

    static List<Invariant> all() {
        return List.of(
                EngineInvariants::shimsBelongToLiveContainers,
                EngineInvariants::containerStatesMatchTheirProcesses,
                EngineInvariants::cgroupsBelongToLiveContainers,
                EngineInvariants::nothingMountedUnderTheRoots,
                EngineInvariants::snapshotsHaveRows,
                EngineInvariants::blobsHaveRows,
                EngineInvariants::layerRowsAreReferenced,
                EngineInvariants::runDirectoriesHaveLiveContainers,
                EngineInvariants::containerDirectoriesHaveRows,
                EngineInvariants::volumeDirectoriesHaveRows,
                EngineInvariants::mountPointsHaveContainers,
                EngineInvariants::networkLeasesBelongToLiveContainers);
    }

    /** Every problem {@link #all()} finds in {@code daemon}'s state; {@code seenIds} grows by the containers it sees. */
    static List<String> check(BerthDaemon daemon, Set<String> seenIds) {
        EngineState state = EngineState.read(daemon, seenIds);
        List<String> problems = new ArrayList<>();
        for (Invariant invariant : all()) {
            invariant.check(state, problems);
        }
        return problems;
    }

    /** A container row's columns the checks use. */
    record ContainerRow(String id, String state, long pid, long shimPid, String snapshotKey) {
        boolean alive() {
            return state.equals("running") || state.equals("paused");
        }
    }

    /** The daemon's rows and directories, read once per check. */
    record EngineState(Path dataRoot, Path execRoot, Map<String, ContainerRow> containers, Set<String> seenIds) {
        static EngineState read(BerthDaemon daemon, Set<String> seenIds) {
            Map<String, ContainerRow> containers = new HashMap<>();
            EngineState state = new EngineState(daemon.dataRoot(), daemon.execRoot(), containers, seenIds);
            for (List<String> r : state.query("SELECT id, state, pid, shim_pid, snapshot_key FROM containers")) {
                containers.put(
                        r.get(0),
                        new ContainerRow(
                                r.get(0), r.get(1), Long.parseLong(r.get(2)), Long.parseLong(r.get(3)), r.get(4)));
            }
            seenIds.addAll(containers.keySet());
            return state;
        }

        /** Rows of a read-only query on metadata.db (WAL: the running daemon is not disturbed), as text. */
        List<List<String>> query(String sql) {
            Path db = dataRoot.resolve("metadata.db");
            List<List<String>> rows = new ArrayList<>();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(sql)) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= columns; i++) {
                        row.add(rs.getString(i));
                    }
                    rows.add(row);
                }
            } catch (SQLException e) {
                throw new AssertionError("cannot read " + db + ": " + e.getMessage(), e);
            }
            return rows;
        }

        Set<String> column(String sql) {
            Set<String> out = new HashSet<>();
            query(sql).forEach(r -> {
                if (r.getFirst() != null) {
                    out.add(r.getFirst());
                }
            });
            return out;
        }
    }

    /**
     * berth-shim processes of this daemon (their plan lies in its exec root), by container ID: found
     * as start-up finds them ({@link ShimProcesses}), by their executable and arguments, not rows.
     */
    static Map<Long, String> shims(Path execRoot) {
        Map<Long, String> out = new HashMap<>();
        ShimProcesses.below(execRoot.resolve("containers"))
                .forEach((id, processes) -> processes.forEach(p -> out.put(p.pid(), id)));
        return out;
    }

    private static Path cgroup(String controller, String id) {
        return Path.of("/sys/fs/cgroup", controller, "berth", id);
    }

    /** The processes in a container's cgroup (the pids controller holds every one of them). */
    static List<String> cgroupProcesses(String id) {
        Path procs = cgroup("pids", id).resolve("cgroup.procs");
        try {
            return Files.exists(procs)
                    ? Files.readAllLines(procs).stream()
                            .filter(l -> !l.isBlank())
                            .toList()
                    : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static Optional<String> freezerState(String id) {
        try {
            return Optional.of(Files.readString(cgroup("freezer", id).resolve("freezer.state"))
                    .strip());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean processAlive(long pid) {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    static void shimsBelongToLiveContainers(EngineState s, List<String> problems) {
        shims(s.execRoot()).forEach((pid, id) -> {
            ContainerRow row = s.containers().get(id);
            if (row == null) {
                problems.add("shim " + pid + " runs for container " + id + ", which has no row");
            } else if (!row.alive()) {
                problems.add("shim " + pid + " runs for container " + id + ", whose row says " + row.state());
            }
        });
    }

    static void containerStatesMatchTheirProcesses(EngineState s, List<String> problems) {
        for (ContainerRow c : s.containers().values()) {
            List<String> procs = cgroupProcesses(c.id());
            if (c.alive()) {
                if (!processAlive(c.pid()) || !processAlive(c.shimPid())) {
                    problems.add("container " + c.id() + " is " + c.state() + " but its process " + c.pid()
                            + " or shim " + c.shimPid() + " is gone");
                }
                String expected = c.state().equals("paused") ? "FROZEN" : "THAWED";
                Optional<String> freezer = freezerState(c.id());
                if (freezer.isPresent() && !freezer.get().equals(expected)) {
                    problems.add("container " + c.id() + " is " + c.state() + " but its freezer says " + freezer.get());
                }
            } else if (!procs.isEmpty()) {
                problems.add(
                        "container " + c.id() + " is " + c.state() + " but processes " + procs + " run in its cgroup");
            }
        }
    }

    static void cgroupsBelongToLiveContainers(EngineState s, List<String> problems) {
        for (String id : s.seenIds()) {
            ContainerRow row = s.containers().get(id);
            if (row != null && row.alive()) {
                continue;
            }
            for (String controller : CGROUP_CONTROLLERS) {
                if (Files.isDirectory(cgroup(controller, id))) {
                    problems.add("cgroup " + cgroup(controller, id) + " stays for container " + id + ", which "
                            + (row == null ? "has no row" : "is " + row.state()));
                }
            }
        }
    }

    /** Containers run in mount namespaces of their own: nothing of the daemon's stays mounted in the host's. */
    static void nothingMountedUnderTheRoots(EngineState s, List<String> problems) {
        for (Path root : List.of(s.dataRoot(), s.execRoot())) {
            for (String mount : MountTable.under(root)) {
                problems.add("mount " + mount + " that no operation in flight explains");
            }
        }
    }

    static void snapshotsHaveRows(EngineState s, List<String> problems) {
        Set<String> keys = s.column("SELECT snapshot_key FROM layers UNION SELECT snapshot_key FROM containers");
        for (String name : list(s.dataRoot().resolve("snapshots"))) {
            if (!name.equals("l") && !keys.contains(name)) {
                problems.add("snapshot " + s.dataRoot().resolve("snapshots").resolve(name) + " has no row");
            }
        }
    }

    static void blobsHaveRows(EngineState s, List<String> problems) {
        Set<String> digests = s.column("SELECT config_digest FROM images UNION SELECT blob_digest FROM layers "
                + "UNION SELECT manifest_digest FROM repo_digests UNION SELECT image_manifest FROM repo_digests "
                + "UNION SELECT digest FROM pull_leases");
        Path blobs = s.dataRoot().resolve("content/blobs/sha256");
        for (String hex : list(blobs)) {
            if (!digests.contains("sha256:" + hex)) {
                problems.add("blob " + blobs.resolve(hex) + " has no row");
            }
        }
        for (String ingest : list(s.dataRoot().resolve("content/ingest"))) {
            if (!ingest.startsWith("pull-")) {
                problems.add("partial ingest "
                        + s.dataRoot().resolve("content/ingest").resolve(ingest) + " that no pull resumes");
            }
        }
    }

    static void layerRowsAreReferenced(EngineState s, List<String> problems) {
        for (String chainId : s.column("SELECT chain_id FROM layers l WHERE "
                + "NOT EXISTS (SELECT 1 FROM image_layers il WHERE il.chain_id = l.chain_id) AND "
                + "NOT EXISTS (SELECT 1 FROM layers c WHERE c.parent_chain_id = l.chain_id)")) {
            problems.add("layer row " + chainId + " that no image and no child layer uses");
        }
    }

    /** A run directory holds a live run's fifos and state; a stopped container's only its last state. */
    static void runDirectoriesHaveLiveContainers(EngineState s, List<String> problems) {
        Path runRoot = s.execRoot().resolve("containers");
        for (String id : list(runRoot)) {
            ContainerRow row = s.containers().get(id);
            List<String> files = walk(runRoot.resolve(id));
            if (row == null) {
                problems.add("run directory " + runRoot.resolve(id) + " of a container with no row: " + files);
            } else if (!row.alive()) {
                // the last run's plan and exit status stay until the next start; nothing else does
                List<String> stale =
                        files.stream().filter(f -> !f.startsWith("state/")).toList();
                if (!stale.isEmpty()) {
                    problems.add("run directory " + runRoot.resolve(id) + " of a container that is " + row.state()
                            + ": " + stale);
                }
            } else {
                files.stream()
                        .filter(f -> f.matches(".*commit-.*\\.tar"))
                        .forEach(f -> problems.add("partial commit archive " + f));
            }
        }
    }

    static void containerDirectoriesHaveRows(EngineState s, List<String> problems) {
        for (String id : list(s.dataRoot().resolve("containers"))) {
            if (!s.containers().containsKey(id)) {
                problems.add("container directory "
                        + s.dataRoot().resolve("containers").resolve(id) + " has no row");
            }
        }
    }

    /** A volume create or remove cut short leaves no directory that no volume row names. */
    static void volumeDirectoriesHaveRows(EngineState s, List<String> problems) {
        Set<String> names = s.column("SELECT name FROM volumes");
        for (String name : list(s.dataRoot().resolve("volumes"))) {
            if (!names.contains(name)) {
                problems.add(
                        "volume directory " + s.dataRoot().resolve("volumes").resolve(name) + " has no row");
            }
        }
    }

    /** A container's mount points are written before its row: a create cut short leaves none behind. */
    static void mountPointsHaveContainers(EngineState s, List<String> problems) {
        for (String id : s.column("SELECT DISTINCT container_id FROM container_mounts m WHERE "
                + "NOT EXISTS (SELECT 1 FROM containers c WHERE c.id = m.container_id)")) {
            problems.add("mount points of container " + id + ", which has no row");
        }
    }

    /**
     * Addresses, published ports and veths are held by running containers only: the lease or port
     * row of a container that is not running, or a veth on one of the daemon's bridges that no
     * lease names, is what a crash leaked.
     */
    private static void networkLeasesBelongToLiveContainers(EngineState s, List<String> problems) {
        for (List<String> r :
                s.query("SELECT container_id, ip, interface FROM endpoints WHERE endpoint_id IS NOT NULL")) {
            ContainerRow c = s.containers().get(r.get(0));
            if (c == null || !c.alive()) {
                problems.add("network lease (" + r.get(1) + ", veth " + r.get(2) + ") of container " + r.get(0)
                        + ", which is not running");
            }
        }
        for (List<String> r : s.query("SELECT container_id, host_port FROM port_mappings")) {
            ContainerRow c = s.containers().get(r.get(0));
            if (c == null || !c.alive()) {
                problems.add("published port " + r.get(1) + " of container " + r.get(0) + ", which is not running");
            }
        }
        Set<String> bridges = s.column("SELECT bridge FROM networks WHERE bridge IS NOT NULL");
        Set<String> leased = s.column("SELECT interface FROM endpoints WHERE endpoint_id IS NOT NULL");
        for (String link : list(Path.of("/sys/class/net"))) {
            Path master = Path.of("/sys/class/net", link, "master");
            try {
                String bridge = Files.isSymbolicLink(master)
                        ? Files.readSymbolicLink(master).getFileName().toString()
                        : null;
                if (bridge != null && bridges.contains(bridge) && !leased.contains(link)) {
                    problems.add("veth " + link + " on bridge " + bridge + " has no lease");
                }
            } catch (IOException e) {
                // the link went while it was read: nothing left to explain
            }
        }
    }

    private static List<String> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Regular files and fifos below {@code dir} (not directories), relative names. */
    private static List<String> walk(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !Files.isDirectory(p))
                    .map(p -> dir.relativize(p).toString())
                    .sorted()
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }

    /**
     * The test's safety net: ends every shim of {@code daemon} and the processes of every cgroup of
     * {@code ids}, and removes those cgroups (what a leak the campaign found would leave on the host).
     */
    static void killLeftovers(BerthDaemon daemon, Set<String> ids) {
        shims(daemon.execRoot())
                .keySet()
                .forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        for (String id : ids) {
            try {
                Files.writeString(cgroup("freezer", id).resolve("freezer.state"), "THAWED");
            } catch (IOException ignored) {
                // no freezer cgroup: nothing to thaw
            }
            for (int i = 0; i < 50 && !cgroupProcesses(id).isEmpty(); i++) {
                cgroupProcesses(id)
                        .forEach(p -> ProcessHandle.of(Long.parseLong(p)).ifPresent(ProcessHandle::destroyForcibly));
                sleep(20);
            }
            for (String controller : CGROUP_CONTROLLERS) {
                try {
                    Files.deleteIfExists(cgroup(controller, id));
                } catch (IOException ignored) {
                    // best effort: the host's cgroups are not the test's result
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
