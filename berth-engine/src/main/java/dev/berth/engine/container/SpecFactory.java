package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import dev.berth.engine.volume.ContainerVolumes;
import dev.berth.engine.volume.MountPlanner;
import dev.berth.runtime.spec.Caps;
import dev.berth.runtime.spec.Linux;
import dev.berth.runtime.spec.Mount;
import dev.berth.runtime.spec.Spec;
import dev.berth.runtime.spec.SpecBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A container's OCI spec, as Docker's daemon/oci_linux.go makes it: the command, environment
 * (HOSTNAME, TERM for a TTY, PATH when missing), user, working dir, hostname, resources,
 * privileges, bind and tmpfs mounts, and the container's own /etc/hostname, /etc/hosts and
 * /etc/resolv.conf bind-mounted from its directory.
 */
final class SpecFactory {
    private final ContainerPaths paths;
    private final ContainerVolumes volumes;
    private final long heldBounding;

    SpecFactory(ContainerPaths paths, ContainerVolumes volumes) {
        this.paths = paths;
        this.volumes = volumes;
        this.heldBounding = Caps.heldBounding();
    }

    /**
     * @param sharing where the namespaces it shares and its /etc files come from
     * @param linkEnv the environment of its legacy links
     */
    Spec build(Container c, LayeredFiles files, Sharing sharing, List<String> linkEnv) {
        ContainerSettings cfg = c.config();
        HostSettings host = c.hostConfig();
        UserLookup.Identity id = UserLookup.resolve(cfg.user(), host.groupAdd(), files);

        List<String> env = new ArrayList<>();
        if (cfg.env() == null || cfg.env().stream().noneMatch(e -> e.startsWith("PATH="))) {
            env.add("PATH=" + SpecBuilder.DEFAULT_PATH);
        }
        env.add("HOSTNAME=" + cfg.hostname());
        if (cfg.tty()) {
            env.add("TERM=xterm");
        }
        env.addAll(linkEnv);
        if (cfg.env() != null) {
            env.addAll(cfg.env());
        }
        if (env.stream().noneMatch(e -> e.startsWith("HOME="))) {
            env.add("HOME=" + id.home());
        }
        List<String> args = new ArrayList<>();
        args.add(c.path());
        args.addAll(c.args());

        SecurityOptions security = SecurityOptions.parse(host.securityOpt());
        SpecBuilder b = limits(SpecBuilder.dockerDefaults(), host)
                .args(args)
                .env(env)
                .cwd(cfg.workingDir().isEmpty() ? "/" : cfg.workingDir())
                .user(id.uid(), id.gid(), id.groups())
                .hostname(sharing.uts() == null ? cfg.hostname() : null)
                .terminal(cfg.tty())
                .rootPath(paths.rootfs(c.id()).toString())
                .readonlyRootfs(host.readonlyRootfs())
                .capAdd(host.capAdd())
                .capDrop(host.capDrop())
                .privileged(host.privileged(), heldBounding)
                .noNewPrivileges(security.noNewPrivileges())
                .shmSize(host.shmSize());
        sharing.apply(b);
        if (host.consoleSize() != null
                && host.consoleSize().size() == 2
                && host.consoleSize().get(0) > 0) {
            b.consoleSize(host.consoleSize().get(0), host.consoleSize().get(1));
        }
        host.sysctls().forEach(b::sysctl);
        for (HostSettings.DeviceMapping mapping : host.devices()) {
            for (HostDevices.Node node : HostDevices.nodes(mapping)) {
                b.device(node.device(), node.access());
            }
        }
        host.deviceCgroupRules().forEach(rule -> b.allowDevices(HostDevices.rule(rule)));
        b.blockIO(HostDevices.blockIO(host));
        for (Map.Entry<String, Path> etc : etcFiles(c, sharing.etcDir()).entrySet()) {
            if (!host.binds().stream().anyMatch(bind -> destination(bind).equals(etc.getKey()))) {
                b.mount(new Mount(
                        etc.getKey(),
                        "bind",
                        etc.getValue().toString(),
                        List.of("rbind", "rprivate", host.readonlyRootfs() ? "ro" : "rw")));
            }
        }
        for (String bind : host.binds()) {
            if (MountPlanner.parseBind(bind).isHostPath()) {
                b.mount(bindMount(bind));
            }
        }
        volumes.specMounts(c.id()).forEach(b::mount);
        host.tmpfs()
                .forEach((dest, opts) ->
                        b.tmpfs(dest, opts == null || opts.isEmpty() ? List.of() : List.of(opts.split(","))));
        b.annotation("dev.berth.container.name", c.plainName());
        Spec spec = b.build();
        return spec.withLinux(spec.linux()
                .withSeccomp(security.filter(
                        host.privileged(), spec.process().capabilities().bounding())));
    }

