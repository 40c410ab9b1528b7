package dev.berth.engine.distribution;

import dev.berth.core.auth.RegistryCredentials;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.reference.RegistryHosts;
import dev.berth.http.client.ClientRequest;
import dev.berth.http.client.ClientResponse;
import dev.berth.http.client.ConnectTimeoutException;
import dev.berth.http.client.HttpClient;
import dev.berth.http.client.Target;
import dev.berth.http.client.Tls;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Talks to OCI Distribution registries. Holds what outlives one operation: the HTTP client and
 * its kept connections, which endpoint answered for each registry, and bearer tokens per scope;
 * a {@link RegistrySession} does the requests for one registry and one set of credentials.
 *
 * <p>Transport: berth-http's one client, on blocking sockets that a download reads straight into
 * its buffer (see {@code dev.berth.http.client.Connection} for why not the JDK's HttpClient, with
 * timings). Parallel layer downloads take one connection each; connections whose answer was read
 * to its end serve the next request to the same registry.
 */
public final class RegistryClient implements AutoCloseable {
    private final RegistrySettings settings;
    private final HttpClient http;
    private final Tls verified;
    private final Tls unverified;
    private final TokenCache tokens = new TokenCache();
    /** Domain → the base URI (scheme://host[:port]) whose {@code /v2/} answered, and its challenge. */
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();

    /** A registry base URI known to answer, with the auth challenge its {@code /v2/} gave (null: none needed). */
    record Endpoint(URI base, boolean insecure, AuthChallenge challenge, boolean mirror) {}

    public RegistryClient(RegistrySettings settings) {
        this.settings = settings;
        this.http = new HttpClient(settings.connectTimeout(), "berth");
        try {
            this.verified = new Tls(SSLContext.getDefault().getSocketFactory(), true);
        } catch (GeneralSecurityException e) {
            throw BerthException.internal("cannot set up TLS: " + e.getMessage(), e);
        }
        // Certificates and host names go unchecked for insecure registries anyway.
        this.unverified = new Tls(trustAll().getSocketFactory(), false);
    }

    public RegistrySettings settings() {
        return settings;
    }

    /** A session with the registry of {@code domain} ({@code docker.io}, {@code 127.0.0.1:5000}). */
    public RegistrySession session(String domain, RegistryCredentials credentials, boolean forPush) {
        return new RegistrySession(
                this, domain, credentials == null ? RegistryCredentials.ANONYMOUS : credentials, forPush);
    }

    /**
     * Where {@code domain}'s registry API is reached, in the order to try: for Docker Hub pulls the
     * configured mirrors, then Docker Hub's API host; for an insecure registry HTTPS (unverified)
     * then plain HTTP, as Docker does; else HTTPS only.
     */
    List<Candidate> candidates(String domain, boolean forPush) {
        List<Candidate> out = new ArrayList<>();
        if (RegistryHosts.isDockerHub(domain) && !forPush) {
            for (URI mirror : settings.mirrors()) {
                boolean insecure = "http".equals(mirror.getScheme()) || settings.isInsecure(mirror.getAuthority());
                out.add(new Candidate(mirror, insecure, true));
            }
        }
        String host = RegistryHosts.apiHost(domain);
        if (settings.isInsecure(domain)) {
            out.add(new Candidate(URI.create("https://" + host), true, false));
            out.add(new Candidate(URI.create("http://" + host), true, false));
        } else {
            out.add(new Candidate(URI.create("https://" + host), false, false));
        }
        return out;
    }

    record Candidate(URI base, boolean insecure, boolean mirror) {}

    /** The endpoint that answered for {@code domain} before (per push/pull, since mirrors serve pulls only). */
    Endpoint knownEndpoint(String domain, boolean forPush) {
        return endpoints.get(key(domain, forPush));
    }

    void remember(String domain, boolean forPush, Endpoint endpoint) {
        endpoints.put(key(domain, forPush), endpoint);
    }

    void forget(String domain, boolean forPush) {
        endpoints.remove(key(domain, forPush));
    }

    private static String key(String domain, boolean forPush) {
        return (forPush ? "push:" : "pull:") + domain;
    }

    TokenCache tokens() {
        return tokens;
    }

    /** True when {@code uri} is reached without TLS checks: plain http, or a host declared insecure. */
    boolean insecure(URI uri) {
        return "http".equals(uri.getScheme()) || settings.isInsecure(uri.getAuthority());
    }

    /**
     * Sends one request to {@code uri}, turning transport failures into UNAVAILABLE naming the
     * host (the user must see which registry could not be reached, and why).
     *
     * @param readTimeout how long a read of the answer may wait (zero: for ever)
     */
    ClientResponse send(boolean insecure, URI uri, ClientRequest request, Duration readTimeout) {
        try {
            return http.send(Target.of(uri, insecure ? unverified : verified), request, readTimeout);
        } catch (IOException e) {
            throw unreachable(request.method(), uri, e);
        }
    }

    static BerthException unreachable(String method, URI uri, IOException e) {
        return new BerthException(
                ErrorKind.UNAVAILABLE,
                "%s \"%s\": registry %s is unreachable: %s"
                        .formatted(capitalized(method), uri, uri.getAuthority(), reason(e)),
                e);
    }

    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof ConnectTimeoutException) {
                return "connection timed out";
            }
            if (t instanceof SocketTimeoutException) {
                return "request timed out";
            }
            if (t instanceof UnknownHostException) {
                return "no such host";
            }
            if (t instanceof SSLException) {
                return "TLS failure: " + t.getMessage();
            }
        }
        String message = e.getMessage();
        return message == null || message.isEmpty() ? e.getClass().getSimpleName() : message;
    }

    private static String capitalized(String method) {
        return method.charAt(0) + method.substring(1).toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * TLS without certificate or host name checks, for registries the operator declared insecure
     * (Docker's {@code --insecure-registry} means the same). An {@link X509ExtendedTrustManager}
     * is used because the JDK performs host name checks inside it; the plain X509TrustManager
     * would be wrapped and checked anyway.
     */
    private static SSLContext trustAll() {
        TrustManager trustAll = new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustAll}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw BerthException.internal("cannot set up TLS for insecure registries", e);
        }
    }

    static Duration tokenMargin() {
        return Duration.ofSeconds(10);
    }

    /** Closes the kept connections. */
    @Override
    public void close() {
        http.close();
    }
}
