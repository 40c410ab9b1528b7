package dev.berth.engine.image;

import dev.berth.core.content.BlobStore;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.metadata.ImageRow;
import dev.berth.core.metadata.LayerRow;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.core.snapshot.Snapshotter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up consistency check (shared/DESIGN.md, "Consistency rules"): whatever no committed
 * row refers to — layer rows no image holds, partial ingests, blobs, snapshots, e.g. from a load
 * or an rmi killed half-way — is removed; rows whose files are missing are reported with the exact path, and the daemon still
 * starts. Runs before the daemon serves requests, so nothing is in flight.
 *
 * <p>One exception: a partial download ({@link #RESUMABLE_PREFIX}) that grew within the grace
 * period stays, so that a pull interrupted by a crash or restart resumes it with a Range request
 * instead of fetching its bytes again (containerd keeps ingests under a 24 h lease for the same
 * reason). Older ones, and every other partial ingest (loads, imports: those never resume), go.
 * Likewise the complete layer blobs of an unfinished pull stay while its lease in
 * {@code pull_leases} lasts (24 h from the pull; the pull releases it once the image's rows
 * refer to them), so the next pull does not fetch them again.
 */
public final class StartupCheck {
    private static final Logger LOG = LoggerFactory.getLogger(StartupCheck.class);
    /** Ingest refs of downloads that a later pull resumes ({@code pull-<digest>}). */
    public static final String RESUMABLE_PREFIX = "pull-";
    /** How long a partial download is kept for a later pull to resume. */
    public static final Duration DEFAULT_INGEST_GRACE = Duration.ofHours(24);

    private final MetadataStore db;
    private final BlobStore blobs;
    private final Snapshotter snapshots;
    private final Function<Digest, Path> blobPath;
    private final Function<String, Path> snapshotDir;
    private final GcRoots roots;
    private final Clock clock;
    private final Duration ingestGrace;

    public StartupCheck(
            MetadataStore db,
            BlobStore blobs,
            Snapshotter snapshots,
            Function<Digest, Path> blobPath,
            Function<String, Path> snapshotDir,
            GcRoots roots,
            Clock clock,
            Duration ingestGrace) {
        this.db = db;
        this.blobs = blobs;
        this.snapshots = snapshots;
        this.blobPath = blobPath;
        this.snapshotDir = snapshotDir;
        this.roots = roots;
        this.clock = clock;
        this.ingestGrace = ingestGrace;
    }

    /** What the check did and found; {@code kept}: partial downloads and leased blobs left for a pull to resume. */
    public record Report(List<String> removed, List<String> missing, List<String> kept) {}

    public Report run() {
        List<String> removed = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> kept = new ArrayList<>();

        // Layer rows that no image and no child layer holds: an rmi or prune killed between the
        // image's transaction and its layers' (their snapshots and blobs go below, with them)
        for (LayerRow l : db.inTransaction(tx -> tx.layers().deleteUnreferenced(chainId -> false))) {
            removed.add("layer row " + l.chainId());
        }

        Instant keepAfter = clock.instant().minus(ingestGrace);
        for (String ref : blobs.ingests()) {
            if (isResumable(ref, keepAfter)) {
                kept.add("partial download " + ref);
                continue;
            }
            try (var writer = blobs.writer(ref)) {
                writer.abort();
            }
            removed.add("partial ingest " + ref);
        }

        Set<Digest> liveBlobs = new HashSet<>(db.read(BlobReferences::all));
        liveBlobs.addAll(roots.blobs());
        Instant now = clock.instant();
        Set<Digest> leased = db.inTransaction(tx -> {
            tx.pullLeases().deleteExpired(now);
            return tx.pullLeases().live(now);
        });
        for (Digest d : blobs.list()) {
            if (leased.contains(d) && !liveBlobs.contains(d)) {
                kept.add("blob " + d + " of an unfinished pull");
            } else if (!liveBlobs.contains(d)) {
                blobs.delete(d);
                removed.add("blob " + blobPath.apply(d));
            }
        }

        List<LayerRow> layers = db.read(tx -> tx.layers().all());
        Set<String> liveSnapshots = new HashSet<>(roots.snapshots());
        layers.forEach(l -> liveSnapshots.add(l.snapshotKey()));
        for (String s : snapshots.list()) {
            if (!liveSnapshots.contains(s)) {
                snapshots.remove(s);
                removed.add("snapshot " + s);
            }
        }

        for (LayerRow l : layers) {
            if (!snapshots.exists(l.snapshotKey())) {
                missing.add(
                        "layer " + l.chainId() + ": snapshot " + snapshotDir.apply(l.snapshotKey()) + " is missing");
            }
            if (l.blobDigest() != null && !blobs.contains(l.blobDigest())) {
                missing.add("layer " + l.chainId() + ": blob " + blobPath.apply(l.blobDigest()) + " is missing");
            }
        }
        for (ImageRow image : db.read(tx -> tx.images().all())) {
            if (!blobs.contains(image.id())) {
                missing.add("image " + image.id() + ": config " + blobPath.apply(image.id()) + " is missing");
            }
        }

        removed.forEach(r -> LOG.info("start-up check removed unreferenced {}", r));
        missing.forEach(m -> LOG.error("start-up check: {}", m));
        kept.forEach(k -> LOG.info("start-up check kept {} for a pull to resume", k));
        return new Report(removed, missing, kept);
    }

    /** A recent partial download whose blob is not complete already (then its bytes are useless). */
    private boolean isResumable(String ref, Instant keepAfter) {
        if (!ref.startsWith(RESUMABLE_PREFIX)) {
            return false;
        }
        Digest digest;
        try {
            digest = Digest.parse(ref.substring(RESUMABLE_PREFIX.length()));
        } catch (BerthException e) {
            return false;
        }
        return !blobs.contains(digest)
                && blobs.ingestModified(ref).filter(keepAfter::isBefore).isPresent();
    }
}
