package dev.berth.core.image;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * One entry of {@code manifest.json} in a {@code docker save} tar (image spec v1.2, "Combined
 * Image JSON + Filesystem Changeset Format"): paths inside the tar, not digests. Docker 25+
 * points them into {@code blobs/sha256/}; older Docker writes {@code <id>.json} and
 * {@code <id>/layer.tar}.
 */
@JsonPropertyOrder({"Config", "RepoTags", "Layers", "Parent", "LayerSources"})
public record SaveManifestEntry(
        @JsonProperty("Config") String config,
        @JsonProperty("RepoTags") List<String> repoTags,
        @JsonProperty("Layers") List<String> layers,
        @JsonProperty("Parent") String parent,
        @JsonProperty("LayerSources") Map<String, Descriptor> layerSources) {

    public SaveManifestEntry {
        repoTags = repoTags == null ? List.of() : List.copyOf(repoTags);
        layers = layers == null ? List.of() : List.copyOf(layers);
    }

    public static SaveManifestEntry of(String config, List<String> repoTags, List<String> layers) {
        return new SaveManifestEntry(config, repoTags, layers, null, null);
    }
}
