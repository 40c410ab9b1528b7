package dev.berth.api.image;

import dev.berth.api.server.ApiVersion;
import dev.berth.api.server.Filters;
import dev.berth.api.server.Json;
import dev.berth.api.server.MessageStream;
import dev.berth.core.error.BerthException;
import dev.berth.engine.image.ImageImporter;
import dev.berth.engine.image.ImageSaver;
import dev.berth.engine.image.ImageServices;
import dev.berth.http.server.Handler;
import dev.berth.http.server.Request;
import dev.berth.http.server.Response;
import dev.berth.http.server.Router;
import dev.berth.http.server.Routes;
import java.util.List;

/**
 * The image endpoints: each decodes the request, calls one image service, encodes Docker's JSON.
 * {@code POST /images/create} serves {@code fromSrc} (import) here; {@code fromImage} (pull) goes
 * to the handler given for it, so that pulls can live with the registry client.
 */
public final class ImageRoutes implements Routes {
    private final ImageServices images;
    private final Handler pull;
    private final java.util.function.Supplier<List<?>> volumeUsage;
    private final java.util.function.Supplier<List<?>> containerUsage;
    private final java.util.function.Supplier<List<?>> buildCacheUsage;

    /**
     * @param pull            the handler for {@code POST /images/create?fromImage=…} (the distribution routes')
     * @param volumeUsage     the Volumes of {@code /system/df}
     * @param containerUsage  the Containers of {@code /system/df}, with their sizes
     * @param buildCacheUsage its BuildCache
     */
    public ImageRoutes(
            ImageServices images,
            Handler pull,
            java.util.function.Supplier<List<?>> volumeUsage,
            java.util.function.Supplier<List<?>> containerUsage,
            java.util.function.Supplier<List<?>> buildCacheUsage) {
        this.images = images;
        this.pull = pull;
        this.volumeUsage = volumeUsage;
        this.containerUsage = containerUsage;
        this.buildCacheUsage = buildCacheUsage;
    }

    @Override
    public void register(Router router) {
        router.get("/images/json", this::list)
                .get("/images/{name}/json", this::inspect)
                .get("/images/{name}/history", this::history)
                .post("/images/{name}/tag", this::tag)
                .delete("/images/{name}", this::remove)
                .post("/images/prune", this::prune)
                .post("/images/create", Router.STREAM, this::create) // import: a tar of any size
                .post("/images/load", Router.STREAM, this::load)
                .get("/images/get", this::saveMany)
                .get("/images/{name}/get", this::saveOne)
                .get("/system/df", this::diskUsage);
    }

    private Response list(Request r) {
        var filters = Filters.of(r).values();
        if (r.query("filter") != null && !r.query("filter").isEmpty()) {
            // API < 1.41: the "filter" parameter is a reference pattern.
            var withRef = new java.util.LinkedHashMap<>(filters);
            withRef.put("reference", List.of(r.query("filter")));
            filters = withRef;
        }
        var list = images.queries().list(filters, r.bool("all"), r.bool("shared-size"));
        boolean virtualSize = ApiVersion.of(r).lessThan("1.44");
        return Json.response(
                list.stream().map(s -> ImageWire.summary(s, virtualSize)).toList());
    }

    private Response inspect(Request r) {
        return Json.response(ImageWire.inspect(
                images.queries().inspect(r.param("name")), ApiVersion.of(r).lessThan("1.44")));
    }

    private Response history(Request r) {
        return Json.response(images.queries().history(r.param("name")).stream()
                .map(ImageWire::history)
                .toList());
    }

    private Response tag(Request r) {
        images.tags().tag(r.param("name"), r.query("repo"), r.query("tag"));
        return Response.status(201);
    }

    private Response remove(Request r) {
        return Json.response(
                ImageWire.deletes(images.remover().remove(r.param("name"), r.bool("force"), r.bool("noprune"))));
    }

    private Response prune(Request r) {
        return Json.response(
                ImageWire.prune(images.remover().prune(Filters.of(r).values())));
    }

    private Response create(Request r) throws Exception {
        String fromImage = r.query("fromImage");
        String fromSrc = r.query("fromSrc");
        if (fromImage != null && !fromImage.isEmpty()) {
            return pull.handle(r);
        }
        if (fromSrc == null || fromSrc.isEmpty()) {
            throw BerthException.invalid("either fromImage or fromSrc must be given");
        }
        if (!fromSrc.equals("-")) {
            throw BerthException.notImplemented(
                    "importing from a URL (fromSrc=%s) is not supported; send the tar as the body with fromSrc=-",
                    fromSrc);
        }
        var request =
                new ImageImporter.Request(r.query("repo"), r.query("tag"), r.query("message"), r.queryAll("changes"));
        return MessageStream.response(
                out -> images.importer().importImage(r.body(), request, new ProgressMessages(out, false)));
    }

    private Response load(Request r) {
        boolean quiet = r.bool("quiet");
        // moby's postImagesLoad commits the 200 before it reads the archive, so every failure (a
        // body that is no tar too) is an errorDetail in the stream: docker-py raises its
        // ImageLoadError from that, and an error status would be an APIError instead
        return MessageStream.response(out -> {
            out.flushHeaders();
            images.loader().load(r.body(), new ProgressMessages(out, quiet));
        });
    }

    private Response saveMany(Request r) {
        return save(images.saver().plan(r.queryAll("names")));
    }

    private Response saveOne(Request r) {
        return save(images.saver().plan(List.of(r.param("name"))));
    }

    /** The plan is made (names resolved) before the 200 goes out, so unknown names get a proper 404. */
    private Response save(ImageSaver.Plan plan) {
        return Response.stream("application/x-tar", out -> images.saver().save(plan, out));
    }

    private Response diskUsage(Request r) {
        List<String> types = r.queryAll("type");
        var usage = images.diskUsage().usage();
        var body = new java.util.LinkedHashMap<String, Object>();
        if (types.isEmpty() || types.contains("image")) {
            body.put("LayersSize", usage.layersSize());
            body.put(
                    "Images",
                    usage.images().stream()
                            .map(s -> ImageWire.summary(s, false))
                            .toList());
        }
        if (types.isEmpty() || types.contains("container")) {
            body.put("Containers", containerUsage.get());
        }
        if (types.isEmpty() || types.contains("volume")) {
            body.put("Volumes", volumeUsage.get());
        }
        if (types.isEmpty() || types.contains("build-cache")) {
            body.put("BuildCache", buildCacheUsage.get());
        }
        return Json.response(body);
    }
}
