package dev.berth.api.system;

import dev.berth.core.error.BerthException;
import dev.berth.http.server.Handler;
import dev.berth.http.server.Router;
import dev.berth.http.server.Routes;

/**
 * The swarm endpoints, answered as a dockerd that is not part of a swarm answers them: 503 with
 * moby's messages ({@code daemon/cluster/errors.go}: errNoSwarm for leave, errNoManager for the
 * rest). Clients depend on that status: docker-py's {@code leave_swarm(force=True)} treats 503 as
 * "nothing to leave", the CLI prints the message. Berth has no swarm mode, so init and join, which
 * would make this node one, are refused as not implemented.
 */
public final class SwarmRoutes implements Routes {
    static final String NOT_PART = "This node is not part of a swarm";
    static final String NOT_MANAGER = "This node is not a swarm manager. Use \"docker swarm init\" or "
            + "\"docker swarm join\" to connect this node to swarm and try again.";

    @Override
    public void register(Router router) {
        Handler notManager = r -> {
            throw BerthException.unavailable("%s", NOT_MANAGER);
        };
        router.post("/swarm/leave", r -> {
                    throw BerthException.unavailable("%s", NOT_PART);
                })
                .post("/swarm/init", r -> {
                    throw BerthException.notImplemented("swarm mode is not supported by Berth");
                })
                .post("/swarm/join", r -> {
                    throw BerthException.notImplemented("swarm mode is not supported by Berth");
                })
                .get("/swarm", notManager)
                .get("/swarm/unlockkey", notManager)
                .post("/swarm/unlock", notManager)
                .post("/swarm/update", notManager);
        for (String kind : new String[] {"nodes", "services", "tasks", "secrets", "configs"}) {
            router.get("/" + kind, notManager)
                    .get("/" + kind + "/{id}", notManager)
                    .post("/" + kind + "/create", notManager)
                    .post("/" + kind + "/{id}/update", notManager)
                    .delete("/" + kind + "/{id}", notManager);
        }
        router.get("/services/{id}/logs", notManager).get("/tasks/{id}/logs", notManager);
    }
}
