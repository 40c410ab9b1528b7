package dev.berth.runtime.spec;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.berth.core.error.BerthException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

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
     * Written under a temporary name and renamed, so a reader never sees half a file; readable by
     * root alone, since it holds the container's environment.
     */
    public static void write(Spec spec, Path file) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, toBytes(spec));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw BerthException.internal("writing " + file, e);
        }
    }

    public static Spec read(Path file) {
        try {
            return parse(Files.readAllBytes(file));
        } catch (IOException e) {
            throw BerthException.notFound("cannot read OCI spec %s: %s", file, e.getMessage());
        }
    }
}
