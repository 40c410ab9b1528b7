package dev.berth.core.image;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.berth.core.digest.Digest;
import java.util.List;
import java.util.Map;

/** A content descriptor: media type + digest + size (descriptor.md), with the optional fields. */
@JsonPropertyOrder({"mediaType", "digest", "size", "urls", "annotations", "platform", "artifactType"})
public record Descriptor(
        String mediaType,
        Digest digest,
        long size,
        List<String> urls,
        Map<String, String> annotations,
        Platform platform,
        String artifactType) {

    public static Descriptor of(String mediaType, Digest digest, long size) {
        return new Descriptor(mediaType, digest, size, null, null, null, null);
    }

    public Descriptor withAnnotations(Map<String, String> annotations) {
        return new Descriptor(mediaType, digest, size, urls, annotations, platform, artifactType);
    }

    public Descriptor withPlatform(Platform platform) {
        return new Descriptor(mediaType, digest, size, urls, annotations, platform, artifactType);
    }

    /** The value of annotation {@code key}, or null. */
    public String annotation(String key) {
        return annotations == null ? null : annotations.get(key);
    }
}
