/**
 * Volumes: Docker's {@code local} volume driver and the mount points of containers.
 *
 * <p>Vocabulary. A <em>volume</em> is a named directory that outlives containers; an
 * <em>anonymous</em> volume is one made without a name (an image's {@code VOLUME}, {@code -v /path},
 * {@code --mount type=volume} without a source), named with 64 random hex digits and removed by
 * {@code rm -v}. A <em>mount point</em> is one mount of a container (Docker's MountPoint): a
 * volume, a bind of a host path, or a tmpfs, at a destination; a volume with at least one mount
 * point is <em>in use</em> (running or not) and cannot be removed.
 *
 * <p>On disk, under the data root (shared/DESIGN.md):
 * <pre>
 * volumes/&lt;name&gt;/_data       the volume's files (what containers see at the destination)
 * volumes/.new-&lt;random&gt;/      a volume being made; renamed to its name before its row commits
 * volumes/.gone-&lt;random&gt;/     a removed volume whose files are being deleted
 * metadata.db                  tables volumes and container_mounts (core Schema.V3_VOLUMES)
 * </pre>
 * Files first, then the row: a create makes {@code .new-…/_data}, renames it into place and only
 * then inserts the row, so a create that fails leaves neither. Removal is the reverse: the row
 * goes in a transaction that also checks that no mount point refers to it, then the directory is
 * renamed away and deleted. At start, a directory without a row is garbage and goes; a row whose
 * directory is missing gets an empty one again and is reported with its path.
 *
 * <p>A volume created with driver options ({@code type}, {@code device}, {@code o}, as the local
 * driver's: {@code type=tmpfs device=tmpfs o=size=64m}, {@code type=none o=bind device=/srv/x})
 * has that filesystem mounted on its {@code _data} when a container first needs it, and
 * unmounted when the volume is removed.
 */
package dev.berth.engine.volume;
