package dev.berth.runtime.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * An OCI runtime spec config.json (shared/specs/oci-runtime/config.md, config-linux.md): the
 * boundary between the engine and any runtime. Only the parts Berth writes are modelled;
 * unknown fields are ignored when reading.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Spec(
        String ociVersion,
        Process process,
        Root root,
        String hostname,
        String domainname,
        List<Mount> mounts,
        Linux linux,
        Map<String, String> annotations) {

    /** 1.0.2: what runc 1.1 and crun 1.8 (Debian 12) accept; every field Berth writes exists in it. */
    public static final String VERSION = "1.0.2";

    public Spec {
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public Spec withRoot(Root newRoot) {
        return new Spec(ociVersion, process, newRoot, hostname, domainname, mounts, linux, annotations);
    }

    public Spec withProcess(Process newProcess) {
        return new Spec(ociVersion, newProcess, root, hostname, domainname, mounts, linux, annotations);
    }

    public Spec withLinux(Linux newLinux) {
        return new Spec(ociVersion, process, root, hostname, domainname, mounts, newLinux, annotations);
    }
}
