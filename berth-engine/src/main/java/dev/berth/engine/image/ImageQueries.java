package dev.berth.engine.image;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.filter.Filters;
import dev.berth.core.image.History;
import dev.berth.core.image.ImageConfig;
import dev.berth.core.metadata.ImageRow;
import dev.berth.core.metadata.LayerRow;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.core.reference.ImageReference;
import dev.berth.core.text.Glob;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/** Read-only views of images: list (with Docker's filters), inspect, history. */
public final class ImageQueries {
    private static final Set<String> LIST_FILTERS =
            Set.of("dangling", "label", "before", "since", "reference", "until");

    private final ImageStore store;
    private final MetadataStore db;
    private final Clock clock;
    private final String storageDriver;
    private final ImageResolver resolver;
    private final Function<String, Path> snapshotDir;

    /**
     * @param storageDriver the snapshotter's driver name, for GraphDriver.Name
     * @param snapshotDir the directory of a committed snapshot by name, for GraphDriver.Data
     */
    public ImageQueries(
            ImageStore store,
            MetadataStore db,
            Clock clock,
            String storageDriver,
            ImageResolver resolver,
            Function<String, Path> snapshotDir) {
        this.store = store;
        this.db = db;
        this.clock = clock;
        this.storageDriver = storageDriver;
        this.resolver = resolver;
        this.snapshotDir = snapshotDir;
    }

    /** Tags and digests of every image, as familiar strings. */
    record Names(Map<Digest, List<ImageReference>> tags, Map<Digest, List<ImageReference>> digests) {
        List<ImageReference> tagsOf(Digest id) {
            return tags.getOrDefault(id, List.of());
        }

        List<ImageReference> digestsOf(Digest id) {
            return digests.getOrDefault(id, List.of());
        }
    }

    Names names() {
        return db.read(tx -> {
            Map<Digest, List<ImageReference>> tags = new HashMap<>();
            tx.tags()
                    .all()
                    .forEach((ref, id) ->
                            tags.computeIfAbsent(id, k -> new ArrayList<>()).add(ImageReference.parse(ref)));
            Map<Digest, List<ImageReference>> digests = new HashMap<>();
            tx.repoDigests()
                    .all()
                    .forEach((ref, id) ->
                            digests.computeIfAbsent(id, k -> new ArrayList<>()).add(ImageReference.parse(ref)));
            return new Names(tags, digests);
        });
    }

    /**
     * {@code GET /images/json}: every image, newest first, filtered as Docker does; with
     * {@code all} false, untagged images that are parents of others are left out.
     */
    public List<ImageSummary> list(Map<String, List<String>> filters, boolean all, boolean sharedSize) {
        Filters.requireOnly(filters, LIST_FILTERS);
        Boolean dangling = Filters.bool(filters, "dangling");
        Instant now = clock.instant();
        Long before = createdOf(filters.get("before"), true);
        Long since = createdOf(filters.get("since"), false);
        Instant until = null;
        for (String u : filters.getOrDefault("until", List.of())) {
            until = Filters.timestamp(u, now);
        }
        List<String> patterns = filters.getOrDefault("reference", List.of());
        List<String> labels = filters.get("label");

        List<ImageRow> rows = db.read(tx -> tx.images().all());
        Names names = names();
        Set<Digest> parents = new java.util.HashSet<>();
        rows.forEach(r -> {
            if (r.parent() != null) {
                parents.add(r.parent());
            }
        });
        Map<Digest, Integer> layerUse = sharedSize ? layerUse() : Map.of();
        Map<Digest, List<Digest>> layersOf = sharedSize ? layersOfAll() : Map.of();
        Map<Digest, LayerRow> layerRows = sharedSize ? layerRows() : Map.of();

        List<ImageSummary> out = new ArrayList<>();
        for (ImageRow row : rows) {
            if (before != null && row.createdUnix() >= before) {
                continue;
            }
            if (since != null && row.createdUnix() <= since) {
                continue;
            }
            if (until != null && row.createdUnix() > until.getEpochSecond()) {
                continue;
            }
            ImageConfig config = store.config(row.id()).value();
            Map<String, String> imageLabels = config.configOrEmpty().labels();
            if (!Filters.labelsMatch(labels, imageLabels)) {
                continue;
            }
            List<String> repoTags = new ArrayList<>();
            List<String> repoDigests = new ArrayList<>();
            for (ImageReference ref : names.tagsOf(row.id())) {
                if (patterns.isEmpty() || matchesAny(patterns, ref)) {
                    repoTags.add(ref.familiarString());
                }
            }
            for (ImageReference ref : names.digestsOf(row.id())) {
                if (patterns.isEmpty() || matchesAny(patterns, ref)) {
                    repoDigests.add(ref.familiarString());
                }
            }
            if (repoTags.isEmpty() && repoDigests.isEmpty()) {
                if (!patterns.isEmpty()) {
                    continue;
                }
                if (!all && parents.contains(row.id())) {
                    continue;
                }
                if (Boolean.FALSE.equals(dangling)) {
                    continue;
                }
            } else if (Boolean.TRUE.equals(dangling) && !repoTags.isEmpty()) {
                continue;
            }
            long shared = -1;
            if (sharedSize) {
                shared = 0;
                for (Digest chain : layersOf.getOrDefault(row.id(), List.of())) {
                    if (layerUse.getOrDefault(chain, 0) > 1) {
                        shared += layerRows.get(chain).size();
                    }
                }
            }
            out.add(new ImageSummary(
                    row.id(),
                    row.parent(),
                    repoTags,
                    repoDigests,
                    row.createdUnix(),
                    row.size(),
                    shared,
                    imageLabels == null ? Map.of() : new TreeMap<>(imageLabels),
                    -1));
        }
        return out;
    }

