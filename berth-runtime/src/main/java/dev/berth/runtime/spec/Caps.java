package dev.berth.runtime.spec;

import dev.berth.core.error.BerthException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Linux capability names and numbers (capability.h), and Docker's --cap-add/--cap-drop rules. */
public final class Caps {
    /** Index = capability number. */
    public static final List<String> KNOWN = List.of(
            "CAP_CHOWN",
            "CAP_DAC_OVERRIDE",
            "CAP_DAC_READ_SEARCH",
            "CAP_FOWNER",
            "CAP_FSETID",
            "CAP_KILL",
            "CAP_SETGID",
            "CAP_SETUID",
            "CAP_SETPCAP",
            "CAP_LINUX_IMMUTABLE",
            "CAP_NET_BIND_SERVICE",
            "CAP_NET_BROADCAST",
            "CAP_NET_ADMIN",
            "CAP_NET_RAW",
            "CAP_IPC_LOCK",
            "CAP_IPC_OWNER",
            "CAP_SYS_MODULE",
            "CAP_SYS_RAWIO",
            "CAP_SYS_CHROOT",
            "CAP_SYS_PTRACE",
            "CAP_SYS_PACCT",
            "CAP_SYS_ADMIN",
            "CAP_SYS_BOOT",
            "CAP_SYS_NICE",
            "CAP_SYS_RESOURCE",
            "CAP_SYS_TIME",
            "CAP_SYS_TTY_CONFIG",
            "CAP_MKNOD",
            "CAP_LEASE",
            "CAP_AUDIT_WRITE",
            "CAP_AUDIT_CONTROL",
            "CAP_SETFCAP",
            "CAP_MAC_OVERRIDE",
            "CAP_MAC_ADMIN",
            "CAP_SYSLOG",
            "CAP_WAKE_ALARM",
            "CAP_BLOCK_SUSPEND",
            "CAP_AUDIT_READ",
            "CAP_PERFMON",
            "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE");

    /** Docker's default set (moby oci/defaults.go DefaultCapabilities). */
    public static final List<String> DOCKER_DEFAULT = List.of(
            "CAP_CHOWN",
            "CAP_DAC_OVERRIDE",
            "CAP_FSETID",
            "CAP_FOWNER",
            "CAP_MKNOD",
            "CAP_NET_RAW",
            "CAP_SETGID",
            "CAP_SETUID",
            "CAP_SETFCAP",
            "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE",
            "CAP_SYS_CHROOT",
            "CAP_KILL",
            "CAP_AUDIT_WRITE");

    private Caps() {}

    /** "sys_admin", "SYS_ADMIN" and "CAP_SYS_ADMIN" all name CAP_SYS_ADMIN; unknown names are rejected. */
    public static String normalize(String name) {
        String upper = name.trim().toUpperCase(Locale.ROOT);
        String full = upper.startsWith("CAP_") ? upper : "CAP_" + upper;
        if (!KNOWN.contains(full)) {
            throw BerthException.invalid("unknown capability: %s", name);
        }
        return full;
    }

    public static int number(String name) {
        return KNOWN.indexOf(normalize(name));
    }

    public static long mask(Collection<String> names) {
        long mask = 0;
        for (String name : names) {
            mask |= 1L << number(name);
        }
        return mask;
    }

    public static List<String> names(long mask) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < KNOWN.size(); i++) {
            if ((mask & (1L << i)) != 0) {
                names.add(KNOWN.get(i));
            }
        }
        return names;
    }

    /**
     * The bounding set of this process (so of the shims it starts). On machines where it lacks a
     * capability (CAP_SYS_RESOURCE here) --privileged must grant what there is, not fail.
     */
    public static long heldBounding() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapBnd:")) {
                    return Long.parseUnsignedLong(line.substring(7).trim(), 16);
                }
            }
        } catch (IOException e) {
            throw BerthException.internal("reading /proc/self/status", e);
        }
        throw BerthException.unavailable("no CapBnd line in /proc/self/status");
    }

    /**
     * Docker's rules: start from the defaults; "ALL" in adds means every capability; "ALL" in drops
     * means start from nothing but the adds; otherwise defaults + adds - drops.
     */
    public static List<String> tweak(List<String> defaults, List<String> adds, List<String> drops) {
        boolean addAll = adds.stream().anyMatch(a -> a.equalsIgnoreCase("ALL"));
        boolean dropAll = drops.stream().anyMatch(d -> d.equalsIgnoreCase("ALL"));
        Set<String> result = new LinkedHashSet<>();
        if (!dropAll) {
            result.addAll(addAll ? KNOWN : defaults);
        }
        for (String add : adds) {
            if (!add.equalsIgnoreCase("ALL")) {
                result.add(normalize(add));
            }
        }
        if (!dropAll) {
            for (String drop : drops) {
                String name = normalize(drop);
                if (adds.stream()
                        .noneMatch(
                                a -> !a.equalsIgnoreCase("ALL") && normalize(a).equals(name))) {
                    result.remove(name);
                }
            }
        }
        return List.copyOf(result);
    }
}
