package dev.berth.engine.container;

import dev.berth.core.digest.Digest;
import java.time.Instant;
import java.util.List;

/**
 * One container as stored: identity, the image it was made from, its merged config, host config,
 * the command that runs ({@code path} + {@code args}), its state and its writable layer.
 *
 * @param name        Docker's form with a leading slash, "/web"
 * @param imageName   the image as the user named it at create (Config.Image)
 * @param snapshotKey the active snapshot holding the container's writable layer
 */
public record Container(
        String id,
        String name,
        Digest imageId,
        String imageName,
        Instant created,
        ContainerSettings config,
        HostSettings hostConfig,
        String path,
        List<String> args,
        ContainerState state,
        String snapshotKey) {

    public Container {
        args = List.copyOf(args);
    }

    public String shortId() {
        return id.substring(0, 12);
    }

    /** The name without Docker's leading slash. */
    public String plainName() {
        return name.startsWith("/") ? name.substring(1) : name;
    }

    public Container withState(ContainerState value) {
        return new Container(id, name, imageId, imageName, created, config, hostConfig, path, args, value, snapshotKey);
    }

    public Container withHostConfig(HostSettings value) {
        return new Container(id, name, imageId, imageName, created, config, value, path, args, state, snapshotKey);
    }

    public Container withName(String value) {
        return new Container(
                id,
                name.equals(value) ? name : value,
                imageId,
                imageName,
                created,
                config,
                hostConfig,
                path,
                args,
                state,
                snapshotKey);
    }

    public ContainerStatus status() {
        return state.status();
    }
}
