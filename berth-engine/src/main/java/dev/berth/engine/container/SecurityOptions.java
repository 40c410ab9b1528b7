package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import dev.berth.runtime.seccomp.SeccompProfile;
import dev.berth.runtime.spec.Seccomp;
import java.util.List;

/**
 * A container's {@code --security-opt} list, read as moby's parseSecurityOpt does:
 * {@code no-new-privileges[=bool]}, {@code seccomp=unconfined|builtin|<profile JSON>} (the docker
 * CLI sends a profile file's content), and the options Berth accepts without acting on
 * ({@code label}, {@code apparmor}, {@code systempaths}). Anything else is refused at create.
 *
 * @param seccomp the profile to apply; null for {@code seccomp=unconfined}
 */
public record SecurityOptions(boolean noNewPrivileges, SeccompProfile seccomp) {
    public static SecurityOptions parse(List<String> options) {
        boolean noNewPrivileges = false;
        SeccompProfile seccomp = SeccompProfile.builtin();
        for (String opt : options) {
            if (opt.equals("no-new-privileges")) {
                noNewPrivileges = true;
                continue;
            }
            if (opt.equals("disable")) {
                continue; // label=disable's short form: no SELinux here
            }
            int sep = opt.indexOf('=') >= 0 ? opt.indexOf('=') : opt.indexOf(':');
            if (sep < 0) {
                throw BerthException.invalid("invalid --security-opt 1: \"%s\"", opt);
            }
            String key = opt.substring(0, sep);
            String value = opt.substring(sep + 1);
            switch (key) {
                case "seccomp" ->
                    seccomp = switch (value) {
                        case "unconfined" -> null;
                        case "builtin", "" -> SeccompProfile.builtin();
                        default -> SeccompProfile.parse(value);
                    };
                case "no-new-privileges" ->
                    noNewPrivileges = switch (value) {
                        case "true", "1", "t", "T", "TRUE", "True" -> true;
                        case "false", "0", "f", "F", "FALSE", "False" -> false;
                        default -> throw BerthException.invalid("invalid --security-opt 2: \"%s\"", opt);
                    };
                case "label", "apparmor", "systempaths" -> {
                    // no SELinux or AppArmor on Berth's hosts yet; systempaths=unconfined is not honoured
                }
                default -> throw BerthException.invalid("invalid --security-opt 2: \"%s\"", opt);
            }
        }
        return new SecurityOptions(noNewPrivileges, seccomp);
    }

    /**
     * The seccomp filter of a container whose bounding set is {@code bounding}: none when it is
     * privileged or unconfined, as moby's WithSeccomp decides.
     */
    public Seccomp filter(boolean privileged, List<String> bounding) {
        if (privileged || seccomp == null) {
            return null;
        }
        return seccomp.resolve(bounding);
    }
}
