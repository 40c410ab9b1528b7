package dev.berth.registry.auth;

import dev.berth.core.error.BerthException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An access scope in Docker's token grammar, {@code type:name:action[,action…]}, e.g.
 * {@code repository:library/busybox:pull,push} or {@code registry:catalog:*}.
 */
public record Scope(String type, String name, Set<String> actions) {
    public static final String PULL = "pull";
    public static final String PUSH = "push";
    public static final String DELETE = "delete";

    public Scope {
        actions = Set.copyOf(actions);
    }

    public static Scope repository(String name, String... actions) {
        return new Scope("repository", name, new LinkedHashSet<>(List.of(actions)));
    }

    public static Scope catalog() {
        return new Scope("registry", "catalog", Set.of("*"));
    }

    /** Parses one scope; the name may not hold a colon (repository names cannot). */
    public static Scope parse(String text) {
        int first = text.indexOf(':');
        int last = text.lastIndexOf(':');
        if (first <= 0 || last == first) {
            throw BerthException.invalid("invalid scope: %s", text);
        }
        Set<String> actions = new LinkedHashSet<>();
        for (String a : text.substring(last + 1).split(",")) {
            if (!a.isBlank()) {
                actions.add(a.trim());
            }
        }
        return new Scope(text.substring(0, first), text.substring(first + 1, last), actions);
    }

    /** The {@code scope} query parameters of a token request (each may hold several, space separated). */
    public static List<Scope> parseAll(List<String> params) {
        List<Scope> out = new ArrayList<>();
        for (String p : params) {
            for (String s : p.trim().split(" +")) {
                if (!s.isEmpty()) {
                    out.add(parse(s));
                }
            }
        }
        return out;
    }

    /** True when this grant allows everything {@code needed} asks for. */
    public boolean covers(Scope needed) {
        if (!type.equals(needed.type) || !name.equals(needed.name)) {
            return false;
        }
        return actions.contains("*") || actions.containsAll(needed.actions);
    }

    @Override
    public String toString() {
        return type + ":" + name + ":"
                + String.join(
                        ",",
                        actions.stream()
                                .sorted((a, b) -> Integer.compare(order(a), order(b)) != 0
                                        ? Integer.compare(order(a), order(b))
                                        : a.compareTo(b))
                                .toList());
    }

    private static int order(String action) {
        return switch (action) {
            case PULL -> 0;
            case PUSH -> 1;
            default -> 2;
        };
    }
}
