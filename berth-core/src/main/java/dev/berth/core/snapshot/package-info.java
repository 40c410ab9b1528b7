/**
 * Snapshots of unpacked layers and container filesystems, containerd-style: a <em>committed</em>
 * snapshot is read-only and named (an image layer by its chain ID hex), an <em>active</em> one is
 * writable and keyed, made on a committed parent. {@link dev.berth.core.snapshot.OverlaySnapshotter}
 * ({@code overlay2}) and {@link dev.berth.core.snapshot.VfsSnapshotter} ({@code vfs}) implement
 * {@link dev.berth.core.snapshot.Snapshotter}; {@link dev.berth.core.snapshot.Snapshots#detect}
 * picks one for a data root and {@link dev.berth.core.snapshot.Snapshots#unpack} turns a layer tar
 * into a committed snapshot atomically. Snapshotters describe mounts
 * ({@link dev.berth.core.snapshot.MountSpec}); callers mount them.
 */
package dev.berth.core.snapshot;
