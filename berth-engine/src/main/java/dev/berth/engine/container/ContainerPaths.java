package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a container's files live: {@code <data-root>/containers/<id>/} holds what outlives a
 * daemon (config.json, the log, hostname, hosts, resolv.conf); {@code <exec-root>/containers/<id>/}
 * holds what only a running container needs (the runtime's state dir, fifos, the rootfs mount point).
 */
public record ContainerPaths(Path dataRoot, Path execRoot) {
    public Path dir(String id) {
        return dataRoot.resolve("containers").resolve(id);
    }

    public Path runDir(String id) {
        return execRoot.resolve("containers").resolve(id);
    }

    public Path log(String id) {
        return dir(id).resolve(id + "-json.log");
    }

    public Path spec(String id) {
        return dir(id).resolve("config.json");
    }

    public Path rootfs(String id) {
        return runDir(id).resolve("rootfs");
    }

    public Path containersDir() {
        return dataRoot.resolve("containers");
    }

    static Path ensure(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw BerthException.unavailable("cannot create %s: %s", dir, e.getMessage());
        }
    }
}
