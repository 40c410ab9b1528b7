package dev.berth.engine.distribution;

import dev.berth.core.error.BerthException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 9110 section 11.6.1):
 * {@code Bearer realm="https://auth.example/token",service="registry",scope="repository:a:pull"}
 * or {@code Basic realm="Registry"}. The scheme is lower-cased, parameter names too (they are
 * case-insensitive), values are unquoted.
 *
 * <p>Parsed by hand: the JDK's HttpClient has no public parser for it, and no approved library
 * has one. The grammar is small (tokens, quoted strings with backslash escapes, commas) but a
 * header may carry several challenges, and a comma inside a quoted scope
 * ({@code scope="repository:a:pull,push"}) must not split it, which naive splitting gets wrong.
 */
public record AuthChallenge(String scheme, Map<String, String> parameters) {
    public AuthChallenge {
        parameters = Map.copyOf(parameters);
    }

    public String parameter(String name) {
        return parameters.get(name.toLowerCase(Locale.ROOT));
    }

    public boolean isBearer() {
        return "bearer".equals(scheme);
    }

    public boolean isBasic() {
        return "basic".equals(scheme);
    }

    /** Every challenge in the header, in order; INVALID_ARGUMENT when the header is malformed. */
    public static List<AuthChallenge> parse(String header) {
        if (header == null || header.isBlank()) {
            return List.of();
        }
        Parser p = new Parser(header);
        List<AuthChallenge> out = new ArrayList<>();
        String scheme = null;
        Map<String, String> params = new LinkedHashMap<>();
        while (true) {
            p.skipSpacesAndCommas();
            if (p.atEnd()) {
                break;
            }
            String token = p.token();
            if (token.isEmpty()) {
                throw BerthException.invalid("malformed WWW-Authenticate header: %s", header);
            }
            p.skipSpaces();
            if (p.peek() == '=') {
                if (scheme == null) {
                    throw BerthException.invalid(
                            "malformed WWW-Authenticate header (parameter before scheme): %s", header);
                }
                p.pos++;
                p.skipSpaces();
                String value = p.peek() == '"' ? p.quoted() : p.token();
                params.put(token.toLowerCase(Locale.ROOT), value);
                continue;
            }
            // A token not followed by '=' starts the next challenge.
            if (scheme != null) {
                out.add(new AuthChallenge(scheme, params));
                params = new LinkedHashMap<>();
            }
            scheme = token.toLowerCase(Locale.ROOT);
        }
        if (scheme != null) {
            out.add(new AuthChallenge(scheme, params));
        }
        return out;
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        char peek() {
            return atEnd() ? '\0' : s.charAt(pos);
        }

        void skipSpaces() {
            while (!atEnd() && (peek() == ' ' || peek() == '\t')) {
                pos++;
            }
        }

        void skipSpacesAndCommas() {
            while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == ',')) {
                pos++;
            }
        }

        String token() {
            int start = pos;
            while (!atEnd() && isTokenChar(peek())) {
                pos++;
            }
            return s.substring(start, pos);
        }

        String quoted() {
            pos++; // opening quote
            StringBuilder value = new StringBuilder();
            while (true) {
                if (atEnd()) {
                    throw BerthException.invalid("malformed WWW-Authenticate header (unterminated quote): %s", s);
                }
                char c = s.charAt(pos++);
                if (c == '"') {
                    return value.toString();
                }
                if (c == '\\' && !atEnd()) {
                    c = s.charAt(pos++);
                }
                value.append(c);
            }
        }

        private static boolean isTokenChar(char c) {
            // RFC 9110 tchar, plus '/' and ':' which sloppy servers leave unquoted in realm URLs.
            return c > 32 && c < 127 && "\"(),;<=>?@[\\]{}".indexOf(c) < 0;
        }
    }
}
