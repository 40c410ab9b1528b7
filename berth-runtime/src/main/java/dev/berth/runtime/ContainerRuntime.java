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
}
