package dev.berth.runtime.spec;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.berth.core.error.BerthException;
import dev.berth.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads and writes config.json. */
public final class SpecJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private SpecJson() {}

    public static byte[] toBytes(Spec spec) {
        try {
            return MAPPER.writeValueAsBytes(spec);
        } catch (IOException e) {
            throw BerthException.internal("encoding OCI spec", e);
        }
    }

    public static Spec parse(byte[] json) {
        try {
            return MAPPER.readValue(json, Spec.class);
        } catch (IOException e) {
            throw BerthException.invalid("bad OCI runtime spec: %s", e.getMessage());
        }
    }

    /**
     * Written whole (a reader, or a daemon killed meanwhile, sees the old file or the new, never
     * half of one); readable by root alone, since it holds the container's environment. Not
     * fsynced (two fsyncs, file and directory, cost 1-2 ms of every start): every copy is made
     * again from the container's row at each start, the exec root's copies do not outlive the
     * machine, and after a machine crash no container runs from the data root's copy.
     */
    public static void write(Spec spec, Path file) {
        AtomicFiles.write(
                file, AtomicFiles.Access.OWNER_ONLY, AtomicFiles.Sync.VOLATILE, out -> out.write(toBytes(spec)));
    }

    public static Spec read(Path file) {
        try {
            return parse(Files.readAllBytes(file));
        } catch (IOException e) {
            throw BerthException.notFound("cannot read OCI spec %s: %s", file, e.getMessage());
        }
    }
}
