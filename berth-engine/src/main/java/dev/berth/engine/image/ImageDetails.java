package dev.berth.engine.image;

import dev.berth.core.digest.Digest;
import dev.berth.core.image.ContainerConfig;
import java.util.List;
import java.util.Map;

/** What {@code GET /images/{name}/json} shows (Docker's ImageInspect), in the engine's terms. */
public record ImageDetails(
        Digest id,
        List<String> repoTags,
        List<String> repoDigests,
        Digest parent,
        String comment,
        String created,
        String dockerVersion,
        String author,
        ContainerConfig config,
        String architecture,
        String variant,
        String os,
        String osVersion,
        long size,
        String graphDriver,
        Map<String, String> graphDriverData,
        String rootFsType,
        List<Digest> layers,
        String lastTagTime) {}
