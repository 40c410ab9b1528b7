package dev.berth.core.image;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.berth.core.digest.Digest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * An image config (config.md; Docker's {@code application/vnd.docker.container.image.v1+json} is
 * a superset: {@code docker_version}, {@code comment}, {@code parent}, {@code container}). The
 * image ID is the digest of the config bytes as stored: keep those bytes (see {@link Raw}),
 * never digest a re-serialisation of this record.
 */
@JsonPropertyOrder({
    "architecture",
    "variant",
    "os",
    "os.version",
    "author",
    "comment",
    "created",
    "docker_version",
    "parent",
    "container",
    "config",
    "rootfs",
    "history"
})
public record ImageConfig(
        String architecture,
        String variant,
        String os,
        @JsonProperty("os.version") String osVersion,
        String author,
        String comment,
        String created,
        @JsonProperty("docker_version") String dockerVersion,
        Digest parent,
        String container,
        ContainerConfig config,
        RootFs rootfs,
        List<History> history) {

    public ImageConfig {
        history = history == null ? List.of() : List.copyOf(history);
    }

    /** {@code created} as an instant, or null when absent or unparseable (Docker shows such images as created at 0). */
    public Instant createdInstant() {
        if (created == null) {
            return null;
        }
        try {
            return Instant.parse(created);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The container config, never null. */
    public ContainerConfig configOrEmpty() {
        return config == null ? ContainerConfig.EMPTY : config;
    }

    /** The diff IDs, bottom first, never null. */
    public List<Digest> diffIds() {
        return rootfs == null ? List.of() : rootfs.diffIds();
    }

    public ImageConfig withConfig(ContainerConfig value) {
        return new ImageConfig(
                architecture,
                variant,
                os,
                osVersion,
                author,
                comment,
                created,
                dockerVersion,
                parent,
                container,
                value,
                rootfs,
                history);
    }
}
