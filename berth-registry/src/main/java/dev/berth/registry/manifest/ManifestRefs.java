package dev.berth.registry.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.registry.error.OciError;
import dev.berth.registry.error.RegistryException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the registry needs from a manifest, and no more: its media type, the descriptors it
 * references (config, layers, child manifests), its subject, artifactType and annotations. The
 * manifest's bytes are stored as pushed; this view is only read from them, never re-serialised.
 *
 * @param index true for an OCI index or Docker manifest list (children are manifests)
 */
public record ManifestRefs(
        String mediaType,
        boolean index,
        Descriptor config,
        List<Descriptor> layers,
        List<Descriptor> manifests,
        Descriptor subject,
        String artifactType,
        Map<String, String> annotations) {

    /** A descriptor as far as the registry cares. */
    public record Descriptor(String mediaType, Digest digest, long size, List<String> urls) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Parses pushed bytes. The media type is the manifest's own {@code mediaType} field, else the
     * pushed Content-Type; both present and different is invalid (spec: "Pushing Manifests").
     */
    public static ManifestRefs parse(byte[] bytes, String contentType) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw RegistryException.of(OciError.MANIFEST_INVALID, "manifest is not valid JSON: %s", e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw RegistryException.of(OciError.MANIFEST_INVALID, "manifest is not a JSON object");
        }
        JsonNode schemaVersion = root.get("schemaVersion");
        if (schemaVersion == null || !schemaVersion.isInt() || schemaVersion.intValue() != 2) {
            throw RegistryException.of(
                    OciError.MANIFEST_INVALID,
                    "unsupported manifest schemaVersion %s (only 2 is accepted)",
                    schemaVersion);
        }
        String declared = text(root, "mediaType");
        String mediaType;
        if (declared != null && contentType != null && !contentType.isEmpty() && !declared.equals(contentType)) {
            throw RegistryException.of(
                    OciError.MANIFEST_INVALID,
                    "manifest mediaType %s does not match Content-Type %s",
                    declared,
                    contentType);
        } else if (declared != null) {
            mediaType = declared;
        } else if (contentType != null
                && !contentType.isEmpty()
                && !contentType.equals("application/json")
                && !contentType.equals("application/octet-stream")) {
            mediaType = contentType;
        } else {
            mediaType = root.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
        }
        boolean index = MediaTypes.isIndex(mediaType) || (!root.has("config") && root.has("manifests"));
        Descriptor config = null;
        List<Descriptor> layers = List.of();
        List<Descriptor> manifests = List.of();
        if (index) {
            manifests = descriptors(root.get("manifests"), "manifests");
        } else {
            JsonNode c = root.get("config");
            if (c == null) {
                throw RegistryException.of(OciError.MANIFEST_INVALID, "image manifest has no config descriptor");
            }
            config = descriptor(c, "config");
            layers = descriptors(root.get("layers"), "layers");
        }
        Descriptor subject = root.hasNonNull("subject") ? descriptor(root.get("subject"), "subject") : null;
        Map<String, String> annotations = new LinkedHashMap<>();
        JsonNode a = root.get("annotations");
        if (a != null && a.isObject()) {
            a.properties().forEach(e -> annotations.put(e.getKey(), e.getValue().asText()));
        }
        return new ManifestRefs(
                mediaType, index, config, layers, manifests, subject, text(root, "artifactType"), annotations);
    }

    /** The artifactType a referrers list shows for this manifest (spec: "Listing Referrers"). */
    public String effectiveArtifactType() {
        if (artifactType != null && !artifactType.isEmpty()) {
            return artifactType;
        }
        return index ? null : config.mediaType();
    }

    /** Every blob or manifest this one needs the registry to keep (not its subject). */
    public List<Descriptor> references() {
        List<Descriptor> all = new ArrayList<>(layers.size() + manifests.size() + 1);
        if (config != null) {
            all.add(config);
        }
        all.addAll(layers);
        all.addAll(manifests);
        return all;
    }

    private static List<Descriptor> descriptors(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw RegistryException.of(OciError.MANIFEST_INVALID, "manifest field %s is not an array", field);
        }
        List<Descriptor> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            out.add(descriptor(node.get(i), field + "[" + i + "]"));
        }
        return out;
    }

    private static Descriptor descriptor(JsonNode node, String field) {
        if (!node.isObject()) {
            throw RegistryException.of(OciError.MANIFEST_INVALID, "manifest field %s is not a descriptor", field);
        }
        String digestText = text(node, "digest");
        Digest digest;
        try {
            digest = Digest.parse(digestText);
        } catch (BerthException e) {
            throw RegistryException.of(
                    OciError.MANIFEST_INVALID, "%s has an invalid digest: %s", field, e.getMessage());
        }
        JsonNode size = node.get("size");
        if (size == null || !size.canConvertToLong() || size.longValue() < 0) {
            throw RegistryException.of(OciError.MANIFEST_INVALID, "%s has no valid size", field);
        }
        List<String> urls = new ArrayList<>();
        JsonNode u = node.get("urls");
        if (u != null && u.isArray()) {
            u.forEach(x -> urls.add(x.asText()));
        }
        return new Descriptor(text(node, "mediaType"), digest, size.longValue(), List.copyOf(urls));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || !v.isTextual() ? null : v.textValue();
    }
}
