package dev.berth.engine.image;

import dev.berth.core.digest.Digest;
import java.util.List;
import java.util.Map;

/**
 * One image as {@code GET /images/json} lists it. Tags and digests are familiar strings
 * ({@code busybox:latest}); {@code sharedSize} and {@code containers} are -1 when not computed,
 * as Docker reports them.
 */
public record ImageSummary(
        Digest id,
        Digest parent,
        List<String> repoTags,
        List<String> repoDigests,
        long created,
        long size,
        long sharedSize,
        Map<String, String> labels,
        long containers) {}
