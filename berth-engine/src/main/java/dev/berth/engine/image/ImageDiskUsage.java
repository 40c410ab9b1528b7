package dev.berth.engine.image;

import dev.berth.core.metadata.LayerRow;
import java.util.List;
import java.util.Map;

/** The images part of {@code GET /system/df}: every image with shared size and container count, and the bytes of all layers. */
public final class ImageDiskUsage {
    private final ImageQueries queries;
    private final ImageUsers users;

    public ImageDiskUsage(ImageQueries queries, ImageUsers users) {
        this.queries = queries;
        this.users = users;
    }

    public record Usage(long layersSize, List<ImageSummary> images) {}

    public Usage usage() {
        long layersSize =
                queries.layerRows().values().stream().mapToLong(LayerRow::size).sum();
        List<ImageSummary> images = queries.list(Map.of(), true, true).stream()
                .map(i -> new ImageSummary(
                        i.id(),
                        i.parent(),
                        i.repoTags(),
                        i.repoDigests(),
                        i.created(),
                        i.size(),
                        i.sharedSize(),
                        i.labels(),
                        users.of(i.id()).size()))
                .toList();
        return new Usage(layersSize, images);
    }
}
