package dev.berth.core.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * The {@code config} object of an image config (config.md, "config"; Docker's field names). The
 * maps used as sets ({@code ExposedPorts}, {@code Volumes}) have empty objects as values.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
    "User",
    "ExposedPorts",
    "Env",
    "Entrypoint",
    "Cmd",
    "Volumes",
    "WorkingDir",
    "Labels",
    "StopSignal",
    "ArgsEscaped",
    "Healthcheck",
    "OnBuild",
    "Shell"
})
public record ContainerConfig(
        @JsonProperty("User") String user,
        @JsonProperty("ExposedPorts") Map<String, Map<String, Object>> exposedPorts,
        @JsonProperty("Env") List<String> env,
        @JsonProperty("Entrypoint") List<String> entrypoint,
        @JsonProperty("Cmd") List<String> cmd,
        @JsonProperty("Volumes") Map<String, Map<String, Object>> volumes,
        @JsonProperty("WorkingDir") String workingDir,
        @JsonProperty("Labels") Map<String, String> labels,
        @JsonProperty("StopSignal") String stopSignal,

        @JsonProperty("ArgsEscaped") @JsonInclude(JsonInclude.Include.NON_DEFAULT)
        boolean argsEscaped,

        @JsonProperty("Healthcheck") Map<String, Object> healthcheck,
        @JsonProperty("OnBuild") List<String> onBuild,
        @JsonProperty("Shell") List<String> shell) {

    public static final ContainerConfig EMPTY =
            new ContainerConfig(null, null, null, null, null, null, null, null, null, false, null, null, null);

    public ContainerConfig withUser(String value) {
        return new ContainerConfig(
                value,
                exposedPorts,
                env,
                entrypoint,
                cmd,
                volumes,
                workingDir,
                labels,
                stopSignal,
                argsEscaped,
                healthcheck,
                onBuild,
                shell);
    }

    public ContainerConfig withExposedPorts(Map<String, Map<String, Object>> value) {
        return new ContainerConfig(
                user,
                value,
                env,
                entrypoint,
                cmd,
                volumes,
                workingDir,
                labels,
                stopSignal,
                argsEscaped,
                healthcheck,
                onBuild,
                shell);
    }

    public ContainerConfig withEnv(List<String> value) {
        return new ContainerConfig(
                user,
                exposedPorts,
                value,
                entrypoint,
                cmd,
                volumes,
                workingDir,
                labels,
                stopSignal,
                argsEscaped,
                healthcheck,
                onBuild,
                shell);
    }

    public ContainerConfig withEntrypoint(List<String> value) {
        return new ContainerConfig(
                user,
                exposedPorts,
                env,
                value,
                cmd,
                volumes,
                workingDir,
                labels,
                stopSignal,
                argsEscaped,
                healthcheck,
                onBuild,
                shell);
    }

    public ContainerConfig withCmd(List<String> value) {
        return new ContainerConfig(
                user,
                exposedPorts,
                env,
                entrypoint,
                value,
                volumes,
                workingDir,
                labels,
                stopSignal,
                argsEscaped,
                healthcheck,
                onBuild,
                shell);
    }

    public ContainerConfig withVolumes(Map<String, Map<String, Object>> value) {
        return new ContainerConfig(
                user,
                exposedPorts,
                env,
                entrypoint,
                cmd,
                value,
                workingDir,
                labels,
                stopSignal,
                argsEscaped,
                healthcheck,
                onBuild,
                shell);
    }

    public ContainerConfig withWorkingDir(String value) {
        return new ContainerConfig(
                user,
                exposedPorts,
                env,
                entrypoint,
                cmd,
                volumes,
                value,
                labels,
                stopSignal,
                argsEscaped,
                healthcheck,
                onBuild,
                shell);
    }

    public ContainerConfig withLabels(Map<String, String> value) {
        return new ContainerConfig(
                user,
                exposedPorts,
                env,
                entrypoint,
                cmd,
                volumes,
                workingDir,
                value,
                stopSignal,
                argsEscaped,
                healthcheck,
                onBuild,
                shell);
    }

    public ContainerConfig withStopSignal(String value) {
        return new ContainerConfig(
                user,
                exposedPorts,
                env,
                entrypoint,
                cmd,
                volumes,
                workingDir,
                labels,
                value,
                argsEscaped,
                healthcheck,
                onBuild,
                shell);
    }

    public ContainerConfig withArgsEscaped(boolean value) {
        return new ContainerConfig(
                user,
                exposedPorts,
                env,
                entrypoint,
                cmd,
                volumes,
                workingDir,
                labels,
                stopSignal,
                value,
                healthcheck,
                onBuild,
                shell);
    }
}
