package dev.berth.runtime;

import dev.berth.core.snapshot.MountSpec;
import dev.berth.runtime.spec.Spec;
import java.nio.file.Path;

/**
 * What a runtime needs to create a container.
 *
 * @param id       the container ID (names the cgroup when the spec has no cgroupsPath)
 * @param spec     the OCI spec; root.path is where the root filesystem appears
 * @param rootfs   the mount that makes root.path (an overlay from the snapshotter), or null
 *                 when root.path is a ready directory
 * @param stdio    where the container's stdio goes
 * @param init     run a minimal pid-1 reaper that runs the command as its child (--init)
 * @param stateDir a private directory for the runtime's files (plan, bundle, exit file, logs)
 */
public record ContainerRequest(String id, Spec spec, MountSpec rootfs, Stdio stdio, boolean init, Path stateDir) {}
