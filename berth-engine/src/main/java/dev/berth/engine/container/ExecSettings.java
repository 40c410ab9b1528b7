package dev.berth.engine.container;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Docker's exec create body (ExecConfig). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExecSettings(
        @JsonProperty("User") String user,
        @JsonProperty("Privileged") boolean privileged,
        @JsonProperty("Tty") boolean tty,
        @JsonProperty("ConsoleSize") List<Integer> consoleSize,
        @JsonProperty("AttachStdin") boolean attachStdin,
        @JsonProperty("AttachStderr") boolean attachStderr,
        @JsonProperty("AttachStdout") boolean attachStdout,
        @JsonProperty("Detach") boolean detach,
        @JsonProperty("DetachKeys") String detachKeys,
        @JsonProperty("Env") List<String> env,
        @JsonProperty("WorkingDir") String workingDir,
        @JsonProperty("Cmd") List<String> cmd) {

    public ExecSettings {
        user = user == null ? "" : user;
        env = env == null ? List.of() : env;
        workingDir = workingDir == null ? "" : workingDir;
        cmd = cmd == null ? List.of() : cmd;
        detachKeys = detachKeys == null ? "" : detachKeys;
    }
}
