package dev.berth.cli.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The daemon's JSON answers as a tree, read with Jackson's streaming parser alone. The tree is the
 * one {@code ObjectMapper.readTree} makes (the same node types, numbers as int, long or big integer
 * and double, the last of duplicate keys), without making a mapper: its configuration, type factory
 * and date formats were ~40 ms of CPU of every command that reads an answer, such as `berth ps`.
 */
public final class JsonTree {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonTree() {}

    /** The tree of one JSON value; a missing node when {@code json} holds none. */
    public static JsonNode parse(byte[] json) throws IOException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            return parse(parser);
        }
    }

    public static JsonNode parse(String json) throws IOException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            return parse(parser);
        }
    }

    private static JsonNode parse(JsonParser parser) throws IOException {
        JsonToken first = parser.nextToken();
        return first == null ? NODES.missingNode() : value(parser, first);
    }

    private static JsonNode value(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    object.set(name, value(parser, parser.nextToken()));
                }
                yield object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY; item = parser.nextToken()) {
                    array.add(value(parser, item));
                }
                yield array;
            }
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT ->
                switch (parser.getNumberType()) {
                    case INT -> NODES.numberNode(parser.getIntValue());
                    case LONG -> NODES.numberNode(parser.getLongValue());
                    default -> NODES.numberNode(parser.getBigIntegerValue());
                };
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new IOException("unexpected JSON token " + token + " at " + parser.currentLocation());
        };
    }
}
