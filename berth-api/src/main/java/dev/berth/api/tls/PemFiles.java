package dev.berth.api.tls;

import dev.berth.core.error.BerthException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files of docker's {@code --tlscacert}, {@code --tlscert} and {@code --tlskey}.
 *
 * <p>Why not Netty's loaders ({@code SslContextBuilder.forServer(File, File)}): their errors do
 * not say which file is wrong, they do not notice a key that belongs to another certificate (the
 * handshake fails later, on the client's side), and the berth CLI needs the same files as a JDK
 * {@code SSLContext} for its blocking sockets. The JDK parses the certificates; only the key's
 * PEM armour (base64 around PKCS#8, or PKCS#1 for "RSA PRIVATE KEY", which OpenSSL 1.x and
 * Docker's own instructions produce) is unwrapped here.
 */
public final class PemFiles {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\R(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA"};

    private PemFiles() {}

    /** Every certificate in {@code file}, in order; {@code what} names the file's role in messages. */
    public static List<X509Certificate> certificates(Path file, String what) {
        String text = read(file, what);
        List<X509Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block block : blocks(text)) {
                if (block.label().equals("CERTIFICATE")) {
                    certs.add((X509Certificate)
                            factory.generateCertificate(new ByteArrayInputStream(block.der(file, what))));
                }
            }
        } catch (CertificateException e) {
            throw BerthException.invalid("%s %s holds a malformed certificate: %s", what, file, e.getMessage());
        }
        if (certs.isEmpty()) {
            throw BerthException.invalid("%s %s holds no PEM certificate (-----BEGIN CERTIFICATE-----)", what, file);
        }
        return certs;
    }

    /**
     * The unencrypted private key in {@code file}: PKCS#8 "PRIVATE KEY", PKCS#1 "RSA PRIVATE KEY" or
     * SEC1 "EC PRIVATE KEY" (what {@code openssl ecparam -genkey} writes), as Go's tls.X509KeyPair takes.
     */
    public static PrivateKey privateKey(Path file, String what) {
        String text = read(file, what);
        for (Block block : blocks(text)) {
            switch (block.label()) {
                case "PRIVATE KEY" -> {
                    return pkcs8(block.der(file, what), file, what);
                }
                case "RSA PRIVATE KEY" -> {
                    if (block.body().contains("ENCRYPTED")) {
                        throw encrypted(file, what);
                    }
                    return pkcs8(rsaToPkcs8(block.der(file, what)), file, what);
                }
                case "ENCRYPTED PRIVATE KEY" -> throw encrypted(file, what);
                case "EC PRIVATE KEY" -> {
                    if (block.body().contains("ENCRYPTED")) {
                        throw encrypted(file, what);
                    }
                    return pkcs8(ecToPkcs8(block.der(file, what), file, what), file, what);
                }
                default -> {
                    // certificates or parameters beside the key: not ours to read
                }
            }
        }
        throw BerthException.invalid("%s %s holds no PEM private key (-----BEGIN PRIVATE KEY-----)", what, file);
    }

    /**
     * Fails unless {@code key} is the private half of {@code cert}'s public key: signs a random
     * message with one and verifies it with the other, which works for every key type the JDK
     * signs with. dockerd refuses such a pair at start ("private key does not match public key").
     */
    public static void checkPair(X509Certificate cert, Path certFile, PrivateKey key, Path keyFile) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> key.getAlgorithm();
            case "DSA" -> "SHA256withDSA";
            default -> null; // RSASSA-PSS needs parameters; the handshake will tell
        };
        if (algorithm == null) {
            return;
        }
        byte[] message = new byte[32];
        new SecureRandom().nextBytes(message);
        boolean matches;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(message);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(message);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw BerthException.invalid(
                    "TLS key %s does not match the certificate %s (its public key is another)", keyFile, certFile);
        }
    }

    private static String read(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw BerthException.invalid("%s %s does not exist", what, file);
        } catch (IOException e) {
            throw BerthException.invalid("cannot read %s %s: %s", what, file, e.toString());
        }
    }

    private record Block(String label, String body) {
        byte[] der(Path file, String what) {
            StringBuilder base64 = new StringBuilder();
            for (String line : body.split("\\R")) {
                if (!line.contains(":")) { // RFC 1421 headers (Proc-Type, DEK-Info) are not data
                    base64.append(line.strip());
                }
            }
            try {
                return Base64.getDecoder().decode(base64.toString());
            } catch (IllegalArgumentException e) {
                throw BerthException.invalid("%s %s: the %s block is not valid base64", what, file, label);
            }
        }
    }

    private static List<Block> blocks(String text) {
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            blocks.add(new Block(m.group(1), m.group(2)));
        }
        return blocks;
    }

    private static PrivateKey pkcs8(byte[] der, Path file, String what) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        throw BerthException.invalid("%s %s holds a private key of no known type (RSA, EC, Ed25519, DSA)", what, file);
    }

    private static BerthException encrypted(Path file, String what) {
        return BerthException.invalid("%s %s is encrypted; berth, like dockerd, needs an unencrypted key", what, file);
    }

    /** PKCS#8 PrivateKeyInfo around a PKCS#1 RSAPrivateKey: version 0, rsaEncryption, the key as an octet string. */
    private static byte[] rsaToPkcs8(byte[] pkcs1) {
        byte[] version = {0x02, 0x01, 0x00};
        byte[] rsaEncryption = {
            0x30,
            0x0d,
            0x06,
            0x09,
            0x2a,
            (byte) 0x86,
            0x48,
            (byte) 0x86,
            (byte) 0xf7,
            0x0d,
            0x01,
            0x01,
            0x01,
            0x05,
            0x00
        };
        byte[] octets = der(0x04, pkcs1);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(version);
        body.writeBytes(rsaEncryption);
        body.writeBytes(octets);
        return der(0x30, body.toByteArray());
    }

    /** DER of the OID id-ecPublicKey (1.2.840.10045.2.1), the algorithm of every EC key in PKCS#8. */
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    /**
     * PKCS#8 PrivateKeyInfo around a SEC1 ECPrivateKey (RFC 5915): version 0, id-ecPublicKey with
     * the named curve from the key's own {@code [0]} parameters, the key as an octet string.
     */
    private static byte[] ecToPkcs8(byte[] sec1, Path file, String what) {
        byte[] curve = null;
        try {
            int[] key = contents(sec1, 0);
            for (int at = key[0]; at < key[0] + key[1]; ) {
                int[] field = contents(sec1, at);
                if ((sec1[at] & 0xff) == 0xa0) {
                    curve = java.util.Arrays.copyOfRange(sec1, field[0], field[0] + field[1]);
                }
                at = field[0] + field[1];
            }
        } catch (IndexOutOfBoundsException e) {
            throw BerthException.invalid("%s %s: the EC PRIVATE KEY block is not valid DER", what, file);
        }
        if (curve == null || curve.length == 0 || curve[0] != 0x06) {
            throw BerthException.invalid("%s %s: the EC PRIVATE KEY names no curve", what, file);
        }
        ByteArrayOutputStream algorithm = new ByteArrayOutputStream();
        algorithm.writeBytes(EC_PUBLIC_KEY);
        algorithm.writeBytes(curve);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(der(0x30, algorithm.toByteArray()));
        body.writeBytes(der(0x04, sec1));
        return der(0x30, body.toByteArray());
    }

    /** Where the contents of the DER element at {@code at} start, and their length. */
    private static int[] contents(byte[] der, int at) {
        int length = der[at + 1] & 0xff;
        int start = at + 2;
        if (length >= 0x80) {
            int bytes = length & 0x7f;
            if (bytes > 3) {
                throw new IndexOutOfBoundsException("DER length of " + bytes + " bytes");
            }
            length = 0;
            for (int i = 0; i < bytes; i++) {
                length = (length << 8) | (der[start++] & 0xff);
            }
        }
        if (start + length > der.length) {
            throw new IndexOutOfBoundsException("DER element past the end");
        }
        return new int[] {start, length};
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
