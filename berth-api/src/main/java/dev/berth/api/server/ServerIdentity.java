package dev.berth.api.server;

/**
 * How Berth names itself on the wire. Docker clients read {@code Api-Version}, {@code Ostype} and
 * {@code Docker-Experimental} from every response (the CLI negotiates its API version from
 * {@code /_ping}'s); {@code Server} is informational and keeps Docker's {@code Name/version (os)} form.
 */
public final class ServerIdentity {
    /** Berth's version: the jar's Implementation-Version, or the development version. */
    public static final String VERSION = versionOfJar();

    public static final String SERVER_HEADER = "Berth/" + VERSION + " (linux)";

    private ServerIdentity() {
    }

    private static String versionOfJar() {
        String v = ServerIdentity.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-dev" : v;
    }
}
