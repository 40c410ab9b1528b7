package dev.berth.api.tls;

import dev.berth.core.error.BerthException;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The files behind docker's {@code --tls}, {@code --tlsverify}, {@code --tlscacert},
 * {@code --tlscert} and {@code --tlskey}, resolved as dockerd and the docker CLI resolve them:
 * a file not given is {@code ca.pem}, {@code cert.pem} or {@code key.pem} in
 * {@code $DOCKER_CERT_PATH}, else in docker's configuration directory ({@code $DOCKER_CONFIG},
 * else {@code ~/.docker}); {@code --tlsverify} (given at all, or {@code DOCKER_TLS_VERIFY} set to
 * anything, even "0", as docker reads it) turns TLS on.
 *
 * @param verify whether the peer must present a certificate signed by {@code ca}
 * @param ca     the CA bundle that signs peers' certificates (read only when verifying)
 * @param cert   our own certificate; null for a client that has none
 * @param key    the private key of {@code cert}; null with it
 */
public record TlsFiles(boolean verify, Path ca, Path cert, Path key) {
    public static final String CA_FILE = "ca.pem";
    public static final String CERT_FILE = "cert.pem";
    public static final String KEY_FILE = "key.pem";
    /** dockerd's and docker's floor. */
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    /** The directory of the default files: $DOCKER_CERT_PATH, else $DOCKER_CONFIG, else ~/.docker. */
    public static Path certDirectory(Map<String, String> env) {
        String certPath = env.get("DOCKER_CERT_PATH");
        if (certPath != null && !certPath.isEmpty()) {
            return Path.of(certPath);
        }
        String config = env.get("DOCKER_CONFIG");
        if (config != null && !config.isEmpty()) {
            return Path.of(config);
        }
        return Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".docker");
    }

    /**
     * The daemon's TLS, or null when it serves plain HTTP. Unlike a client's, the daemon's
     * certificate and key are always needed, so their default paths stay even when missing (and
     * {@link #serverContext} says which file is missing).
     *
     * @param tlsVerify {@code --tlsverify} as given, or null when not given
     */
    public static TlsFiles forDaemon(
            boolean tls, Boolean tlsVerify, Path ca, Path cert, Path key, Map<String, String> env) {
        boolean verify = tlsVerify != null ? tlsVerify : verifyFromEnv(env);
        if (!tls && !verify && tlsVerify == null) {
            return null;
        }
        Path dir = certDirectory(env);
        return new TlsFiles(verify, or(ca, dir, CA_FILE), or(cert, dir, CERT_FILE), or(key, dir, KEY_FILE));
    }

    /**
     * A client's TLS, or null for plain connections: {@code --tls} (or DOCKER_TLS) without
     * verification trusts any server, as docker's; a certificate or key not given whose default
     * file does not exist is left out (docker sends no client certificate then).
     */
    public static TlsFiles forClient(
            boolean tls, Boolean tlsVerify, Path ca, Path cert, Path key, Map<String, String> env) {
        boolean verify = tlsVerify != null ? tlsVerify : verifyFromEnv(env);
        boolean tlsFromEnv =
                env.get("DOCKER_TLS") != null && !env.get("DOCKER_TLS").isEmpty();
        if (!tls && !tlsFromEnv && !verify && tlsVerify == null) {
            return null;
        }
        Path dir = certDirectory(env);
        Path certFile = cert != null ? cert : existing(dir.resolve(CERT_FILE));
        Path keyFile = key != null ? key : existing(dir.resolve(KEY_FILE));
        if ((certFile == null) != (keyFile == null)) {
            throw BerthException.invalid(
                    "TLS client certificate and key go together: %s is given, %s is not",
                    certFile != null ? certFile : keyFile,
                    certFile != null ? dir.resolve(KEY_FILE) : dir.resolve(CERT_FILE));
        }
        return new TlsFiles(verify, or(ca, dir, CA_FILE), certFile, keyFile);
    }

    private static boolean verifyFromEnv(Map<String, String> env) {
        String value = env.get("DOCKER_TLS_VERIFY");
        return value != null && !value.isEmpty();
    }

    private static Path or(Path given, Path dir, String name) {
        return given != null ? given : dir.resolve(name);
    }

    private static Path existing(Path file) {
        return Files.exists(file) ? file : null;
    }

    /**
     * The daemon's TLS context: its certificate and key, and with {@link #verify} a client
     * certificate signed by the CA is required. Every file is read and checked now, so that a
     * wrong one stops the daemon at start with its name.
     */
    public SslContext serverContext() {
        List<X509Certificate> chain = PemFiles.certificates(cert, "TLS certificate");
        PrivateKey privateKey = PemFiles.privateKey(key, "TLS key");
        PemFiles.checkPair(chain.getFirst(), cert, privateKey, key);
        SslContextBuilder builder = SslContextBuilder.forServer(privateKey, chain)
                .sslProvider(SslProvider.JDK)
                .protocols(PROTOCOLS);
        if (verify) {
            builder.trustManager(PemFiles.certificates(ca, "TLS CA certificate"))
                    .clientAuth(ClientAuth.REQUIRE);
        }
        try {
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw BerthException.invalid("cannot use TLS certificate %s with key %s: %s", cert, key, e.getMessage());
        }
    }

    /**
     * A client's TLS context for blocking JDK sockets: our certificate when we have one, and the
     * CA that must have signed the daemon's certificate (any certificate when not verifying).
     */
    public SSLContext clientContext() {
        try {
            KeyManager[] keyManagers = null;
            if (cert != null) {
                List<X509Certificate> chain = PemFiles.certificates(cert, "TLS certificate");
                PrivateKey privateKey = PemFiles.privateKey(key, "TLS key");
                PemFiles.checkPair(chain.getFirst(), cert, privateKey, key);
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("client", privateKey, new char[0], chain.toArray(X509Certificate[]::new));
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, new char[0]);
                keyManagers = kmf.getKeyManagers();
            }
            TrustManager[] trustManagers;
            if (verify) {
                KeyStore trusted = KeyStore.getInstance("PKCS12");
                trusted.load(null, null);
                int i = 0;
                for (X509Certificate caCert : PemFiles.certificates(ca, "TLS CA certificate")) {
                    trusted.setCertificateEntry("ca" + i++, caCert);
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trusted);
                trustManagers = tmf.getTrustManagers();
            } else {
                trustManagers = new TrustManager[] {new TrustingAnyServer()};
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, trustManagers, null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw BerthException.internal("cannot set up TLS with " + this + ": " + e.getMessage(), e);
        }
    }

    /** The protocols a client offers. */
    public static String[] protocols() {
        return PROTOCOLS.clone();
    }

    /** docker's {@code --tls} without {@code --tlsverify}: encrypted, but any server certificate goes. */
    private static final class TrustingAnyServer implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client's trust manager does not check clients");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // trusted by the user's choice of --tls without --tlsverify
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
