package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import dev.berth.runtime.spec.Linux;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code --device} (HostConfig.Devices): the host's device nodes a container gets, as moby's
 * DevicesFromPath finds them: a node (through a symlink), or every node under a directory; each
 * keeps the host's type, numbers, mode and owner. And {@code --device-cgroup-rule}
 * (HostConfig.DeviceCgroupRules): the nodes a container may use beyond those; and the block I/O
 * limits of {@code --device-read-bps} and its siblings, by the numbers of their devices.
 */
final class HostDevices {
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;

    /** One node in the container, and the cgroup access it is given. */
    record Node(Linux.Device device, String access) {}

    private HostDevices() {}

    /** {@code --device-cgroup-rule}, as moby's AppendDevicePermissionsFromCgroupRules reads it. */
    private static final Pattern CGROUP_RULE = Pattern.compile("([acb]) ([0-9]+|\\*):([0-9]+|\\*) ([rwm]{1,3})");

    /** Checks what can be checked at create: each access is some of "rwm", each rule well-formed. */
    static void check(HostSettings h) {
        for (HostSettings.DeviceMapping m : h.devices()) {
            if (!m.cgroupPermissions().matches("[rwm]{1,3}")) {
                throw BerthException.invalid("invalid device mode: %s", m.cgroupPermissions());
            }
        }
        h.deviceCgroupRules().forEach(HostDevices::rule);
    }

    /** A {@code --device-cgroup-rule} ("c 10:229 rwm", "*" for any number) as the devices-cgroup rule it allows. */
    static Linux.DeviceRule rule(String text) {
        Matcher m = CGROUP_RULE.matcher(text);
        if (!m.matches()) {
            throw BerthException.invalid("invalid device cgroup rule format: '%s'", text);
        }
        try {
            return new Linux.DeviceRule(true, m.group(1), number(m.group(2)), number(m.group(3)), m.group(4));
        } catch (NumberFormatException e) {
            throw BerthException.invalid("invalid major or minor value in device cgroup rule format: '%s'", text);
        }
    }

    private static Long number(String text) {
        return text.equals("*") ? null : Long.parseLong(text);
    }

    static List<Node> nodes(HostSettings.DeviceMapping m) {
        Path onHost = Path.of(m.pathOnHost());
        Path resolved = onHost;
        try {
            if (Files.isSymbolicLink(onHost)) {
                resolved = onHost.toRealPath();
            }
            Linux.Device device = device(resolved, m.pathInContainer());
            if (device != null) {
                return List.of(new Node(device, m.cgroupPermissions()));
            }
        } catch (IOException e) {
            String why = e instanceof NoSuchFileException ? "no such file or directory" : e.toString();
            throw BerthException.invalid(
                    "error gathering device information while adding custom device \"%s\": lstat %s: %s",
                    m.pathOnHost(), resolved, why);
        }
        List<Node> nodes = new ArrayList<>();
        if (Files.isDirectory(resolved, LinkOption.NOFOLLOW_LINKS)) {
            Path dir = resolved;
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) walk::iterator) {
                    String inContainer = m.pathInContainer() + "/" + dir.relativize(p);
                    try {
                        Linux.Device child = device(p, inContainer);
                        if (child != null) {
                            nodes.add(new Node(child, m.cgroupPermissions()));
                        }
                    } catch (IOException e) {
                        // as moby's walk: a node that cannot be read is skipped
                    }
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // as moby's walk: a directory that cannot be read is skipped
            }
        }
        if (nodes.isEmpty()) {
            throw BerthException.invalid(
                    "error gathering device information while adding custom device \"%s\": not a device node",
                    m.pathOnHost());
        }
        return nodes;
    }

    /**
     * {@code --device-read-bps}, {@code --device-write-bps}, {@code --device-read-iops} and
     * {@code --device-write-iops} as the numbers of each device (moby's getBlkioThrottleDevices);
     * null when none is set.
     */
    static Linux.BlockIO blockIO(HostSettings h) {
        if (h.blkioDeviceReadBps().isEmpty()
                && h.blkioDeviceWriteBps().isEmpty()
                && h.blkioDeviceReadIOps().isEmpty()
                && h.blkioDeviceWriteIOps().isEmpty()) {
            return null;
        }
        return new Linux.BlockIO(
                throttles(h.blkioDeviceReadBps()),
                throttles(h.blkioDeviceWriteBps()),
                throttles(h.blkioDeviceReadIOps()),
                throttles(h.blkioDeviceWriteIOps()));
    }

    private static List<Linux.ThrottleDevice> throttles(List<HostSettings.ThrottleDevice> limits) {
        List<Linux.ThrottleDevice> out = new ArrayList<>();
        for (HostSettings.ThrottleDevice t : limits) {
            Linux.Device d;
            try {
                d = device(Path.of(t.path()).toRealPath(), t.path());
            } catch (IOException e) {
                throw BerthException.invalid("stat %s: no such file or directory", t.path());
            }
            if (d == null) {
                throw BerthException.invalid("%s is not a device", t.path());
            }
            out.add(new Linux.ThrottleDevice(d.major(), d.minor(), t.rate()));
        }
        return out;
    }

    /** The node at {@code path} (not followed) as {@code inContainer}; null when it is no device. */
    private static Linux.Device device(Path path, String inContainer) throws IOException {
        Map<String, Object> a = Files.readAttributes(path, "unix:mode,rdev,uid,gid", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        String type = switch (mode & S_IFMT) {
            case S_IFCHR -> "c";
            case S_IFBLK -> "b";
            default -> null;
        };
        if (type == null) {
            return null;
        }
        long rdev = (Long) a.get("rdev");
        // glibc's major() and minor() of a dev_t
        long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
        long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
        return new Linux.Device(
                inContainer,
                type,
                major,
                minor,
                mode & 07777,
                ((Integer) a.get("uid")).longValue(),
                ((Integer) a.get("gid")).longValue());
    }
}
