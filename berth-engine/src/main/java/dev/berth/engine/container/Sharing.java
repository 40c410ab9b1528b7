package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import dev.berth.core.sys.Mounts;
import dev.berth.runtime.spec.Mount;
import dev.berth.runtime.spec.SpecBuilder;
import java.nio.file.Path;
import java.util.List;

/**
 * The namespaces a container shares instead of having its own ({@code --network}, {@code --pid},
 * {@code --ipc}, {@code --uts} set to host or container:&lt;id&gt;), and whose /etc/hosts and
 * /etc/resolv.conf it uses. Each field is null for a namespace of its own, {@link SpecBuilder#HOST}
 * for the daemon's, or the path of another container's namespace.
 *
 * @param shm    what /dev/shm is: null for its own tmpfs, "" for none ({@code --ipc none}),
 *               else a directory to bind there (the host's, its own host-side one when shareable,
 *               or its IPC donor's)
 * @param etcDir the directory holding the hosts and resolv.conf it mounts
 */
record Sharing(String network, String pid, String ipc, String uts, String shm, Path etcDir) {

    /** Works out a container's sharing from its host config; a container it joins must be running. */
    static Sharing of(Container c, ContainerStore store, ContainerPaths paths) {
        HostSettings h = c.hostConfig();
        Path etcDir = paths.dir(c.id());
        String network = null;
        if (h.hostNetwork()) {
            network = SpecBuilder.HOST;
        } else if (h.networkContainer() != null) {
            Container owner = running(store, h.networkContainer(), "network");
            network = "/proc/" + owner.state().pid() + "/ns/net";
            etcDir = paths.dir(owner.id());
        }
        String pid = null;
        if (h.pidMode().equals("host")) {
            pid = SpecBuilder.HOST;
        } else if (h.pidMode().startsWith("container:")) {
            pid = "/proc/"
                    + running(store, h.pidMode().substring(10), "PID").state().pid() + "/ns/pid";
        }
        String ipc = null;
        String shm = null;
        switch (h.ipcMode()) {
            case "host" -> {
                ipc = SpecBuilder.HOST;
                shm = "/dev/shm";
            }
            case "none" -> shm = "";
            case "shareable" -> shm = shmDir(paths, c.id()).toString();
            default -> {
                if (h.ipcMode().startsWith("container:")) {
                    Container donor = running(store, h.ipcMode().substring(10), "IPC");
                    String mode = donor.hostConfig().ipcMode();
                    if (!mode.equals("shareable") && !mode.equals("host")) {
                        throw BerthException.invalid(
                                "non-shareable IPC (hint: use IpcMode:shareable for the donor container)");
                    }
                    ipc = "/proc/" + donor.state().pid() + "/ns/ipc";
                    shm = mode.equals("host")
                            ? "/dev/shm"
                            : shmDir(paths, donor.id()).toString();
                }
            }
        }
        String uts = h.utsMode().equals("host") ? SpecBuilder.HOST : null;
        return new Sharing(network, pid, ipc, uts, shm, etcDir);
    }

    /**
     * A shareable container's /dev/shm: a tmpfs the daemon mounts on the host (in the exec root),
     * so that containers joining its IPC namespace can bind the same one (a mount of another mount
     * namespace cannot be bound), as Docker's containers/ID/mounts/shm.
     */
    static Path shmDir(ContainerPaths paths, String id) {
        return paths.runDir(id).resolve("shm");
    }

    /** Mounts the host-side /dev/shm of a shareable container before it starts. */
    static void mountShm(Container c, ContainerPaths paths) {
        if (!c.hostConfig().ipcMode().equals("shareable")) {
            return;
        }
        Path dir = ContainerPaths.ensure(shmDir(paths, c.id()));
        if (!Mounts.isMountPoint(dir)) {
            long size = c.hostConfig().shmSize() > 0 ? c.hostConfig().shmSize() : SpecBuilder.DEFAULT_SHM_SIZE;
            Mounts.mount(
                    "shm",
                    dir,
                    "tmpfs",
                    Mounts.MS_NOSUID | Mounts.MS_NODEV | Mounts.MS_NOEXEC,
                    "mode=1777,size=" + size);
        }
    }

    /** Unmounts it once the container has exited (or never started). */
    static void unmountShm(ContainerPaths paths, String id) {
        Path dir = shmDir(paths, id);
        if (java.nio.file.Files.isDirectory(dir) && Mounts.isMountPoint(dir)) {
            Mounts.unmountDetach(dir);
        }
    }

    private static Container running(ContainerStore store, String ref, String what) {
        Container other = store.resolve(ref);
        if (!other.status().isAlive() || other.state().pid() <= 0) {
            throw BerthException.conflict("cannot join %s of a non running container: %s", what, other.id());
        }
        return other;
    }

    void apply(SpecBuilder b) {
        if (network != null) {
            b.namespace("network", network);
        }
        if (pid != null) {
            b.namespace("pid", pid);
        }
        if (ipc != null) {
            b.namespace("ipc", ipc);
        }
        if (uts != null) {
            b.namespace("uts", uts);
        }
        if (shm != null) {
            if (shm.isEmpty()) {
                b.withoutMount("/dev/shm");
            } else {
                b.mount(new Mount("/dev/shm", "bind", shm, List.of("rbind", "rprivate", "rw")));
            }
        }
    }

    /** The container has a network namespace of its own, which the network side plumbs. */
    boolean ownNetwork() {
        return network == null;
    }

    /**
     * Its endpoints, published ports and /etc/hosts and resolv.conf are its own to lease and write:
     * a namespace of its own, or the host's (not another container's, whose files it mounts).
     */
    boolean ownNetworkSettings() {
        return network == null || network.equals(SpecBuilder.HOST);
    }
}
