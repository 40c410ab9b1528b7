package dev.berth.runtime;

/**
 * Runs containers from OCI specs. Implementations: Berth's own shim and external OCI runtimes
 * (runc, crun); the same spec gives the same container under each.
 */
public interface ContainerRuntime {
    /** "berth", "runc", "crun". */
    String name();

    /**
     * Creates the container: namespaces and cgroups exist and its first process waits, so the
     * caller can set up networking for {@link ContainerProcess#pid()} before
     * {@link ContainerProcess#start()}.
     */
    ContainerProcess create(ContainerRequest request);

    /**
     * Finds a container that an earlier daemon created again, from the state directory it was
     * created with, when its supervisor outlived that daemon (the daemon was killed or crashed).
     * Empty when this runtime cannot, or the container is gone: the caller then cleans it up and
     * records it as exited.
     */
    default java.util.Optional<ContainerProcess> reattach(String id, java.nio.file.Path stateDir) {
        return java.util.Optional.empty();
    }

    /**
     * Runs another process in a running container (docker exec): in its namespaces and cgroup,
     * with the user, capabilities, env and cwd of {@code process}, under the container's seccomp
     * filter {@code seccomp} (null: none).
     */
    default ContainerProcess exec(
            String execId,
            ContainerProcess container,
            dev.berth.runtime.spec.Process process,
            dev.berth.runtime.spec.Seccomp seccomp,
            Stdio stdio,
            java.nio.file.Path stateDir) {
        throw dev.berth.core.error.BerthException.notImplemented("runtime %s cannot exec into containers yet", name());
    }
}
