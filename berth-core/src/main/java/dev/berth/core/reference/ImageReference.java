package dev.berth.core.reference;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An image name as Docker normalizes it: {@code busybox} is {@code docker.io/library/busybox},
 * {@code localhost:5000/foo:1} keeps its registry. Matches distribution/reference's
 * {@code ParseNormalizedNamed}, {@code TagNameOnly}, {@code ParseDockerRef} and the familiar forms
 * docker shows in {@code RepoTags}. A reference names an image; an ID (config digest) identifies
 * one, and {@link #parse} refuses text that looks like an ID.
 */
public final class ImageReference {
    public static final String DEFAULT_DOMAIN = "docker.io";
    public static final String DEFAULT_TAG = "latest";
    // Docker Hub's old name; still accepted and rewritten to docker.io.
    private static final String LEGACY_DEFAULT_DOMAIN = "index.docker.io";
    private static final String OFFICIAL_REPO_PREFIX = "library/";
    private static final String LOCALHOST = "localhost";

    private final String domain;
    private final String path;
    private final String tag;
    private final Digest digest;

    private ImageReference(String domain, String path, String tag, Digest digest) {
        this.domain = domain;
        this.path = path;
        this.tag = tag;
        this.digest = digest;
    }

    /**
     * Parses and normalizes user text ({@code busybox}, {@code foo/bar:1}, {@code name@sha256:…},
     * {@code name:tag@sha256:…}). The tag stays absent when the text has none; see
     * {@link #withDefaultTag()}. Fails with INVALID_ARGUMENT and Docker's message.
     */
    public static ImageReference parse(String text) {
        if (text == null) {
            throw BerthException.invalid("invalid reference format");
        }
        if (ReferenceGrammar.isIdentifier(text)) {
            throw BerthException.invalid(
                    "invalid repository name (%s), cannot specify 64-byte hexadecimal strings", text);
        }
        String[] split = splitDockerDomain(text);
        String remainder = split[1];
        int tagSeparator = remainder.indexOf(':');
        String remote = tagSeparator < 0 ? remainder : remainder.substring(0, tagSeparator);
        if (!remote.toLowerCase(Locale.ROOT).equals(remote)) {
            throw BerthException.invalid("invalid reference format: repository name (%s) must be lowercase", remote);
        }
        ReferenceGrammar.Parts parts = ReferenceGrammar.parse(split[0] + "/" + remainder);
        return new ImageReference(parts.domain(), parts.path(), parts.tag(), parts.digest());
    }

    /**
     * True for 64 lowercase hex characters: Docker reads such text as an image ID, never as a
     * repository name. Check it (and {@link #parseId}) before {@link #parse} when either may come.
     */
    public static boolean isIdLike(String text) {
        return ReferenceGrammar.isIdentifier(text);
    }

    /**
     * The image ID in {@code text} when it is written as one: {@code <64 hex>} or
     * {@code sha256:<64 hex>} (Docker's {@code ParseAnyReference} reads both as IDs, so
     * {@code sha256:…} is never the repository {@code library/sha256}).
     */
    public static Optional<Digest> parseId(String text) {
        if (isIdLike(text)) {
            return Optional.of(new Digest("sha256", text));
        }
        if (text != null && text.startsWith("sha256:") && isIdLike(text.substring(7))) {
            return Optional.of(new Digest("sha256", text.substring(7)));
        }
        return Optional.empty();
    }

    /**
     * Docker's splitDockerDomain: the first path element is a registry only if it is
     * {@code localhost}, contains '.' or ':', or has upper case (which a namespace may not);
     * Docker Hub names without a namespace go under {@code library/}.
     */
    private static String[] splitDockerDomain(String name) {
        int slash = name.indexOf('/');
        if (slash < 0) {
            return new String[] {DEFAULT_DOMAIN, OFFICIAL_REPO_PREFIX + name};
        }
        String maybeDomain = name.substring(0, slash);
        String maybeRemote = name.substring(slash + 1);
        String domain;
        String remote;
        if (maybeDomain.equals(LOCALHOST)) {
            domain = maybeDomain;
            remote = maybeRemote;
        } else if (maybeDomain.equals(LEGACY_DEFAULT_DOMAIN)) {
            domain = DEFAULT_DOMAIN;
            remote = maybeRemote;
        } else if (maybeDomain.indexOf('.') >= 0
                || maybeDomain.indexOf(':') >= 0
                || !maybeDomain.toLowerCase(Locale.ROOT).equals(maybeDomain)) {
            domain = maybeDomain;
            remote = maybeRemote;
        } else {
            domain = DEFAULT_DOMAIN;
            remote = name;
        }
        if (domain.equals(DEFAULT_DOMAIN) && remote.indexOf('/') < 0) {
            remote = OFFICIAL_REPO_PREFIX + remote;
        }
        return new String[] {domain, remote};
    }

    /** The registry host, with port if any: {@code docker.io}, {@code localhost:5000}, {@code [::1]:5000}. */
    public String domain() {
        return domain;
    }

    /** The repository path inside the registry: {@code library/busybox}, {@code foo/bar}. */
    public String path() {
        return path;
    }

    public Optional<String> tag() {
        return Optional.ofNullable(tag);
    }

    public Optional<Digest> digest() {
        return Optional.ofNullable(digest);
    }

    /** {@code domain/path}, e.g. {@code docker.io/library/busybox} (Docker's {@code Name()}). */
    public String repository() {
        return domain + "/" + path;
    }

    /** The short name docker shows: {@code busybox}, {@code foo/bar}, {@code localhost:5000/foo}. */
    public String familiarName() {
        if (!domain.equals(DEFAULT_DOMAIN)) {
            return repository();
        }
        // Only a single-level library/ path is shortened: docker.io/library/foo/bar stays library/foo/bar.
        if (path.startsWith(OFFICIAL_REPO_PREFIX)) {
            String remainder = path.substring(OFFICIAL_REPO_PREFIX.length());
            if (remainder.indexOf('/') < 0) {
                return remainder;
            }
        }
        return path;
    }

    /** The familiar name with tag and digest, as in docker's {@code RepoTags}: {@code busybox:latest}. */
    public String familiarString() {
        return familiarName() + suffix();
    }

    /** Adds {@code :latest} when there is neither tag nor digest (Docker's {@code TagNameOnly}). */
    public ImageReference withDefaultTag() {
        return tag == null && digest == null ? new ImageReference(domain, path, DEFAULT_TAG, null) : this;
    }

    /**
     * The form the daemon keys lookups and pulls by (Docker's {@code ParseDockerRef}): a digest
     * wins over a tag, and a bare name gets {@code :latest}.
     */
    public ImageReference dockerRef() {
        return tag != null && digest != null ? new ImageReference(domain, path, null, digest) : withDefaultTag();
    }

    /** The same repository with {@code tag} (the digest, if any, stays). */
    public ImageReference withTag(String newTag) {
        if (!ReferenceGrammar.isTag(newTag)) {
            throw BerthException.invalid("invalid tag format");
        }
        return new ImageReference(domain, path, newTag, digest);
    }

    public ImageReference withDigest(Digest newDigest) {
        return new ImageReference(domain, path, tag, Objects.requireNonNull(newDigest, "digest"));
    }

    /** The repository alone, without tag or digest (Docker's {@code TrimNamed}). */
    public ImageReference nameOnly() {
        return tag == null && digest == null ? this : new ImageReference(domain, path, null, null);
    }

    public boolean isNameOnly() {
        return tag == null && digest == null;
    }

    private String suffix() {
        return (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }

    /** The full canonical form: {@code docker.io/library/busybox:latest}. */
    @Override
    public String toString() {
        return repository() + suffix();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageReference other
                && domain.equals(other.domain)
                && path.equals(other.path)
                && Objects.equals(tag, other.tag)
                && Objects.equals(digest, other.digest);
    }

    @Override
    public int hashCode() {
        return Objects.hash(domain, path, tag, digest);
    }
}
