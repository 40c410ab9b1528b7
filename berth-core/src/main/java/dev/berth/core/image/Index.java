package dev.berth.core.image;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * An image index (image-index.md) or a Docker manifest list; also the {@code index.json} of an
 * OCI image layout, whose entries carry {@code org.opencontainers.image.ref.name}.
 */
@JsonPropertyOrder({"schemaVersion", "mediaType", "artifactType", "manifests", "subject", "annotations"})
public record Index(
        int schemaVersion,
        String mediaType,
        String artifactType,
        List<Descriptor> manifests,
        Descriptor subject,
        Map<String, String> annotations) {

    /** Annotation naming a reference (a tag, or a full name as Docker writes) in a layout's index.json. */
    public static final String REF_NAME = "org.opencontainers.image.ref.name";
    /** Annotation with the full image name Docker and containerd write into index.json. */
    public static final String CONTAINERD_IMAGE_NAME = "io.containerd.image.name";

    public Index {
        manifests = manifests == null ? List.of() : List.copyOf(manifests);
    }

    public static Index oci(List<Descriptor> manifests) {
        return new Index(2, MediaTypes.OCI_INDEX, null, manifests, null, null);
    }
}
