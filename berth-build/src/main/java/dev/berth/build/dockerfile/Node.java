package dev.berth.build.dockerfile;

import java.util.List;

/**
 * One instruction as the line parser leaves it, before its words are given meaning.
 *
 * @param keyword   the instruction word in lower case ({@code run}, {@code copy} …), as written
 *                  for an unknown one
 * @param original  the logical line (continuations joined, comments dropped), heredoc bodies not included
 * @param flags     the leading {@code --name=value} words, quotes removed
 * @param args      the arguments as the instruction's line parser splits them (see
 *                  {@link DockerfileParser}); for ENV and LABEL triples of key, value and
 *                  {@code "="} or {@code ""} (the legacy {@code KEY value} form)
 * @param json      the arguments were written as a JSON array
 * @param heredocs  the here-documents of a RUN, COPY or ADD line, in order
 * @param trigger   the instruction an ONBUILD carries, else null
 * @param startLine the first line (1-based) of the instruction in the Dockerfile
 * @param endLine   its last line, heredoc bodies included
 */
public record Node(
        String keyword,
        String original,
        List<String> flags,
        List<String> args,
        boolean json,
        List<Heredoc> heredocs,
        Node trigger,
        int startLine,
        int endLine) {

    public Node {
        flags = List.copyOf(flags);
        args = List.copyOf(args);
        heredocs = List.copyOf(heredocs);
    }

    Node withHeredocs(List<Heredoc> docs) {
        return new Node(keyword, original, flags, args, json, docs, trigger, startLine, endLine);
    }

    Node at(int start, int end) {
        return new Node(keyword, original, flags, args, json, heredocs, trigger, start, end);
    }

    /** Whether here-documents on this line are read: RUN, COPY, ADD (also under ONBUILD), not in JSON form. */
    boolean canContainHeredoc() {
        Node n = keyword.equals("onbuild") && trigger != null ? trigger : this;
        return List.of("run", "copy", "add").contains(n.keyword) && !n.json;
    }
}
