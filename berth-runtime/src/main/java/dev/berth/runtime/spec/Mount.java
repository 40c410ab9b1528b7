package dev.berth.runtime.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** config.md "mounts": one filesystem mounted at {@code destination} inside the container. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Mount(String destination, String type, String source, List<String> options) {
    public Mount {
        options = options == null ? List.of() : List.copyOf(options);
    }

    public static Mount bind(String source, String destination, boolean readOnly) {
        return new Mount(destination, "bind", source, List.of("rbind", readOnly ? "ro" : "rw", "rprivate"));
    }

    public static Mount tmpfs(String destination, List<String> options) {
        return new Mount(destination, "tmpfs", "tmpfs", options);
    }

    public boolean isBind() {
        return "bind".equals(type) || options.contains("bind") || options.contains("rbind");
    }
}
