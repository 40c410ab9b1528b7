package dev.berth.api.volume;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.api.server.ApiVersion;
import dev.berth.api.server.Filters;
import dev.berth.api.server.Json;
import dev.berth.engine.volume.Volume;
import dev.berth.engine.volume.VolumeService;
import dev.berth.http.server.Request;
import dev.berth.http.server.Response;
import dev.berth.http.server.Router;
import dev.berth.http.server.Routes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The volume endpoints ({@code /volumes}, {@code /volumes/create}, {@code /volumes/{name}},
 * {@code /volumes/prune}): decode, call the volume service, encode Docker's Volume JSON.
 */
public final class VolumeRoutes implements Routes {
    private final VolumeService volumes;

    public VolumeRoutes(VolumeService volumes) {
        this.volumes = volumes;
    }

    @Override
    public void register(Router router) {
        router.get("/volumes", this::list)
                .post("/volumes/create", this::create)
                .post("/volumes/prune", this::prune)
                .get("/volumes/{name}", this::inspect)
                .delete("/volumes/{name}", this::remove);
    }

    /** Docker's VolumeCreateOptions. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record CreateBody(
            @JsonProperty("Name") String name,
            @JsonProperty("Driver") String driver,
            @JsonProperty("DriverOpts") Map<String, String> driverOpts,
            @JsonProperty("Labels") Map<String, String> labels) {}

    private Response list(Request r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(
                "Volumes",
                volumes.list(Filters.of(r).values()).stream()
                        .map(v -> wire(v, null))
                        .toList());
        out.put("Warnings", null);
        return Json.response(out);
    }

    private Response create(Request r) {
        CreateBody body = Json.body(r, CreateBody.class);
        if (body == null) {
            body = new CreateBody(null, null, null, null);
        }
        Volume v = volumes.create(body.name(), body.driver(), body.labels(), body.driverOpts());
        return Json.response(201, wire(v, null));
    }

    private Response inspect(Request r) {
        return Json.response(wire(volumes.inspect(r.param("name")), null));
    }

    private Response remove(Request r) {
        volumes.remove(r.param("name"), r.bool("force"));
        return Response.noContent();
    }

    private Response prune(Request r) {
        Map<String, List<String>> filters = new LinkedHashMap<>(Filters.of(r).values());
        if (ApiVersion.of(r).lessThan("1.42")) {
            // before API 1.42 prune removed every unused volume, named or not
            filters.put("all", List.of("true"));
        }
        VolumeService.Pruned pruned = volumes.prune(filters);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("VolumesDeleted", pruned.deleted().isEmpty() ? null : pruned.deleted());
        out.put("SpaceReclaimed", pruned.reclaimed());
        return Json.response(out);
    }

    /** {@code /system/df}'s Volumes: each with UsageData (Size, RefCount). */
    public List<Map<String, Object>> diskUsage() {
        return volumes.usage().stream()
                .map(u -> wire(u.volume(), Map.of("Size", u.size(), "RefCount", u.refCount())))
                .toList();
    }

    /** Docker's Volume object. */
    static Map<String, Object> wire(Volume v, Map<String, Object> usage) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("CreatedAt", v.created().toString());
        m.put("Driver", v.driver());
        m.put("Labels", v.labels());
        m.put("Mountpoint", v.mountpoint().toString());
        m.put("Name", v.name());
        m.put("Options", v.options().isEmpty() ? null : v.options());
        m.put("Scope", "local");
        if (usage != null) {
            m.put("UsageData", usage);
        }
        return m;
    }
}
