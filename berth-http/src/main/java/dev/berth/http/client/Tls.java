package dev.berth.http.client;

import java.util.List;
import javax.net.ssl.SSLSocketFactory;

/**
 * How a client speaks TLS to a target.
 *
 * @param factory the sockets' TLS: verified against a trust store, or trusting any certificate
 *     (an insecure registry, as Docker's {@code --insecure-registry} means)
 * @param verifyHost check that the certificate names the host (RFC 2818), as Go's client does
 * @param protocols the protocol versions to offer, or empty for the factory's own
 */
public record Tls(SSLSocketFactory factory, boolean verifyHost, List<String> protocols) {
    public Tls {
        protocols = List.copyOf(protocols);
    }

    public Tls(SSLSocketFactory factory, boolean verifyHost) {
        this(factory, verifyHost, List.of());
    }
}
