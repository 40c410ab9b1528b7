package dev.berth.runtime.seccomp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * System call numbers of one architecture, with the audit architecture value the kernel puts in
 * {@code seccomp_data.arch} for it. The numbers come from Linux's asm/unistd_*.h, kept as
 * resources (syscalls-&lt;arch&gt;.txt) so the daemon needs no kernel headers; SyscallTableTest
 * compares them with the installed headers.
 */
public enum SyscallTable {
    X86_64("SCMP_ARCH_X86_64", 0xC000003E, "syscalls-x86_64.txt"),
    X86("SCMP_ARCH_X86", 0x40000003, "syscalls-x86.txt");

    private final String scmpName;
    private final int auditArch;
    private final String resource;
    private volatile Map<String, Integer> numbers;

    SyscallTable(String scmpName, int auditArch, String resource) {
        this.scmpName = scmpName;
        this.auditArch = auditArch;
        this.resource = resource;
    }

    /** libseccomp's name (what a profile's architectures list). */
    public String scmpName() {
        return scmpName;
    }

    /** AUDIT_ARCH_* value. */
    public int auditArch() {
        return auditArch;
    }

    public static Optional<SyscallTable> of(String scmpName) {
        for (SyscallTable t : values()) {
            if (t.scmpName.equals(scmpName)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The libseccomp name of the architecture this JVM runs on. */
    public static String nativeArch() {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "SCMP_ARCH_X86_64";
            case "aarch64" -> "SCMP_ARCH_AARCH64";
            default -> "SCMP_ARCH_" + System.getProperty("os.arch").toUpperCase(java.util.Locale.ROOT);
        };
    }

    /** The number of {@code name} on this architecture; empty when it has no such call (profiles name many arches' calls). */
    public Optional<Integer> number(String name) {
        return Optional.ofNullable(numbers().get(name));
    }

    public Map<String, Integer> numbers() {
        Map<String, Integer> n = numbers;
        if (n == null) {
            numbers = n = load();
        }
        return n;
    }

    private Map<String, Integer> load() {
        Map<String, Integer> map = new HashMap<>();
        try (InputStream in = SyscallTable.class.getResourceAsStream(resource);
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    String[] f = line.trim().split(" ");
                    map.put(f[0], Integer.parseInt(f[1]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(map);
    }
}
