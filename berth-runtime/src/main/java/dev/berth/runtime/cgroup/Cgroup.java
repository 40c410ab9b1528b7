package dev.berth.runtime.cgroup;

/** One container's cgroup (in every hierarchy on v1, one directory on v2). */
public interface Cgroup {
    /** The path below each hierarchy's root, e.g. "/berth/&lt;id&gt;". */
    String path();

    /** Moves a process (and so its future children) into this cgroup. */
    void add(long pid);

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
