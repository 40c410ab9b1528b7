package dev.berth.registry.manifest;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The manifest media types a client named in its {@code Accept} headers. As in Docker's
 * distribution ({@code registry/handlers/manifests.go}), {@code q=} weights are ignored: a type is
 * either accepted or not. Unlike distribution, a request without any Accept header (curl, a
 * browser) or with a wildcard accepts whatever is stored, since the client expressed no limit.
 */
public record AcceptedTypes(Set<String> types, boolean any) {
    /** From every {@code Accept} header value of a request (each a comma-separated list). */
    public static AcceptedTypes parse(List<String> headerValues) {
        Set<String> types = new LinkedHashSet<>();
        boolean any = headerValues.isEmpty();
        for (String header : headerValues) {
            for (String item : header.split(",")) {
                int semi = item.indexOf(';');
                String type =
                        (semi >= 0 ? item.substring(0, semi) : item).strip().toLowerCase(Locale.ROOT);
                if (type.equals("*/*") || type.equals("application/*")) {
                    any = true;
                } else if (!type.isEmpty()) {
                    types.add(type);
                }
            }
        }
        return new AcceptedTypes(Set.copyOf(types), any || types.isEmpty());
    }

    public boolean accepts(String mediaType) {
        return any || types.contains(mediaType);
    }
}
