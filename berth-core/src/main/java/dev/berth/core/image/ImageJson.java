package dev.berth.core.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import java.io.IOException;

/**
 * The one Jackson setup for OCI and Docker image JSON: unknown fields are ignored (specs add
 * fields), nulls are left out, map keys are sorted so that Berth-made JSON is deterministic, and
 * {@link Digest} is written as its {@code alg:hex} string.
 */
public final class ImageJson {
    private static final ObjectMapper MAPPER = configure(JsonMapper.builder()).build();

    private ImageJson() {}

    /** The shared, immutable mapper (thread-safe). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Applies Berth's image-JSON conventions to a builder, for callers that need their own mapper. */
    public static JsonMapper.Builder configure(JsonMapper.Builder builder) {
        return builder.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .addModule(digestModule());
    }

    public static SimpleModule digestModule() {
        SimpleModule module = new SimpleModule("berth-digest");
        module.addSerializer(Digest.class, new JsonSerializer<>() {
            @Override
            public void serialize(Digest value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(value.toString());
            }
        });
        module.addDeserializer(Digest.class, new JsonDeserializer<>() {
            @Override
            public Digest deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                return Digest.parse(p.getValueAsString());
            }
        });
        return module;
    }

    /** Parses untrusted JSON; INVALID_ARGUMENT naming {@code what} when it is not valid. */
    public static <T> T parse(byte[] json, Class<T> type, String what) {
        try {
            T value = MAPPER.readValue(json, type);
            if (value == null) {
                throw BerthException.invalid("invalid %s: empty document", what);
            }
            return value;
        } catch (JsonProcessingException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BerthException b) {
                    throw BerthException.invalid("invalid %s: %s", what, b.getMessage());
                }
            }
            throw BerthException.invalid("invalid %s: %s", what, e.getOriginalMessage());
        } catch (IOException e) {
            throw BerthException.invalid("invalid %s: %s", what, e.getMessage());
        } catch (BerthException e) {
            throw BerthException.invalid("invalid %s: %s", what, e.getMessage());
        }
    }

    /** Compact JSON bytes, deterministic for a given value. */
    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw BerthException.internal("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }
}
