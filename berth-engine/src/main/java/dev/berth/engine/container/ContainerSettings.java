package dev.berth.engine.container;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * A container's Config as Docker's create body gives it (and inspect shows it, merged with the
 * image's defaults). Docker's field names, so that the stored JSON is the shape users know.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ContainerSettings(
        @JsonProperty("Hostname") String hostname,
        @JsonProperty("Domainname") String domainname,
        @JsonProperty("User") String user,
        @JsonProperty("AttachStdin") boolean attachStdin,
        @JsonProperty("AttachStdout") boolean attachStdout,
        @JsonProperty("AttachStderr") boolean attachStderr,
        @JsonProperty("ExposedPorts") Map<String, Map<String, Object>> exposedPorts,
        @JsonProperty("Tty") boolean tty,
        @JsonProperty("OpenStdin") boolean openStdin,
        @JsonProperty("StdinOnce") boolean stdinOnce,
        @JsonProperty("Env") List<String> env,
        @JsonProperty("Cmd") List<String> cmd,
        @JsonProperty("Image") String image,
        @JsonProperty("Volumes") Map<String, Map<String, Object>> volumes,
        @JsonProperty("WorkingDir") String workingDir,
        @JsonProperty("Entrypoint") List<String> entrypoint,
        @JsonProperty("Labels") Map<String, String> labels,
        @JsonProperty("StopSignal") String stopSignal,
        @JsonProperty("StopTimeout") Integer stopTimeout,
        @JsonProperty("Healthcheck") HealthConfig healthcheck) {

    public ContainerSettings {
        hostname = hostname == null ? "" : hostname;
        domainname = domainname == null ? "" : domainname;
        user = user == null ? "" : user;
        workingDir = workingDir == null ? "" : workingDir;
        labels = labels == null ? Map.of() : labels;
    }

    public ContainerSettings withImageDefaults(dev.berth.core.image.ContainerConfig image) {
        List<String> mergedEnv = mergeEnv(image.env(), env);
        // moby daemon/commit.go merge(): no entrypoint given takes the image's; no cmd with no
        // entrypoint takes the image's cmd; --entrypoint "" ([""]) clears the image's entrypoint
        List<String> ep = entrypoint;
        List<String> c = cmd;
        if (ep != null && ep.size() == 1 && ep.getFirst().isEmpty()) {
            ep = List.of();
        }
        if (ep == null || ep.isEmpty()) {
            if (c == null || c.isEmpty()) {
                c = image.cmd();
            }
            if (ep == null) {
                ep = image.entrypoint();
            }
        }
        Map<String, String> mergedLabels = new java.util.LinkedHashMap<>();
        if (image.labels() != null) {
            mergedLabels.putAll(image.labels());
        }
        mergedLabels.putAll(labels);
        Map<String, Map<String, Object>> ports = exposedPorts != null ? exposedPorts : image.exposedPorts();
        // moby's merge: the image's volumes and the request's together
        Map<String, Map<String, Object>> vols = volumes;
        if (image.volumes() != null && !image.volumes().isEmpty()) {
            vols = new java.util.TreeMap<>(image.volumes());
            if (volumes != null) {
                vols.putAll(volumes);
            }
        }
        return new ContainerSettings(
                hostname,
                domainname,
                user.isEmpty() && image.user() != null ? image.user() : user,
                attachStdin,
                attachStdout,
                attachStderr,
                ports,
                tty,
                openStdin,
                stdinOnce,
                mergedEnv,
                c,
                image(),
                vols,
                workingDir.isEmpty() && image.workingDir() != null ? image.workingDir() : workingDir,
                ep,
                mergedLabels,
                stopSignal == null || stopSignal.isEmpty() ? image.stopSignal() : stopSignal,
                stopTimeout,
                HealthConfig.merge(healthcheck, HealthConfig.fromImage(image.healthcheck())));
    }

    public ContainerSettings withHostname(String host, String domain) {
        return new ContainerSettings(
                host,
                domain,
                user,
                attachStdin,
                attachStdout,
                attachStderr,
                exposedPorts,
                tty,
                openStdin,
                stdinOnce,
                env,
                cmd,
                image,
                volumes,
                workingDir,
                entrypoint,
                labels,
                stopSignal,
                stopTimeout,
                healthcheck);
    }

    public ContainerSettings withImage(String value) {
        return new ContainerSettings(
                hostname,
                domainname,
                user,
                attachStdin,
                attachStdout,
                attachStderr,
                exposedPorts,
                tty,
                openStdin,
                stdinOnce,
                env,
                cmd,
                value,
                volumes,
                workingDir,
                entrypoint,
                labels,
                stopSignal,
                stopTimeout,
                healthcheck);
    }

    /** Docker's merge: the container's variables replace the image's of the same name. */
    static List<String> mergeEnv(List<String> imageEnv, List<String> containerEnv) {
        Map<String, String> merged = new java.util.LinkedHashMap<>();
        for (List<String> list : java.util.Arrays.asList(imageEnv, containerEnv)) {
            if (list == null) {
                continue;
            }
            for (String e : list) {
                int eq = e.indexOf('=');
                merged.put(eq < 0 ? e : e.substring(0, eq), e);
            }
        }
        return List.copyOf(merged.values());
    }

    /** The command as Docker runs it: entrypoint then cmd. */
    public List<String> command() {
        List<String> all = new java.util.ArrayList<>();
        if (entrypoint != null) {
            all.addAll(entrypoint);
        }
        if (cmd != null) {
            all.addAll(cmd);
        }
        return all;
    }
}
