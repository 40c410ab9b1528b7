package dev.berth.runtime.shim;

import dev.berth.core.error.BerthException;
import dev.berth.core.sys.Libc;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One sealed in-memory copy of berth-shim per daemon, which every shim the daemon starts runs
 * from.
 *
 * <p>berth-shim never runs from its host file (CVE-2019-5736: a container process that reaches
 * the exe of a process joining it could rewrite the host binary). Started from a file, it copies
 * itself into a sealed memfd and re-executes, which costs 830 kB of memory for every container and
 * every exec; started from this copy, it sees the seals and goes on, and every shim shares the
 * copy's pages. The daemon holds the memfd for its whole life; a shim started from it keeps the
 * copy alive after the daemon is gone (its executable mapping holds the file).
 */
final class SealedShim {
    private static final Map<Path, Path> COPIES = new ConcurrentHashMap<>();

    private SealedShim() {}

    /** What to execute for {@code binary}: {@code /proc/<daemon pid>/fd/<memfd>}. */
    static Path of(Path binary) {
        return COPIES.computeIfAbsent(binary.toAbsolutePath().normalize(), SealedShim::seal);
    }

    private static Path seal(Path binary) {
        int fd = Libc.memfdCreate("berth-shim", Libc.MFD_ALLOW_SEALING);
        // the daemon's own descriptor, by a path a child can execute (the child has none of ours)
        Path copy = Path.of("/proc/" + ProcessHandle.current().pid() + "/fd/" + fd);
        try {
            try (OutputStream out = Files.newOutputStream(copy, StandardOpenOption.WRITE)) {
                Files.copy(binary, out);
            }
            Libc.addSeals(fd, Libc.F_SEAL_SEAL | Libc.F_SEAL_SHRINK | Libc.F_SEAL_GROW | Libc.F_SEAL_WRITE);
        } catch (IOException | RuntimeException e) {
            Libc.close(fd, copy);
            throw BerthException.unavailable("cannot copy %s into a sealed memfd: %s", binary, e.getMessage());
        }
        return copy;
    }
}
