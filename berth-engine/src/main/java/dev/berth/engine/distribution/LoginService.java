package dev.berth.engine.distribution;

import dev.berth.core.auth.RegistryCredentials;
import dev.berth.core.error.BerthException;
import dev.berth.core.reference.ImageReference;
import dev.berth.core.reference.RegistryHosts;

/**
 * {@code docker login} ({@code POST /auth}): checks credentials against a registry the way Docker
 * does (ping {@code /v2/}, answer its challenge with them) and says "Login Succeeded". The
 * daemon keeps nothing; the client stores the credentials.
 */
public final class LoginService {
    private final RegistryClient client;

    public LoginService(RegistryClient client) {
        this.client = client;
    }

    /** What {@code /auth} answers: a status, and an identity token when the registry issues one (never here). */
    public record Login(String status, String identityToken) {}

    public Login login(RegistryCredentials credentials) {
        String domain = domainOf(credentials.serverAddress());
        client.session(domain, credentials, true).login();
        return new Login("Login Succeeded", "");
    }

    /**
     * The registry domain of a {@code serveraddress}: empty or Docker Hub's index URL mean
     * docker.io; a URL gives its host and port.
     */
    static String domainOf(String serverAddress) {
        if (serverAddress == null || serverAddress.isBlank()) {
            return ImageReference.DEFAULT_DOMAIN;
        }
        String s = serverAddress.strip().replaceFirst("^[a-zA-Z]+://", "");
        int slash = s.indexOf('/');
        if (slash >= 0) {
            s = s.substring(0, slash);
        }
        if (s.isEmpty()) {
            throw BerthException.invalid("invalid registry address %s", serverAddress);
        }
        return RegistryHosts.isDockerHub(s) ? ImageReference.DEFAULT_DOMAIN : s;
    }
}
