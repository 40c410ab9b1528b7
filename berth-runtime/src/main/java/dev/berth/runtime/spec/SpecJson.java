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
     * Written durably and whole (a reader, or the runtime after a crash, never sees half a file);
     * readable by root alone, since it holds the container's environment.
     */
    public static void write(Spec spec, Path file) {
        AtomicFiles.write(file, toBytes(spec), AtomicFiles.Access.OWNER_ONLY);
    }

    public static Spec read(Path file) {
        try {
            return parse(Files.readAllBytes(file));
        } catch (IOException e) {
            throw BerthException.notFound("cannot read OCI spec %s: %s", file, e.getMessage());
        }
    }
}
