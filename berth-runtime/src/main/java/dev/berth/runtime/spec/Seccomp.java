package dev.berth.runtime.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * config-linux.md "Seccomp": a filter already resolved for one container (its capabilities and
 * architecture decided which rules apply), as runc and crun take it and as Berth's shim gets it
 * compiled ({@code dev.berth.runtime.seccomp.SeccompBpf}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Seccomp(
        String defaultAction, Integer defaultErrnoRet, List<String> architectures, List<Syscall> syscalls) {
    public Seccomp {
        architectures = architectures == null ? List.of() : List.copyOf(architectures);
        syscalls = syscalls == null ? List.of() : List.copyOf(syscalls);
    }

    /** A rule: for these system calls, when every argument condition holds, this action. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Syscall(List<String> names, String action, Integer errnoRet, List<Arg> args) {
        public Syscall {
            names = names == null ? List.of() : List.copyOf(names);
            args = args == null ? List.of() : List.copyOf(args);
        }
    }

    /**
     * A condition on argument {@code index} (64 bits, unsigned): SCMP_CMP_EQ, NE, LT, LE, GT, GE,
     * or MASKED_EQ ({@code (arg & value) == valueTwo}).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Arg(int index, long value, long valueTwo, String op) {}
}
