package dev.berth.api.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * How Berth names itself on the wire. Docker clients read {@code Api-Version}, {@code Ostype} and
 * {@code Docker-Experimental} from every response (the CLI negotiates its API version from
 * {@code /_ping}'s); {@code Server} is informational and keeps Docker's {@code Name/version (os)} form.
 * Version, build time and commit come from {@code build.properties}, filtered by the build.
 */
public final class ServerIdentity {
    private static final Properties BUILD = load();

    /** Berth's version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static final String VERSION = property("version", "0.1.0-dev");

    public static final String BUILD_TIME = property("buildTime", "");
    public static final String GIT_COMMIT = property("gitCommit", "unknown");
    public static final String SERVER_HEADER = "Berth/" + VERSION + " (linux)";

    private ServerIdentity() {}

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = ServerIdentity.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // an unreadable resource only costs the version strings; defaults below
        }
        return p;
    }

    private static String property(String key, String fallback) {
        String v = BUILD.getProperty(key);
        return v == null || v.isEmpty() || v.startsWith("${") ? fallback : v;
    }
}