    /** The cgroup limits of {@code host}: memory, CPU and pids, as the spec gives them. */
    private static SpecBuilder limits(SpecBuilder b, HostSettings host) {
        return b.memory(host.memory())
                .memorySwap(host.memorySwap())
                .cpuShares(host.cpuShares())
                .cpuQuota(host.cpuQuota())
                .cpuPeriod(host.cpuPeriod())
                .nanoCpus(host.nanoCpus())
                .cpusetCpus(host.cpusetCpus())
                .cpusetMems(host.cpusetMems())
                .pidsLimit(host.pidsLimit() == null ? 0 : host.pidsLimit());
    }

    /** The limits {@code docker update} writes to a running container's cgroup (its device rules stay). */
    static Linux.Resources liveLimits(HostSettings host) {
        Linux.Resources all =
                limits(SpecBuilder.dockerDefaults(), host).build().linux().resources();
        return new Linux.Resources(all.memory(), all.cpu(), all.pids(), List.of(), null);
    }

    /** "/host:/ctr[:ro|rw[,…]]" → a bind mount of a host path (volumes are the container's mount points). */
    static Mount bindMount(String bind) {
        String[] parts = bind.split(":");
        if (parts.length < 2 || parts.length > 3) {
            throw BerthException.invalid("invalid volume specification: '%s'", bind);
        }
        String source = parts[0];
        String dest = parts[1];
        if (!source.startsWith("/")) {
            throw BerthException.invalid("not a host path: '%s'", bind);
        }
        if (!dest.startsWith("/")) {
            throw BerthException.invalid(
                    "invalid mount config: invalid mount path: '%s' mount path must be absolute", dest);
        }
        List<String> options = new ArrayList<>(List.of("rbind"));
        boolean ro = parts.length == 3 && List.of(parts[2].split(",")).contains("ro");
        options.add(ro ? "ro" : "rw");
        options.add("rprivate");
        return new Mount(dest, "bind", source, options);
    }

    static String destination(String bind) {
        String[] parts = bind.split(":");
        return parts.length >= 2 ? parts[1] : "";
    }

    /**
     * Writes containers/&lt;id&gt;/hostname and returns it with the hosts and resolv.conf the network
     * side wrote, by destination; those of {@code etcDir}, the container whose network it shares.
     */
    Map<String, Path> etcFiles(Container c, Path etcDir) {
        Path dir = ContainerPaths.ensure(paths.dir(c.id()));
        Map<String, Path> files = new java.util.LinkedHashMap<>();
        try {
            Path hostname = dir.resolve("hostname");
            Files.writeString(hostname, c.config().hostname() + "\n");
            files.put("/etc/hostname", hostname);
        } catch (IOException e) {
            throw BerthException.unavailable("cannot write the /etc files of container %s: %s", c.id(), e.getMessage());
        }
        files.put("/etc/hosts", etcDir.resolve("hosts"));
        files.put("/etc/resolv.conf", etcDir.resolve("resolv.conf"));
        return files;
    }
}