    private Map<Digest, Integer> layerUse() {
        Map<Digest, Integer> use = new HashMap<>();
        layersOfAll().values().forEach(chains -> chains.forEach(c -> use.merge(c, 1, Integer::sum)));
        return use;
    }

    Map<Digest, List<Digest>> layersOfAll() {
        return db.read(tx -> {
            Map<Digest, List<Digest>> out = new LinkedHashMap<>();
            for (ImageRow r : tx.images().all()) {
                out.put(r.id(), tx.images().layers(r.id()));
            }
            return out;
        });
    }

    Map<Digest, LayerRow> layerRows() {
        Map<Digest, LayerRow> out = new HashMap<>();
        db.read(tx -> tx.layers().all()).forEach(l -> out.put(l.chainId(), l));
        return out;
    }

    private Long createdOf(List<String> refs, boolean before) {
        if (refs == null || refs.isEmpty()) {
            return null;
        }
        Long result = null;
        for (String name : refs) {
            long created = store.row(resolver.resolve(name)).orElseThrow().createdUnix();
            result = result == null ? created : before ? Math.min(result, created) : Math.max(result, created);
        }
        return result;
    }

    /** Docker's FamiliarMatch: the pattern against {@code name:tag} (or {@code name@digest}), then against the name alone. */
    static boolean matchesAny(List<String> patterns, ImageReference ref) {
        for (String pattern : patterns) {
            if (Glob.matches(pattern, ref.familiarString()) || Glob.matches(pattern, ref.familiarName())) {
                return true;
            }
        }
        return false;
    }

    /** {@code GET /images/{name}/json}. */
    public ImageDetails inspect(String name) {
        Digest id = resolver.resolve(name);
        ImageRow row = store.row(id).orElseThrow(() -> ImageResolver.notFound(name));
        ImageConfig config = store.config(id).value();
        Names names = names();
        List<Digest> chains = db.read(tx -> tx.images().layers(id));
        Map<String, String> data = graphDriverData(chains);
        return new ImageDetails(
                id,
                names.tagsOf(id).stream().map(ImageReference::familiarString).toList(),
                names.digestsOf(id).stream().map(ImageReference::familiarString).toList(),
                row.parent(),
                config.comment(),
                config.created(),
                config.dockerVersion(),
                config.author(),
                config.configOrEmpty(),
                config.architecture(),
                config.variant(),
                config.os(),
                config.osVersion(),
                row.size(),
                storageDriver,
                data,
                config.rootfs() == null ? "layers" : config.rootfs().type(),
                config.diffIds(),
                row.lastTagTime());
    }

    private Map<String, String> graphDriverData(List<Digest> chains) {
        if (chains.isEmpty() || !"overlay2".equals(storageDriver)) {
            return null;
        }
        Map<String, String> data = new LinkedHashMap<>();
        Path top = snapshotDir.apply(LayerStore.snapshotName(chains.getLast()));
        if (chains.size() > 1) {
            List<String> lower = new ArrayList<>();
            for (int i = chains.size() - 2; i >= 0; i--) {
                lower.add(snapshotDir
                        .apply(LayerStore.snapshotName(chains.get(i)))
                        .toString());
            }
            data.put("LowerDir", String.join(":", lower));
        }
        data.put("MergedDir", top.resolveSibling("merged").toString());
        data.put("UpperDir", top.toString());
        data.put("WorkDir", top.resolveSibling("work").toString());
        return data;
    }

    /** {@code GET /images/{name}/history}: newest first, as Docker's ImageHistory. */
    public List<HistoryItem> history(String name) {
        Digest id = resolver.resolve(name);
        ImageConfig config = store.config(id).value();
        List<Digest> chains = db.read(tx -> tx.images().layers(id));
        Map<Digest, LayerRow> layers = layerRows();
        List<HistoryItem> items = new ArrayList<>();
        int layer = 0;
        for (History h : config.history()) {
            long size = 0;
            if (!h.emptyLayer()) {
                if (layer >= chains.size()) {
                    throw BerthException.invalid("image %s: too many non-empty layers in History section", id);
                }
                LayerRow row = layers.get(chains.get(layer));
                size = row == null ? 0 : row.size();
                layer++;
            }
            Instant created = h.created() == null ? null : parse(h.created());
            items.addFirst(new HistoryItem(
                    "<missing>",
                    created == null ? 0 : created.getEpochSecond(),
                    h.createdBy(),
                    List.of(),
                    size,
                    h.comment()));
        }
        Names names = names();
        Digest current = id;
        for (int i = 0; i < items.size() && current != null; i++) {
            HistoryItem h = items.get(i);
            List<String> tags = names.tagsOf(current).stream()
                    .map(ImageReference::familiarString)
                    .sorted()
                    .toList();
            items.set(i, new HistoryItem(current.toString(), h.created(), h.createdBy(), tags, h.size(), h.comment()));
            Digest next = current;
            current = store.row(next).map(ImageRow::parent).orElse(null);
            if (current != null && store.row(current).isEmpty()) {
                current = null;
            }
        }
        return items;
    }

    private static Instant parse(String time) {
        try {
            return Instant.parse(time);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
