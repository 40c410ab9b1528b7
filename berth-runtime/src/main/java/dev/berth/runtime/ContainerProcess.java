package dev.berth.runtime;

import dev.berth.runtime.cgroup.Cgroup;
import java.util.concurrent.CompletableFuture;

/** A created container, supervised by its shim. */
public interface ContainerProcess {
    String id();

    /** The host pid of the container's first process. */
    long pid();

    /** The pid of the supervising shim (its resident memory is the per-container cost). */
    long shimPid();

    /**
     * Lets the container run its command. Throws {@link dev.berth.core.error.BerthException} when
     * the command cannot run (the message is Docker's, e.g. {@code exec: "x": executable file not
     * found in $PATH}); {@link #exit()} then completes with 127, 126 or 128.
     */
    void start();

    /** Completes once the container has exited and its cgroup is gone. */
    CompletableFuture<ExitStatus> exit();

    void kill(int signal);

    /**
     * The daemon has closed its end of the container's stdin: the supervisor lets go of the end
     * it holds (so that stdin survives a daemon crash), and the container sees end of file.
     */
    default void closeStdin() {}

    /** Resizes the pty of a container created with a terminal. */
    void resize(int rows, int cols);

    Cgroup cgroup();

    /** Removes what is left once the container has exited (runtime state, state dir files). */
    void delete();
}
