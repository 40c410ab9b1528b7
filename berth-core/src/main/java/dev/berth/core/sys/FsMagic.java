package dev.berth.core.sys;

/** statfs(2) f_type values (linux/magic.h) Berth cares about when choosing a snapshotter. */
public final class FsMagic {
    public static final long EXT4 = 0xEF53L;
    public static final long XFS = 0x58465342L;
    public static final long BTRFS = 0x9123683EL;
    public static final long TMPFS = 0x01021994L;
    public static final long OVERLAYFS = 0x794C7630L;
    public static final long ZFS = 0x2FC12FC1L;
    public static final long NFS = 0x6969L;

    private FsMagic() {}

    public static String name(long magic) {
        if (magic == EXT4) return "extfs";
        if (magic == XFS) return "xfs";
        if (magic == BTRFS) return "btrfs";
        if (magic == TMPFS) return "tmpfs";
        if (magic == OVERLAYFS) return "overlayfs";
        if (magic == ZFS) return "zfs";
        if (magic == NFS) return "nfs";
        return "0x" + Long.toHexString(magic);
    }
}
