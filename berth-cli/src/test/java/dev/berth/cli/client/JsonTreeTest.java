package dev.berth.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTreeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void readsTheTreeObjectMapperReads() throws IOException {
        String json = """
                [{"Id":"abc","Names":["/x"],"Created":1765100000,"Size":12345678901,"Big":123456789012345678901234567890,
                  "Ratio":0.5,"Exp":1e3,"Up":true,"Down":false,"None":null,"Labels":{},"Empty":[],"Dup":1,"Dup":2,
                  "Nested":{"Ports":[{"PrivatePort":80,"Type":"tcp"}],"Text":"caf\\u00e9 \\"q\\""}}, 7, "s"]
                """;
        assertThat(JsonTree.parse(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(MAPPER.readTree(json));
        assertThat(JsonTree.parse(json)).isEqualTo(MAPPER.readTree(json));
        assertThat(JsonTree.parse("{\"message\":\"no such container\"}")
                        .get("message")
                        .asText())
                .isEqualTo("no such container");
    }

    @Test
    void nothingIsAMissingNodeAndBrokenJsonFails() throws IOException {
        assertThat(JsonTree.parse("  ").isMissingNode()).isTrue();
        assertThatThrownBy(() -> JsonTree.parse("{\"a\":")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> JsonTree.parse("[1,")).isInstanceOf(IOException.class);
    }
}
