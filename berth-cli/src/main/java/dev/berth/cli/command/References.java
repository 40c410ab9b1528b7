package dev.berth.cli.command;

/**
 * The little of Docker's reference grammar the CLI needs to lay out what the daemon returns and to
 * split a user's "repo[:tag]" for the query; the daemon validates and normalizes names.
 */
final class References {
    private References() {}

    /** "docker.io/library/busybox" → "busybox", "docker.io/foo/bar" → "foo/bar" (reference.FamiliarName). */
    static String familiar(String name) {
        String n = name;
        if (n.startsWith("docker.io/")) {
            n = n.substring("docker.io/".length());
        } else if (n.startsWith("index.docker.io/")) {
            n = n.substring("index.docker.io/".length());
        } else {
            return n;
        }
        if (n.startsWith("library/") && n.indexOf('/', "library/".length()) < 0) {
            n = n.substring("library/".length());
        }
        return n;
    }

    /** Splits "name:tag" (the tag is after the last ':' that follows the last '/'); tag null when absent. */
    static String[] nameAndTag(String reference) {
        String withoutDigest = reference;
        int at = reference.indexOf('@');
        if (at >= 0) {
            withoutDigest = reference.substring(0, at);
        }
        int slash = withoutDigest.lastIndexOf('/');
        int colon = withoutDigest.lastIndexOf(':');
        if (colon > slash) {
            return new String[] {withoutDigest.substring(0, colon), withoutDigest.substring(colon + 1)};
        }
        return new String[] {withoutDigest, null};
    }

    /** Splits "name@digest"; null when there is no digest. */
    static String[] nameAndDigest(String reference) {
        int at = reference.indexOf('@');
        return at < 0 ? null : new String[] {reference.substring(0, at), reference.substring(at + 1)};
    }
}
