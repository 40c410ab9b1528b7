package dev.berth.registry.manifest;

/** The manifest media types the registry knows by name (OCI image spec, Docker image spec v2.2). */
public final class MediaTypes {
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

    private MediaTypes() {}

    public static boolean isIndex(String mediaType) {
        return OCI_INDEX.equals(mediaType) || DOCKER_MANIFEST_LIST.equals(mediaType);
    }

    /**
     * Layers that may be absent from a registry when they carry urls (image-spec layer.md,
     * "Non-distributable layers"; Docker's "foreign" layers).
     */
    public static boolean isNonDistributable(String mediaType) {
        return mediaType != null && (mediaType.contains(".nondistributable.") || mediaType.contains(".foreign."));
    }
}
