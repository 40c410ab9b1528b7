package dev.berth.cli.output;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.berth.core.error.BerthException;
import java.io.IOException;

/**
 * JSON as Go's encoding/json writes it, so that {@code berth inspect} reads like {@code docker inspect}:
 * json.MarshalIndent with four spaces, "key": value, empty containers as [] and {}, and &lt;, &gt;, &amp;
 * (and U+2028/U+2029) escaped as \u003c … the way Go's HTML-safe encoder does.
 */
public final class GoJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter INDENTED;
    private static final ObjectWriter COMPACT;

    static {
        DefaultIndenter indenter = new DefaultIndenter("    ", "\n");
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(indenter)
                .withArrayIndenter(indenter)
                .withSeparators(separators);
        INDENTED = MAPPER.writer(printer).with(new HtmlSafeEscapes());
        COMPACT = MAPPER.writer().with(new HtmlSafeEscapes());
    }

    /** json.Marshal(value). */
    public static String compact(Object value) {
        try {
            return COMPACT.writeValueAsString(value);
        } catch (IOException e) {
            throw BerthException.internal("cannot write JSON", e);
        }
    }

    private GoJson() {}

    /** json.MarshalIndent(value, "", "    "). */
    public static String indent(Object value) {
        try {
            return INDENTED.writeValueAsString(value);
        } catch (IOException e) {
            throw BerthException.internal("cannot write JSON", e);
        }
    }

    private static final class HtmlSafeEscapes extends CharacterEscapes {
        private final int[] escapes = standardAsciiEscapesForJSON();

        HtmlSafeEscapes() {
            escapes['<'] = ESCAPE_CUSTOM;
            escapes['>'] = ESCAPE_CUSTOM;
            escapes['&'] = ESCAPE_CUSTOM;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return escapes;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return switch (ch) {
                case '<' -> new SerializedString("\\u003c");
                case '>' -> new SerializedString("\\u003e");
                case '&' -> new SerializedString("\\u0026");
                case 0x2028 -> new SerializedString("\\u2028");
                case 0x2029 -> new SerializedString("\\u2029");
                default -> null;
            };
        }
    }
}
