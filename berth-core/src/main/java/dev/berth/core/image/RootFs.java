package dev.berth.core.image;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.berth.core.digest.Digest;
import java.util.List;

/** {@code rootfs} of an image config: the layers' diff IDs, bottom first (config.md). */
@JsonPropertyOrder({"type", "diff_ids"})
public record RootFs(String type, @JsonProperty("diff_ids") List<Digest> diffIds) {
    public RootFs {
        diffIds = diffIds == null ? List.of() : List.copyOf(diffIds);
    }

    public static RootFs layers(List<Digest> diffIds) {
        return new RootFs("layers", diffIds);
    }
}
