package dev.berth.core.text;

import dev.berth.core.error.BerthException;

/**
 * Go's {@code path.Match} (and {@code filepath.Match} on Linux), which Docker uses for reference
 * filters ({@code reference=busy*}) and Dockerfile COPY/ADD sources ({@code COPY *.txt /dst/}):
 * {@code *} matches any run of characters but {@code /}, {@code ?} one such character,
 * {@code [...]} a class (ranges, {@code ^} negation), {@code \} escapes. A malformed pattern is an
 * error, as Go's {@code ErrBadPattern}. Written here because no approved library matches with
 * Go's semantics (Java's glob PathMatcher treats {@code {}} and {@code **} differently); this is
 * Go's chunk-by-chunk algorithm.
 */
public final class Glob {
    private Glob() {}

    /** Whether {@code name} matches; false for a malformed pattern. */
    public static boolean matches(String pattern, String name) {
        try {
            return match(pattern, name);
        } catch (BadPattern e) {
            return false;
        }
    }

    /** Whether {@code name} matches; a malformed pattern is an invalid-argument error. */
    public static boolean matchesStrict(String pattern, String name) {
        try {
            return match(pattern, name);
        } catch (BadPattern e) {
            throw BerthException.invalid("syntax error in pattern: %s", pattern);
        }
    }

    /** Whether the pattern holds a wildcard ({@code * ? [} or an escape), as Docker's containsWildcards. */
    public static boolean hasWildcard(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '*' || c == '?' || c == '[') {
                return true;
            }
        }
        return false;
    }

    private static final class BadPattern extends Exception {
        BadPattern() {
            super(null, null, false, false);
        }
    }

    private record Chunk(boolean star, String chunk, String rest) {}

    private record ChunkMatch(String rest, boolean ok) {}

    private static boolean match(String pattern, String name) throws BadPattern {
        String p = pattern;
        String n = name;
        outer:
        while (!p.isEmpty()) {
            Chunk c = scanChunk(p);
            p = c.rest();
            if (c.star() && c.chunk().isEmpty()) {
                return n.indexOf('/') < 0; // a trailing * matches the rest unless it has a /
            }
            ChunkMatch m = matchChunk(c.chunk(), n);
            if (m.ok() && (m.rest().isEmpty() || !p.isEmpty())) {
                n = m.rest();
                continue;
            }
            if (c.star()) {
                for (int i = 0; i < n.length() && n.charAt(i) != '/'; i++) {
                    ChunkMatch skipped = matchChunk(c.chunk(), n.substring(i + 1));
                    if (skipped.ok()) {
                        if (p.isEmpty() && !skipped.rest().isEmpty()) {
                            continue;
                        }
                        n = skipped.rest();
                        continue outer;
                    }
                }
            }
            while (!p.isEmpty()) { // no match: the rest of the pattern must still be well formed
                Chunk rest = scanChunk(p);
                p = rest.rest();
                matchChunk(rest.chunk(), "");
            }
            return false;
        }
        return n.isEmpty();
    }

    private static Chunk scanChunk(String pattern) {
        boolean star = false;
        int i = 0;
        while (i < pattern.length() && pattern.charAt(i) == '*') {
            i++;
            star = true;
        }
        String p = pattern.substring(i);
        boolean inRange = false;
        int j = 0;
        scan:
        for (; j < p.length(); j++) {
            switch (p.charAt(j)) {
                case '\\' -> {
                    if (j + 1 < p.length()) {
                        j++;
                    }
                }
                case '[' -> inRange = true;
                case ']' -> inRange = false;
                case '*' -> {
                    if (!inRange) {
                        break scan;
                    }
                }
                default -> {
                    // an ordinary character
                }
            }
        }
        return new Chunk(star, p.substring(0, j), p.substring(j));
    }

    /** Matches {@code chunk} (no {@code *}) at the start of {@code s}; a malformed chunk fails even on a mismatch. */
    private static ChunkMatch matchChunk(String chunk, String s) throws BadPattern {
        boolean failed = false;
        int ci = 0;
        int si = 0;
        while (ci < chunk.length()) {
            if (!failed && si >= s.length()) {
                failed = true;
            }
            char c = chunk.charAt(ci);
            switch (c) {
                case '[' -> {
                    char r = 0;
                    if (!failed) {
                        r = s.charAt(si);
                        si++;
                    }
                    ci++;
                    boolean negated = ci < chunk.length() && chunk.charAt(ci) == '^';
                    if (negated) {
                        ci++;
                    }
                    boolean match = false;
                    int ranges = 0;
                    while (true) {
                        if (ci < chunk.length() && chunk.charAt(ci) == ']' && ranges > 0) {
                            ci++;
                            break;
                        }
                        int[] lo = esc(chunk, ci);
                        ci = lo[1];
                        int hi = lo[0];
                        if (ci < chunk.length() && chunk.charAt(ci) == '-') {
                            int[] h = esc(chunk, ci + 1);
                            hi = h[0];
                            ci = h[1];
                        }
                        if (lo[0] <= r && r <= hi) {
                            match = true;
                        }
                        ranges++;
                    }
                    if (match == negated) {
                        failed = true;
                    }
                }
                case '?' -> {
                    if (!failed) {
                        if (s.charAt(si) == '/') {
                            failed = true;
                        }
                        si++;
                    }
                    ci++;
                }
                case '\\' -> {
                    ci++;
                    if (ci >= chunk.length()) {
                        throw new BadPattern();
                    }
                    if (!failed) {
                        if (chunk.charAt(ci) != s.charAt(si)) {
                            failed = true;
                        }
                        si++;
                    }
                    ci++;
                }
                default -> {
                    if (!failed) {
                        if (c != s.charAt(si)) {
                            failed = true;
                        }
                        si++;
                    }
                    ci++;
                }
            }
        }
        return failed ? new ChunkMatch("", false) : new ChunkMatch(s.substring(si), true);
    }

    /** One possibly escaped character of a class: {@code [value, next index]}. */
    private static int[] esc(String chunk, int i) throws BadPattern {
        if (i >= chunk.length() || chunk.charAt(i) == '-' || chunk.charAt(i) == ']') {
            throw new BadPattern();
        }
        if (chunk.charAt(i) == '\\') {
            i++;
            if (i >= chunk.length()) {
                throw new BadPattern();
            }
        }
        int value = chunk.charAt(i);
        i++;
        if (i >= chunk.length()) {
            throw new BadPattern();
        }
        return new int[] {value, i};
    }
}
