package dev.berth.cli.output;

import java.util.List;

/**
 * Renders rows the way the docker CLI's formatter.Context does: a format starting with "table" is a
 * template whose header line (the template run over the column titles) and rows are aligned by a
 * {@link TabWriter}; "json" prints each row as one JSON object; anything else is a template run once
 * per row. A literal {@code \t} or {@code \n} in the format means a tab or a newline.
 */
public final class Formatter {
    public static final String TABLE = "table";
    public static final String JSON = "json";

    private Formatter() {}

    public static boolean isTable(String format) {
        return format.startsWith(TABLE);
    }

    /** Renders {@code rows}; every line ends with a newline. */
    public static String render(String format, Fields header, List<Fields> rows) {
        boolean table = isTable(format);
        String body = table ? format.substring(TABLE.length()) : format.equals(JSON) ? "{{json .}}" : format;
        body = body.strip().replace("\\t", "\t").replace("\\n", "\n");
        GoTemplate template = GoTemplate.parse(body);
        StringBuilder out = new StringBuilder();
        for (Fields row : rows) {
            out.append(template.execute(row)).append('\n');
        }
        if (!table) {
            return out.toString();
        }
        return TabWriter.docker().format(template.executeHeader(header) + "\n" + out);
    }
}
