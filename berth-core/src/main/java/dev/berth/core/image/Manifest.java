package dev.berth.core.image;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * An image manifest (manifest.md), OCI ({@link MediaTypes#OCI_MANIFEST}) or Docker schema2
 * ({@link MediaTypes#DOCKER_MANIFEST}); both have this shape.
 */
@JsonPropertyOrder({"schemaVersion", "mediaType", "artifactType", "config", "layers", "subject", "annotations"})
public record Manifest(
        int schemaVersion,
        String mediaType,
        String artifactType,
        Descriptor config,
        List<Descriptor> layers,
        Descriptor subject,
        Map<String, String> annotations) {

    public Manifest {
        layers = layers == null ? List.of() : List.copyOf(layers);
    }

    public static Manifest oci(Descriptor config, List<Descriptor> layers) {
        return new Manifest(2, MediaTypes.OCI_MANIFEST, null, config, layers, null, null);
    }

    public static Manifest docker(Descriptor config, List<Descriptor> layers) {
        return new Manifest(2, MediaTypes.DOCKER_MANIFEST, null, config, layers, null, null);
    }
}
