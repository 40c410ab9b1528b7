package dev.berth.registry.http;

import dev.berth.core.digest.Digest;
import dev.berth.http.server.Request;
import dev.berth.http.server.Response;
import dev.berth.http.server.Router;
import dev.berth.http.server.Routes;
import dev.berth.registry.auth.Scope;
import dev.berth.registry.gc.GarbageCollector;
import java.util.LinkedHashMap;
import java.util.Map;

/** On-demand garbage collection ({@code POST /_berth/gc}), for whoever may list the catalog. */
final class GcRoutes implements Routes {
    private final GarbageCollector collector;
    private final Access access;

    GcRoutes(GarbageCollector collector, Access access) {
        this.collector = collector;
        this.access = access;
    }

    @Override
    public void register(Router router) {
        router.post("/_berth/gc", this::collect);
    }

    private Response collect(Request r) {
        access.require(r, Scope.catalog());
        GarbageCollector.Report report = collector.collect();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("manifests", report.manifests());
        body.put("blobsInUse", report.marked());
        body.put("deleted", report.deleted().stream().map(Digest::toString).toList());
        body.put("bytesFreed", report.bytesFreed());
        body.put("uploadsPurged", report.uploadsPurged());
        return Json.response(body);
    }
}
