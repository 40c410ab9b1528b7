package dev.berth.runtime.seccomp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.error.BerthException;
import dev.berth.core.sys.KernelVersion;
import dev.berth.runtime.spec.Seccomp;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A seccomp profile in Docker's format ({@code --security-opt seccomp=profile.json}, and Docker's
 * default profile, {@link #builtin()}): rules that apply only with some capabilities, on some
 * architectures or from some kernel version on. {@link #resolve} decides them for one container,
 * as moby's {@code setupSeccomp} does, into the OCI form runc, crun and Berth's shim take.
 */
public final class SeccompProfile {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Go's names for the architectures (what a profile's includes and excludes say) by libseccomp's. */
    private static final Map<String, String> GO_ARCH = Map.of(
            "SCMP_ARCH_X86_64", "amd64",
            "SCMP_ARCH_X86", "x86",
            "SCMP_ARCH_X32", "x32",
            "SCMP_ARCH_AARCH64", "arm64",
            "SCMP_ARCH_ARM", "arm");

    private static final String KERNEL = KernelVersion.running();

    private final JsonNode root;

    private SeccompProfile(JsonNode root) {
        this.root = root;
    }

    /**
     * Docker's default profile: moby's profiles/seccomp/default.json of 20.10, without
     * io_uring_setup, io_uring_enter and io_uring_register, which moby's profile blocks from 25.0 on
     * (the same engine generation as the docker 28 CLI).
     */
    public static SeccompProfile builtin() {
        return BUILTIN;
    }

    private static final SeccompProfile BUILTIN = load("default.json");

    private static SeccompProfile load(String resource) {
        try (InputStream in = SeccompProfile.class.getResourceAsStream(resource)) {
            return new SeccompProfile(JSON.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A profile's JSON, as the docker CLI sends a {@code seccomp=<file>} option's content. */
    public static SeccompProfile parse(String json) {
        try {
            JsonNode root = JSON.readTree(json);
            if (root == null || !root.isObject()) {
                throw BerthException.invalid("Decoding seccomp profile failed: not a JSON object");
            }
            if (root.path("architectures").size() > 0 && root.path("archMap").size() > 0) {
                throw BerthException.invalid("'architectures' and 'archMap' were specified in the seccomp profile,"
                        + " use either 'architectures' or 'archMap'");
            }
            return new SeccompProfile(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw BerthException.invalid("Decoding seccomp profile failed: %s", e.getOriginalMessage());
        }
    }

    public static SeccompProfile read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw BerthException.invalid("opening seccomp profile (%s) failed: %s", file, e.getMessage());
        }
    }

    /** {@link #resolve(Collection, String, String)} on this machine's architecture and kernel. */
    public Seccomp resolve(Collection<String> capabilities) {
        return resolve(capabilities, SyscallTable.nativeArch(), KERNEL);
    }

    /**
     * The filter for a container whose bounding set is {@code capabilities} (names like
     * CAP_SYS_ADMIN), on libseccomp architecture {@code nativeArch} (e.g. SCMP_ARCH_X86_64) and
     * kernel release {@code kernel} (e.g. "6.1.0-18-amd64"). A rule is kept when the container has
     * every capability it includes and none it excludes, runs on an architecture it includes and
     * not on one it excludes, and the kernel is at least its minKernel.
     */
    public Seccomp resolve(Collection<String> capabilities, String nativeArch, String kernel) {
        String goArch = GO_ARCH.getOrDefault(nativeArch, nativeArch);
        List<String> architectures = new ArrayList<>();
        for (JsonNode a : root.path("architectures")) {
            architectures.add(a.asText());
        }
        for (JsonNode map : root.path("archMap")) {
            if (map.path("architecture").asText().equals(nativeArch)) {
                architectures.add(nativeArch);
                map.path("subArchitectures").forEach(sub -> architectures.add(sub.asText()));
            }
        }
        List<Seccomp.Syscall> rules = new ArrayList<>();
        for (JsonNode call : root.path("syscalls")) {
            JsonNode includes = call.path("includes");
            JsonNode excludes = call.path("excludes");
            if (!containsAll(capabilities, includes.path("caps"))
                    || containsAny(capabilities, excludes.path("caps"))
                    || (includes.path("arches").size() > 0 && !contains(includes.path("arches"), goArch))
                    || contains(excludes.path("arches"), goArch)
                    || (includes.hasNonNull("minKernel")
                            && KernelVersion.compare(
                                            kernel, includes.path("minKernel").asText())
                                    < 0)) {
                continue;
            }
            List<String> names = new ArrayList<>();
            if (call.hasNonNull("name")) {
                names.add(call.path("name").asText());
            }
            call.path("names").forEach(n -> names.add(n.asText()));
            List<Seccomp.Arg> args = new ArrayList<>();
            for (JsonNode arg : call.path("args")) {
                args.add(new Seccomp.Arg(
                        arg.path("index").asInt(),
                        arg.path("value").bigIntegerValue().longValue(),
                        arg.path("valueTwo").bigIntegerValue().longValue(),
                        arg.path("op").asText()));
            }
            Integer errnoRet =
                    call.hasNonNull("errnoRet") ? call.path("errnoRet").asInt() : null;
            rules.add(new Seccomp.Syscall(names, call.path("action").asText(), errnoRet, args));
        }
        Integer defaultErrno = root.hasNonNull("defaultErrnoRet")
                ? root.path("defaultErrnoRet").asInt()
                : null;
        return new Seccomp(root.path("defaultAction").asText(), defaultErrno, architectures, rules);
    }

    private static boolean contains(JsonNode list, String value) {
        for (JsonNode n : list) {
            if (n.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsAll(Collection<String> have, JsonNode wanted) {
        for (JsonNode n : wanted) {
            if (!have.contains(n.asText())) {
                return false;
            }
        }
        return true;
    }

    private static boolean containsAny(Collection<String> have, JsonNode unwanted) {
        for (JsonNode n : unwanted) {
            if (have.contains(n.asText())) {
                return true;
            }
        }
        return false;
    }
}
