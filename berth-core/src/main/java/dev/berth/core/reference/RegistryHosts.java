package dev.berth.core.reference;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Where a reference's domain is reached. Docker Hub is named {@code docker.io} in references but
 * served by {@code registry-1.docker.io}, and docker's config.json keys its credentials by the
 * legacy index URL (moby registry/config.go: IndexName, IndexHostname, IndexServer,
 * DefaultRegistryHost).
 */
public final class RegistryHosts {
    public static final String DOCKER_HUB = ImageReference.DEFAULT_DOMAIN;
    /** The host that actually serves Docker Hub's registry API. */
    public static final String DOCKER_HUB_API_HOST = "registry-1.docker.io";
    /** Docker Hub's legacy index host; references written with it normalize to docker.io. */
    public static final String DOCKER_HUB_INDEX_HOST = "index.docker.io";
    /** The key under which docker's config.json stores Docker Hub credentials. */
    public static final String DOCKER_HUB_AUTH_KEY = "https://index.docker.io/v1/";

    private static final Pattern IPV4_LITERAL = Pattern.compile("[0-9]{1,3}(?:\\.[0-9]{1,3}){3}");

    private RegistryHosts() {}

    /** The host (with port) to send registry API requests for {@code domain}. */
    public static String apiHost(String domain) {
        return isDockerHub(domain) ? DOCKER_HUB_API_HOST : domain;
    }

    /** The key to look credentials up by in docker's config.json. */
    public static String authConfigKey(String domain) {
        return isDockerHub(domain) ? DOCKER_HUB_AUTH_KEY : domain;
    }

    public static boolean isDockerHub(String domain) {
        return DOCKER_HUB.equals(domain) || DOCKER_HUB_INDEX_HOST.equals(domain) || DOCKER_HUB_API_HOST.equals(domain);
    }

    /**
     * True for {@code localhost} and loopback IP literals (any port). Docker treats registries on
     * 127.0.0.0/8 as insecure (plain HTTP allowed) by default; Berth does the same for ::1. Names
     * other than localhost are not resolved here, so this never blocks on DNS.
     */
    public static boolean isLoopback(String domain) {
        String host = hostWithoutPort(domain);
        if (host.equals("localhost")) {
            return true;
        }
        boolean literal = IPV4_LITERAL.matcher(host).matches() || host.startsWith("[");
        if (!literal) {
            return false;
        }
        try {
            // A literal is parsed, not looked up.
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** {@code localhost:5000} → {@code localhost}; {@code [::1]:5000} → {@code [::1]}. */
    public static String hostWithoutPort(String domain) {
        int close = domain.lastIndexOf(']');
        int colon = domain.lastIndexOf(':');
        return colon > close ? domain.substring(0, colon) : domain;
    }
}
