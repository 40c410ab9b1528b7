package dev.berth.engine.distribution;

import dev.berth.core.error.BerthException;
import dev.berth.core.reference.RegistryHosts;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * The daemon's registry settings: {@code --registry-mirror} (Docker Hub mirrors, tried before
 * Docker Hub for pulls), {@code --insecure-registry} (hosts, {@code host:port}, or CIDR ranges
 * reached over plain HTTP or unverified TLS; loopback is always insecure, as in Docker),
 * {@code --max-concurrent-downloads} and {@code --max-concurrent-uploads}.
 */
public record RegistrySettings(
        List<URI> mirrors,
        List<String> insecureRegistries,
        int maxConcurrentDownloads,
        int maxConcurrentUploads,
        Duration connectTimeout) {

    /** Docker's defaults: no mirrors, only loopback insecure, 3 downloads and 5 uploads at once. */
    public static final RegistrySettings DEFAULTS =
            new RegistrySettings(List.of(), List.of(), 3, 5, Duration.ofSeconds(15));

    public RegistrySettings {
        mirrors = List.copyOf(mirrors);
        insecureRegistries = List.copyOf(insecureRegistries);
        if (maxConcurrentDownloads < 1 || maxConcurrentUploads < 1) {
            throw BerthException.invalid("max concurrent downloads and uploads must be at least 1");
        }
        for (URI mirror : mirrors) {
            if (mirror.getScheme() == null
                    || !List.of("http", "https").contains(mirror.getScheme())
                    || mirror.getHost() == null) {
                throw BerthException.invalid("invalid registry mirror %s: must be an http or https URL", mirror);
            }
        }
    }

    /** Parses the daemon flags' text forms ({@code https://mirror.example}, {@code 10.0.0.0/8}). */
    public static RegistrySettings of(
            List<String> mirrors, List<String> insecureRegistries, int downloads, int uploads) {
        List<URI> uris = mirrors.stream()
                .map(m -> {
                    String text = m.endsWith("/") ? m.substring(0, m.length() - 1) : m;
                    try {
                        return URI.create(text);
                    } catch (IllegalArgumentException e) {
                        throw BerthException.invalid("invalid registry mirror %s: %s", m, e.getMessage());
                    }
                })
                .toList();
        List<String> insecure = insecureRegistries.stream()
                .map(r -> r.replaceFirst("^https?://", "").replaceFirst("/$", ""))
                .toList();
        return new RegistrySettings(uris, insecure, downloads, uploads, DEFAULTS.connectTimeout());
    }

    public RegistrySettings withMaxConcurrentDownloads(int n) {
        return new RegistrySettings(mirrors, insecureRegistries, n, maxConcurrentUploads, connectTimeout);
    }

    /**
     * True when {@code domain} (host with optional port) may be reached without verified TLS:
     * loopback, a listed host or host:port, or an IP literal inside a listed CIDR range.
     */
    public boolean isInsecure(String domain) {
        if (RegistryHosts.isLoopback(domain)) {
            return true;
        }
        String host = RegistryHosts.hostWithoutPort(domain);
        for (String entry : insecureRegistries) {
            if (entry.equals(domain) || entry.equals(host)) {
                return true;
            }
            if (entry.contains("/") && inCidr(host, entry)) {
                return true;
            }
        }
        return false;
    }

    private static boolean inCidr(String host, String cidr) {
        String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (!literal.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // names are not resolved here: that could block on DNS
        }
        try {
            byte[] address = InetAddress.getByName(literal).getAddress();
            int slash = cidr.indexOf('/');
            byte[] network = InetAddress.getByName(cidr.substring(0, slash)).getAddress();
            int bits = Integer.parseInt(cidr.substring(slash + 1));
            if (address.length != network.length || bits < 0 || bits > address.length * 8) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((address[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException | NumberFormatException e) {
            return false;
        }
    }
}
