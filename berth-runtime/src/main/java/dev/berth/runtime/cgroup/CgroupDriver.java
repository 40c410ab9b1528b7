package dev.berth.runtime.cgroup;

import dev.berth.runtime.spec.Linux;
import java.util.List;

/** Creates and finds container cgroups on one cgroup layout (v1 or v2). */
public interface CgroupDriver {
    /** 1 or 2. */
    int version();

    /** Creates the cgroup at {@code path} and applies the limits. */
    Cgroup create(String path, Linux.Resources resources);

    /** A cgroup made earlier (by Berth or by another runtime at the same path). */
    Cgroup open(String path);

    /**
     * What to mount at /sys/fs/cgroup inside a container whose cgroup namespace is rooted at its
     * own cgroup, in order: the first entry is the mount at /sys/fs/cgroup itself.
     */
    List<CgroupMount> containerMounts();

    /**
     * On a hybrid layout (controllers on v1, a cgroup2 tree beside them), where that cgroup2 tree
     * is mounted; some runtimes (crun 1.8) refuse to run when they see it with any controller.
     */
    default java.util.Optional<java.nio.file.Path> hybridUnifiedMount() {
        return java.util.Optional.empty();
    }

    /** One mount of the container's /sys/fs/cgroup: {@code dir} is relative to it ("" = itself). */
    record CgroupMount(String dir, String type, String data) {}
}
