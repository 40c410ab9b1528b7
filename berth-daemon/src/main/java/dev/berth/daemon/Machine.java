package dev.berth.daemon;

import dev.berth.core.snapshot.Snapshots;
import dev.berth.engine.container.ContainerRuntimes;
import java.nio.file.Path;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What the composition root takes from the machine it runs on: the snapshotter its kernel allows
 * on the data root, and the container runtimes installed. {@link #HOST} finds them on this
 * machine; tests that need neither root nor a kernel feature give stand-ins.
 *
 * @param storage  the data root's snapshotter (overlay where it mounts, else vfs), with the reason
 * @param runtimes the runtimes, given the exec root and the default runtime's name
 */
record Machine(Function<Path, Snapshots.Choice> storage, BiFunction<Path, String, ContainerRuntimes> runtimes) {
    /** Container cgroups go below this, as Docker's go below /docker. */
    static final String CGROUP_PARENT = "/berth";

    static final Machine HOST = new Machine(
            Snapshots::detect,
            (execRoot, defaultRuntime) -> ContainerRuntimes.detect(CGROUP_PARENT, execRoot, defaultRuntime));
}
