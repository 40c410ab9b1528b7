package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's kill points, each hit on purpose rather than by chance ({@link CrashConsistencyIT}
 * aims at random moments): the daemon is SIGKILLed, the rows, the kernel and the disk are put in
 * the state a kill at one precise moment of an operation leaves, and the restarted daemon must
 * explain or repair all of it ({@link EngineInvariants}) and go on as a user expects.
 */
class KillPointIT {
    private static BerthDaemon daemon;
    private final Set<String> seenIds = new HashSet<>();

    @BeforeAll
    static void startDaemon() {
        daemon = BerthDaemon.start();
        daemon.bootstrapBusybox();
    }

    @AfterAll
    static void stopDaemon() {
        if (daemon != null) {
            daemon.removeAllContainers();
            daemon.close();
        }
    }

    /**
     * A start killed after its shim began and before the running row: the row still says created,
     * and the container's command runs in its cgroup. Start-up ends it; a later start runs one copy.
     */
    @Test
    void aStartKilledBeforeItsRunningRowLeavesNoProcessAndNoCgroup() throws Exception {
        String id = daemon.docker("run", "-d", "--pull", "never", "busybox", "sleep", "1000")
                .ok()
                .strip();
        seenIds.add(id);
        long pid = Long.parseLong(inspect("{{.State.Pid}}", id));

        daemon.kill();
        update("UPDATE containers SET state = 'created', pid = 0, shim_pid = 0 WHERE id = ?", id);
        daemon.restart();

        assertThat(running(pid)).as("the command the interrupted start began").isFalse();
        assertThat(EngineInvariants.shims(daemon.execRoot())).doesNotContainValue(id);
        assertConsistent();

        daemon.docker("start", id).ok();
        assertThat(EngineInvariants.shims(daemon.execRoot()).values().stream()
                        .filter(id::equals)
                        .count())
                .as("shims of " + id)
                .isEqualTo(1);
        assertThat(EngineInvariants.cgroupProcesses(id)).hasSize(1);
        daemon.docker("rm", "-f", id).ok();
        assertConsistent();
    }

    /**
     * A commit killed while it had the container frozen: the row says running and no user paused
     * it, so start-up thaws it, and the container answers exec. And the reverse, a pause the row
     * records but the freezer lost: frozen again.
     */
    @Test
    void theFreezerIsAsTheRowSaysAfterAKill() throws Exception {
        String id = daemon.docker("run", "-d", "--pull", "never", "busybox", "sleep", "1000")
                .ok()
                .strip();
        seenIds.add(id);

        daemon.kill();
        Files.writeString(freezerState(id), "FROZEN");
        daemon.restart();

        assertThat(Files.readString(freezerState(id)).strip()).isEqualTo("THAWED");
        assertThat(inspect("{{.State.Status}}", id)).isEqualTo("running");
        assertThat(daemon.docker("exec", id, "echo", "inside").ok()).isEqualTo("inside\n");
        assertConsistent();

        // a user's pause is the daemon's to keep across a kill, also one an unpause killed
        // after the thaw and before the row had begun to undo
        daemon.docker("pause", id).ok();
        daemon.kill();
        Files.writeString(freezerState(id), "THAWED");
        daemon.restart();
        assertThat(Files.readString(freezerState(id)).strip()).isEqualTo("FROZEN");
        assertThat(inspect("{{.State.Status}}", id)).isEqualTo("paused");
        assertConsistent();
        daemon.docker("unpause", id).ok();
        assertThat(daemon.docker("exec", id, "echo", "inside").ok()).isEqualTo("inside\n");
        daemon.docker("rm", "-f", id).ok();
        assertConsistent();
    }

    /**
     * An rmi killed between the transaction that removed the image and the one that removed its
     * layers: start-up collects the layer rows no image uses, with their snapshots and blobs.
     */
    @Test
    void anRmiKilledBetweenTheImageAndItsLayersLeavesNoOrphanLayer() throws Exception {
        daemon.committedImage("killpoint/orphan", 300000);
        String image = inspect("{{.Id}}", "killpoint/orphan");

        daemon.kill();
        update("DELETE FROM tags WHERE image_id = ?", image);
        assertThat(update("DELETE FROM images WHERE id = ?", image)).isEqualTo(1);
        daemon.restart();

        assertThat(daemon.docker("images", "-q", "killpoint/orphan").ok()).isEmpty();
        assertConsistent();
        assertThat(daemon.docker("run", "--rm", "--pull", "never", "busybox", "true")
                        .exitCode())
                .isZero();
    }

    private void assertConsistent() {
        List<String> problems = EngineInvariants.check(daemon, seenIds);
        assertThat(problems).isEmpty();
    }

    /** Whether the process runs (a zombie has ended: its reaper, not Berth, has yet to collect it). */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static String inspect(String format, String name) {
        return daemon.docker("inspect", "-f", format, name).ok().strip();
    }

    private static Path freezerState(String id) {
        return Path.of("/sys/fs/cgroup/freezer/berth", id, "freezer.state");
    }

    /** Changes the stopped daemon's rows as the kill point leaves them; returns the rows changed. */
    private static int update(String sql, String id) throws SQLException {
        Path db = daemon.dataRoot().resolve("metadata.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA foreign_keys = ON");
            }
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, id);
                return s.executeUpdate();
            }
        }
    }
}
