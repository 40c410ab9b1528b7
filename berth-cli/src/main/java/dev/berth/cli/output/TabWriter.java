package dev.berth.cli.output;

import java.util.ArrayList;
import java.util.List;

/**
 * Aligns tab-separated cells into columns the way Go's text/tabwriter does with the docker CLI's
 * settings (minwidth 10, tabwidth 1, padding 3, pad with spaces). The column-block algorithm is
 * Go's: a column's width is computed over the consecutive lines that have a cell in it, and the
 * last cell of a line (the text after its last tab) is never padded. Java has no equivalent, and
 * matching it is what makes our tables line up exactly like docker's.
 */
public final class TabWriter {
    private final int minWidth;
    private final int padding;

    public TabWriter(int minWidth, int padding) {
        this.minWidth = minWidth;
        this.padding = padding;
    }

    /** The docker CLI's table writer. */
    public static TabWriter docker() {
        return new TabWriter(10, 3);
    }

    /** Formats {@code text}; lines end with '\n', cells end with '\t'. */
    public String format(String text) {
        List<List<String>> lines = new ArrayList<>();
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\t') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\n') {
                cells.add(cell.toString());
                cell.setLength(0);
                lines.add(cells);
                cells = new ArrayList<>();
            } else {
                cell.append(c);
            }
        }
        boolean unterminated = !cells.isEmpty() || !cell.isEmpty();
        if (unterminated) {
            cells.add(cell.toString());
            lines.add(cells);
        }
        StringBuilder out = new StringBuilder();
        format(out, lines, new ArrayList<>(), 0, lines.size());
        if (unterminated) {
            out.setLength(out.length() - 1);
        }
        return out.toString();
    }

    private void format(StringBuilder out, List<List<String>> lines, List<Integer> widths, int line0, int line1) {
        int column = widths.size();
        for (int current = line0; current < line1; current++) {
            if (column >= lines.get(current).size() - 1) {
                continue;
            }
            writeLines(out, lines, widths, line0, current);
            line0 = current;
            int width = minWidth;
            for (; current < line1; current++) {
                List<String> line = lines.get(current);
                if (column >= line.size() - 1) {
                    break;
                }
                width = Math.max(width, displayWidth(line.get(column)) + padding);
            }
            widths.add(width);
            format(out, lines, widths, line0, current);
            widths.removeLast();
            line0 = current;
            current--; // the loop's increment re-examines the line that ended the block
        }
        writeLines(out, lines, widths, line0, line1);
    }

    private static void writeLines(
            StringBuilder out, List<List<String>> lines, List<Integer> widths, int from, int to) {
        for (int i = from; i < to; i++) {
            List<String> line = lines.get(i);
            for (int j = 0; j < line.size(); j++) {
                String cell = line.get(j);
                out.append(cell);
                if (j < widths.size() && j < line.size() - 1) {
                    out.repeat(' ', Math.max(0, widths.get(j) - displayWidth(cell)));
                }
            }
            out.append('\n');
        }
    }

    private static int displayWidth(String cell) {
        return cell.codePointCount(0, cell.length());
    }
}
