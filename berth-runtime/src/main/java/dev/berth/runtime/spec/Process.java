package dev.berth.runtime.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** config.md "process": what runs in the container and with which identity and privileges. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Process(
        boolean terminal,
        ConsoleSize consoleSize,
        User user,
        List<String> args,
        List<String> env,
        String cwd,
        Capabilities capabilities,
        List<Rlimit> rlimits,
        boolean noNewPrivileges) {

    public Process {
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? List.of() : List.copyOf(env);
        rlimits = rlimits == null ? List.of() : List.copyOf(rlimits);
        user = user == null ? new User(0, 0, List.of()) : user;
        cwd = cwd == null || cwd.isEmpty() ? "/" : cwd;
    }

    /** The value of a variable in {@link #env()}, or null. */
    public String getenv(String name) {
        String prefix = name + "=";
        for (String e : env) {
            if (e.startsWith(prefix)) {
                return e.substring(prefix.length());
            }
        }
        return null;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ConsoleSize(int height, int width) {}

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record User(long uid, long gid, List<Long> additionalGids) {
        public User {
            additionalGids = additionalGids == null ? List.of() : List.copyOf(additionalGids);
        }
    }

    /** Capability names as the spec writes them, {@code CAP_CHOWN} etc. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Capabilities(
            List<String> bounding,
            List<String> effective,
            List<String> permitted,
            List<String> inheritable,
            List<String> ambient) {

        public static Capabilities of(List<String> caps) {
            return new Capabilities(caps, caps, caps, List.of(), List.of());
        }
    }

    /** One POSIX rlimit; {@link #UNLIMITED} (2^64-1 on the wire) means RLIM_INFINITY. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Rlimit(
            String type,

            @com.fasterxml.jackson.databind.annotation.JsonSerialize(using = UnsignedLong.Serializer.class)
            @com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = UnsignedLong.Deserializer.class)
            long hard,

            @com.fasterxml.jackson.databind.annotation.JsonSerialize(using = UnsignedLong.Serializer.class)
            @com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = UnsignedLong.Deserializer.class)
            long soft) {
        public static final long UNLIMITED = -1L;
    }
}
