package dev.berth.engine.volume;

/**
 * One of a container's mounts, as Docker's MountPoint and the {@code Mounts} of inspect.
 *
 * @param type        volume, bind or tmpfs
 * @param volumeName  the volume (type volume), else null
 * @param source      bind: the host path; tmpfs: its mount options (comma-separated); volume: unused
 * @param mode        the mode as given ({@code ro}, {@code z}, {@code nocopy} …), shown by inspect
 * @param named       the source was named by the user: {@code rm -v} keeps the volume
 */
public record MountPoint(
        String type,
        String volumeName,
        String source,
        String destination,
        String mode,
        boolean rw,
        String propagation,
        boolean named) {

    public static final String VOLUME = "volume";
    public static final String BIND = "bind";
    public static final String TMPFS = "tmpfs";

    public boolean isVolume() {
        return type.equals(VOLUME);
    }

    /** The same mount point with another access (--volumes-from ctr:ro). */
    public MountPoint withRw(boolean value) {
        return new MountPoint(type, volumeName, source, destination, mode, value, propagation, named);
    }
}
