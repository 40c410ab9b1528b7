package dev.berth.build.builder;

import dev.berth.build.cache.BuildCache;
import dev.berth.core.content.BlobIngester;
import dev.berth.core.snapshot.Snapshotter;
import dev.berth.engine.container.ContainerServices;
import dev.berth.engine.image.ImageServices;
import java.nio.file.Path;
import java.time.Clock;

/** The services a build's steps use, wired once by the build service. */
record BuildTools(
        ImageServices images,
        ContainerServices containers,
        Snapshotter snapshots,
        BlobIngester blobs,
        BaseImages baseImages,
        StepImages stepImages,
        BuildCache cache,
        CacheMounts cacheMounts,
        Downloads downloads,
        Path dataRoot,
        Clock clock) {}
