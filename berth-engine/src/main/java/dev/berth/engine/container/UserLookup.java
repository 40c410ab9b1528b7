package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Docker's {@code --user}: {@code name|uid[:group|gid]}, resolved against the container's
 * /etc/passwd and /etc/group (moby/sys/user GetExecUser): numbers need no entry, names do, and the
 * user's supplementary groups come from /etc/group.
 */
final class UserLookup {
    record Identity(long uid, long gid, List<Long> groups, String home) {}

    private UserLookup() {}

    /** {@code spec} ({@code --user}) with the supplementary groups {@code groupAdd} adds. */
    static Identity resolve(String spec, List<String> groupAdd, LayeredFiles files) {
        String user = spec == null || spec.isEmpty() ? "0" : spec;
        String group = null;
        int colon = user.indexOf(':');
        if (colon >= 0) {
            group = user.substring(colon + 1);
            user = user.substring(0, colon);
        }
        List<String[]> passwd = entries(files.read("/etc/passwd").orElse(""), 7);
        List<String[]> groups = entries(files.read("/etc/group").orElse(""), 4);
        long uid;
        long gid = 0;
        String name = null;
        String home = "/";
        String[] match = null;
        for (String[] p : passwd) {
            if (p[0].equals(user) || (isNumber(user) && p[2].equals(user))) {
                match = p;
                break;
            }
        }
        if (match != null) {
            name = match[0];
            uid = parse(match[2]);
            gid = parse(match[3]);
            home = match[5];
        } else if (isNumber(user)) {
            uid = Long.parseLong(user);
        } else {
            throw BerthException.invalid("unable to find user %s: no matching entries in passwd file", user);
        }
        if (group != null && !group.isEmpty()) {
            String[] g = null;
            for (String[] candidate : groups) {
                if (candidate[0].equals(group) || (isNumber(group) && candidate[2].equals(group))) {
                    g = candidate;
                    break;
                }
            }
            if (g != null) {
                gid = parse(g[2]);
            } else if (isNumber(group)) {
                gid = Long.parseLong(group);
            } else {
                throw BerthException.invalid("unable to find group %s: no matching entries in group file", group);
            }
        }
        List<Long> supplementary = new ArrayList<>();
        if (name != null && (group == null || group.isEmpty())) {
            for (String[] g : groups) {
                if (List.of(g[3].split(",")).contains(name) && parse(g[2]) != gid) {
                    supplementary.add(parse(g[2]));
                }
            }
        }
        supplementary.addAll(additionalGroups(groupAdd, groups));
        return new Identity(uid, gid, List.copyOf(new LinkedHashSet<>(supplementary)), home.isEmpty() ? "/" : home);
    }

    /**
     * {@code --group-add} (HostConfig.GroupAdd), as moby/sys/user GetAdditionalGroups: a group's
     * name or gid from /etc/group, or any gid without an entry.
     */
    private static List<Long> additionalGroups(List<String> groupAdd, List<String[]> groups) {
        List<Long> gids = new ArrayList<>();
        for (String wanted : groupAdd) {
            String[] entry = null;
            for (String[] g : groups) {
                if (g[0].equals(wanted) || g[2].equals(wanted)) {
                    entry = g;
                    break;
                }
            }
            if (entry != null) {
                gids.add(parse(entry[2]));
            } else if (isNumber(wanted) && wanted.length() <= 10 && Long.parseLong(wanted) <= Integer.MAX_VALUE) {
                gids.add(Long.parseLong(wanted));
            } else {
                throw BerthException.invalid("Unable to find group %s: no matching entries in group file", wanted);
            }
        }
        return gids;
    }

    private static List<String[]> entries(String text, int fields) {
        List<String[]> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(":", -1);
            if (f.length >= fields - 1) {
                String[] padded = java.util.Arrays.copyOf(f, fields);
                for (int i = 0; i < fields; i++) {
                    padded[i] = padded[i] == null ? "" : padded[i];
                }
                out.add(padded);
            }
        }
        return out;
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }

    private static long parse(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
