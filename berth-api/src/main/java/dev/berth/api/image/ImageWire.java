package dev.berth.api.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.berth.core.digest.Digest;
import dev.berth.core.image.ContainerConfig;
import dev.berth.engine.image.DeleteItem;
import dev.berth.engine.image.HistoryItem;
import dev.berth.engine.image.ImageDetails;
import dev.berth.engine.image.ImageRemover;
import dev.berth.engine.image.ImageSummary;
import java.util.List;
import java.util.Map;

/**
 * The Docker Engine API's image JSON shapes (ImageSummary, ImageInspect, HistoryResponseItem,
 * ImageDeleteResponseItem, ImagePruneResponse), translated from the engine's records.
 */
final class ImageWire {
    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private ImageWire() {}

    @JsonPropertyOrder({
        "Containers",
        "Created",
        "Id",
        "Labels",
        "ParentId",
        "RepoDigests",
        "RepoTags",
        "SharedSize",
        "Size",
        "VirtualSize"
    })
    record Summary(
            @JsonProperty("Containers") long containers,
            @JsonProperty("Created") long created,
            @JsonProperty("Id") String id,
            @JsonProperty("Labels") Map<String, String> labels,
            @JsonProperty("ParentId") String parentId,
            @JsonProperty("RepoDigests") List<String> repoDigests,
            @JsonProperty("RepoTags") List<String> repoTags,
            @JsonProperty("SharedSize") long sharedSize,
            @JsonProperty("Size") long size,

            @JsonProperty("VirtualSize") @JsonInclude(JsonInclude.Include.NON_NULL)
            Long virtualSize) {}

    static Summary summary(ImageSummary s, boolean withVirtualSize) {
        return new Summary(
                s.containers(),
                s.created(),
                s.id().toString(),
                s.labels().isEmpty() ? null : s.labels(),
                s.parent() == null ? "" : s.parent().toString(),
                s.repoDigests(),
                s.repoTags(),
                s.sharedSize(),
                s.size(),
                withVirtualSize ? s.size() : null);
    }

    record GraphDriver(
            @JsonProperty("Data") Map<String, String> data,
            @JsonProperty("Name") String name) {}

    record RootFs(
            @JsonProperty("Type") String type,
            @JsonProperty("Layers") List<String> layers) {}

    record Metadata(@JsonProperty("LastTagTime") String lastTagTime) {}

    @JsonPropertyOrder({
        "Id",
        "RepoTags",
        "RepoDigests",
        "Parent",
        "Comment",
        "Created",
        "DockerVersion",
        "Author",
        "Config",
        "Architecture",
        "Variant",
        "Os",
        "OsVersion",
        "Size",
        "VirtualSize",
        "GraphDriver",
        "RootFS",
        "Metadata"
    })
    record Inspect(
            @JsonProperty("Id") String id,
            @JsonProperty("RepoTags") List<String> repoTags,
            @JsonProperty("RepoDigests") List<String> repoDigests,
            @JsonProperty("Parent") String parent,
            @JsonProperty("Comment") String comment,

            @JsonProperty("Created") @JsonInclude(JsonInclude.Include.NON_NULL)
            String created,

            @JsonProperty("DockerVersion") String dockerVersion,
            @JsonProperty("Author") String author,

            @JsonProperty("Config") @JsonInclude(JsonInclude.Include.NON_NULL)
            ContainerConfig config,

            @JsonProperty("Architecture") String architecture,

            @JsonProperty("Variant") @JsonInclude(JsonInclude.Include.NON_EMPTY)
            String variant,

            @JsonProperty("Os") String os,

            @JsonProperty("OsVersion") @JsonInclude(JsonInclude.Include.NON_EMPTY)
            String osVersion,

            @JsonProperty("Size") long size,

            @JsonProperty("VirtualSize") @JsonInclude(JsonInclude.Include.NON_NULL)
            Long virtualSize,

            @JsonProperty("GraphDriver") GraphDriver graphDriver,
            @JsonProperty("RootFS") RootFs rootFs,
            @JsonProperty("Metadata") Metadata metadata) {}

    static Inspect inspect(ImageDetails d, boolean withVirtualSize) {
        return new Inspect(
                d.id().toString(),
                d.repoTags(),
                d.repoDigests(),
                d.parent() == null ? "" : d.parent().toString(),
                nullToEmpty(d.comment()),
                d.created(),
                nullToEmpty(d.dockerVersion()),
                nullToEmpty(d.author()),
                d.config(),
                nullToEmpty(d.architecture()),
                d.variant(),
                nullToEmpty(d.os()),
                d.osVersion(),
                d.size(),
                withVirtualSize ? d.size() : null,
                new GraphDriver(d.graphDriverData(), d.graphDriver()),
                new RootFs(
                        d.rootFsType(),
                        d.layers().stream().map(Digest::toString).toList()),
                new Metadata(d.lastTagTime() == null ? ZERO_TIME : d.lastTagTime()));
    }

    @JsonPropertyOrder({"Comment", "Created", "CreatedBy", "Id", "Size", "Tags"})
    record History(
            @JsonProperty("Comment") String comment,
            @JsonProperty("Created") long created,
            @JsonProperty("CreatedBy") String createdBy,
            @JsonProperty("Id") String id,
            @JsonProperty("Size") long size,
            @JsonProperty("Tags") List<String> tags) {}

    static History history(HistoryItem h) {
        return new History(
                nullToEmpty(h.comment()),
                h.created(),
                nullToEmpty(h.createdBy()),
                h.id(),
                h.size(),
                h.tags().isEmpty() ? null : h.tags());
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Delete(
            @JsonProperty("Untagged") String untagged,
            @JsonProperty("Deleted") String deleted) {}

    static List<Delete> deletes(List<DeleteItem> items) {
        return items.stream().map(i -> new Delete(i.untagged(), i.deleted())).toList();
    }

    record Prune(
            @JsonProperty("ImagesDeleted") List<Delete> imagesDeleted,
            @JsonProperty("SpaceReclaimed") long spaceReclaimed) {}

    static Prune prune(ImageRemover.PruneReport report) {
        return new Prune(report.deleted().isEmpty() ? null : deletes(report.deleted()), report.spaceReclaimed());
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
