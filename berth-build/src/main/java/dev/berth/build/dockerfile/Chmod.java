package dev.berth.build.dockerfile;

import dev.berth.core.error.BerthException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code --chmod} value: octal ({@code 755}, {@code 0644}), which sets every copied file and
 * directory to exactly that mode, or chmod(1)'s symbolic form ({@code +x}, {@code u=rwX,go=rX},
 * {@code g=u}), which changes each one's own mode. A clause without {@code u}, {@code g},
 * {@code o} or {@code a} applies to all three (no umask, as BuildKit).
 */
public final class Chmod {
    private static final int S_ISUID = 04000;
    private static final int S_ISGID = 02000;
    private static final int S_ISVTX = 01000;

    private final Integer octal;
    private final List<Clause> clauses;

    private Chmod(Integer octal, List<Clause> clauses) {
        this.octal = octal;
        this.clauses = clauses;
    }

    /** One {@code who op perms} step, e.g. {@code go-w} or {@code g=u}. */
    private record Clause(int who, char op, String perms) {}

    public static Chmod parse(String text) {
        if (text.matches("[0-7]+")) {
            long mode = Long.parseLong(text, 8);
            if (mode > 07777) {
                throw invalid(text);
            }
            return new Chmod((int) mode, List.of());
        }
        List<Clause> clauses = new ArrayList<>();
        for (String clause : text.split(",", -1)) {
            int i = 0;
            int who = 0;
            for (; i < clause.length() && "ugoa".indexOf(clause.charAt(i)) >= 0; i++) {
                who |= switch (clause.charAt(i)) {
                    case 'u' -> 04700;
                    case 'g' -> 02070;
                    case 'o' -> 01007;
                    default -> 07777;
                };
            }
            if (who == 0) {
                who = 07777;
            }
            if (i == clause.length()) {
                throw invalid(text);
            }
            while (i < clause.length()) {
                char op = clause.charAt(i++);
                if (op != '+' && op != '-' && op != '=') {
                    throw invalid(text);
                }
                int start = i;
                while (i < clause.length() && "+-=".indexOf(clause.charAt(i)) < 0) {
                    i++;
                }
                String perms = clause.substring(start, i);
                if (!perms.matches("[rwxXst]*|[ugo]")) {
                    throw invalid(text);
                }
                clauses.add(new Clause(who, op, perms));
            }
        }
        return new Chmod(null, List.copyOf(clauses));
    }

    private static BerthException invalid(String text) {
        return BerthException.invalid(
                "invalid chmod parameter: '%s'. it should be octal string and between 0 and 07777,"
                        + " or a symbolic mode like chmod(1)'s (u=rwX,go=rX)",
                text);
    }

    /** The permission bits (and setuid, setgid, sticky) a file or directory gets. */
    public int apply(int mode, boolean directory) {
        if (octal != null) {
            return octal;
        }
        int original = mode & 07777;
        int m = original;
        for (Clause c : clauses) {
            int bits;
            if (c.perms().matches("[ugo]")) {
                int shift = switch (c.perms().charAt(0)) {
                    case 'u' -> 6;
                    case 'g' -> 3;
                    default -> 0;
                };
                int rwx = (m >> shift) & 7;
                bits = (rwx << 6 | rwx << 3 | rwx) & c.who() & 0777;
            } else {
                bits = 0;
                for (char p : c.perms().toCharArray()) {
                    bits |= switch (p) {
                        case 'r' -> 0444;
                        case 'w' -> 0222;
                        case 'x' -> 0111;
                        case 'X' -> directory || (original & 0111) != 0 ? 0111 : 0;
                        case 's' -> S_ISUID | S_ISGID;
                        default -> S_ISVTX;
                    };
                }
                bits &= c.who();
            }
            m = switch (c.op()) {
                case '+' -> m | bits;
                case '-' -> m & ~bits;
                default -> (m & ~(c.who() & 07777)) | bits;
            };
        }
        return m;
    }
}
