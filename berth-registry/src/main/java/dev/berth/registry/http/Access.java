package dev.berth.registry.http;

import dev.berth.http.server.Request;
import dev.berth.registry.auth.Authorizer;
import dev.berth.registry.auth.Scope;
import dev.berth.registry.error.OciError;
import dev.berth.registry.error.RegistryException;
import dev.berth.registry.storage.RepositoryStore;
import java.util.Map;

/**
 * What every endpoint checks before it acts: the repository name, the client's right to the
 * scope it needs (a 401 with the challenge otherwise), and, for a change, that the registry is
 * not read-only.
 */
final class Access {
    private final Authorizer authorizer;
    private final boolean readOnly;

    Access(Authorizer authorizer, boolean readOnly) {
        this.authorizer = authorizer;
        this.readOnly = readOnly;
    }

    /** The {@code {name}} of the path, checked against the spec's grammar. */
    static String name(Request r) {
        String name = r.param("name");
        RepositoryStore.checkName(name);
        return name;
    }

    /** Refuses with UNAUTHORIZED and the challenge unless the client may act on {@code needed} (null: the base check). */
    void require(Request r, Scope needed) {
        Authorizer.Decision d = authorizer.authorize(r.header("Authorization"), needed, r.header("Host"), r.tls());
        if (d.allowed()) {
            return;
        }
        Map<String, Object> detail = needed == null
                ? Map.of()
                : Map.of("type", needed.type(), "name", needed.name(), "action", String.join(",", needed.actions()));
        throw RegistryException.withDetail(OciError.UNAUTHORIZED, detail, "%s", d.message())
                .withHeader("WWW-Authenticate", d.challenge());
    }

    /** As {@link #require}, for a request that changes the registry. */
    void requireWrite(Request r, Scope needed) {
        require(r, needed);
        if (readOnly) {
            throw RegistryException.of(OciError.UNSUPPORTED, "registry is in read-only mode");
        }
    }

    /** True when the client may pull {@code repository} (a mount's source); no challenge. */
    boolean mayPull(Request r, String repository) {
        try {
            RepositoryStore.checkName(repository);
        } catch (RegistryException e) {
            return false;
        }
        return authorizer
                .authorize(
                        r.header("Authorization"), Scope.repository(repository, Scope.PULL), r.header("Host"), r.tls())
                .allowed();
    }
}
