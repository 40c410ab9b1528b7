package dev.berth.build.builder;

import dev.berth.core.error.BerthException;
import dev.berth.engine.container.LayeredFiles;
import java.util.Optional;

/**
 * User and group names of a stage's files, looked up in its own {@code /etc/passwd} and
 * {@code /etc/group}, read from its layers (an image's {@code /etc -> /} symlink never leads to
 * the host's files). Numbers need no entry.
 */
final class Owners {
    private Owners() {}

    /** A uid and gid. */
    record Owner(int uid, int gid) {
        static final Owner ROOT = new Owner(0, 0);
    }

    /**
     * {@code COPY --chown=user[:group]}: names or numbers; without a group the gid is the uid's
     * number, as the Dockerfile reference says.
     */
    static Owner chown(LayeredFiles root, String spec) {
        int colon = spec.indexOf(':');
        String user = colon < 0 ? spec : spec.substring(0, colon);
        String group = colon < 0 ? null : spec.substring(colon + 1);
        int uid = isNumber(user) ? Integer.parseInt(user) : lookup(root, "/etc/passwd", user, "user", "passwd")[0];
        int gid = group == null || group.isEmpty() ? uid : groupId(root, group);
        return new Owner(uid, gid);
    }

    /** The owner of what a stage's USER creates: the user's uid and primary group, or the group given. */
    static Owner user(LayeredFiles root, String spec) {
        if (spec == null || spec.isEmpty()) {
            return Owner.ROOT;
        }
        int colon = spec.indexOf(':');
        String user = colon < 0 ? spec : spec.substring(0, colon);
        String group = colon < 0 ? null : spec.substring(colon + 1);
        int uid;
        int gid = 0;
        if (isNumber(user)) {
            uid = Integer.parseInt(user);
            Optional<int[]> entry = find(root, "/etc/passwd", user, true);
            if (entry.isPresent()) {
                gid = entry.get()[1];
            }
        } else {
            int[] entry = lookup(root, "/etc/passwd", user, "user", "passwd");
            uid = entry[0];
            gid = entry[1];
        }
        if (group != null && !group.isEmpty()) {
            gid = groupId(root, group);
        }
        return new Owner(uid, gid);
    }

    private static int groupId(LayeredFiles root, String group) {
        return isNumber(group) ? Integer.parseInt(group) : lookup(root, "/etc/group", group, "group", "group")[0];
    }

    private static int[] lookup(LayeredFiles root, String file, String name, String what, String fileName) {
        return find(root, file, name, false)
                .orElseThrow(() -> BerthException.invalid(
                        "unable to find %s %s: no matching entries in %s file", what, name, fileName));
    }

    /** The entry of {@code key} (a name, or the number in the third field): its third and fourth fields. */
    private static Optional<int[]> find(LayeredFiles root, String file, String key, boolean byNumber) {
        Optional<String> text = root.read(file);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            for (String line : text.get().split("\n")) {
                String[] f = line.split(":", -1);
                if (f.length < 3 || line.startsWith("#")) {
                    continue;
                }
                if (byNumber ? f[2].equals(key) : f[0].equals(key)) {
                    int id = Integer.parseInt(f[2]);
                    int second = f.length > 3 && isNumber(f[3]) ? Integer.parseInt(f[3]) : 0;
                    return Optional.of(new int[] {id, second});
                }
            }
        } catch (NumberFormatException e) {
            throw BerthException.invalid("cannot read %s: %s", file, e.getMessage());
        }
        return Optional.empty();
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.length() < 10 && s.chars().allMatch(Character::isDigit);
    }
}
