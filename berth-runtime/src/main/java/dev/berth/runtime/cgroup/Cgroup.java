package dev.berth.runtime.cgroup;

/** One container's cgroup (in every hierarchy on v1, one directory on v2). */
public interface Cgroup {
    /** The path below each hierarchy's root, e.g. "/berth/&lt;id&gt;". */
    String path();

    /**
     * The files a single-threaded process writes "0" to, in order, to move itself into this
     * cgroup before it has children. On v1 these are the {@code tasks} files: moving one's own
     * thread skips the kernel's global threadgroup lock, whose first writer after a quiet spell
     * waits for an RCU grace period (10-20 ms here, on every container start and exec) when
     * another process's pid is written to {@code cgroup.procs}. On v2, cgroup.procs.
     */
    java.util.List<java.nio.file.Path> joinFiles();

    /**
     * Changes the limits of a live cgroup ({@code docker update}): the limits {@code resources}
     * gives are written, the others stay.
     */
    void update(dev.berth.runtime.spec.Linux.Resources resources);

    /** Stops every process in the cgroup (freezer); returns once they are frozen. */
    void freeze();

    void thaw();

    CgroupStats stats();

    /** The processes in the cgroup now (none when it does not exist). */
    java.util.List<Long> processes();

    /** Whether the kernel's OOM killer has killed a process in this cgroup. */
    boolean oomKilled();

    /** Removes the cgroup once its processes are gone; missing directories are fine. */
    void remove();

    boolean exists();
}
