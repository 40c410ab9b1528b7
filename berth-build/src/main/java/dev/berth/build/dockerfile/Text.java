package dev.berth.build.dockerfile;

/** Go's notion of white space ({@code unicode.IsSpace}), which the Dockerfile grammar uses. */
final class Text {
    private Text() {}

    static boolean isSpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
    }

    /** Go's {@code strings.TrimSpace}. */
    static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    static String trimLeft(String s) {
        int start = 0;
        while (start < s.length() && isSpace(s.charAt(start))) {
            start++;
        }
        return s.substring(start);
    }

    /** Splits on runs of {@code [\t\v\f\r ]} as the parser's {@code reWhitespace}, at most {@code limit} parts (0: all). */
    static java.util.List<String> splitBlank(String s, int limit) {
        return java.util.List.of(s.split("[\\t\\x0B\\f\\r ]+", limit <= 0 ? -1 : limit));
    }
}
