package dev.berth.build.dockerfile;

import java.util.List;
import java.util.Optional;

/**
 * A parsed Dockerfile: its directives, its global ARGs (those before the first FROM) and its
 * stages, and the parser's warnings for the user.
 */
public record Dockerfile(
        Directives directives, List<Instruction.Arg> globalArgs, List<Stage> stages, List<String> warnings) {

    public Dockerfile {
        globalArgs = List.copyOf(globalArgs);
        stages = List.copyOf(stages);
        warnings = List.copyOf(warnings);
    }

    /** Parses and checks the text; a syntax error is an invalid-argument error naming the line. */
    public static Dockerfile parse(String text) {
        DockerfileParser.Result lines = DockerfileParser.parse(text);
        InstructionParser.Parsed parsed = InstructionParser.parse(lines.nodes());
        return new Dockerfile(lines.directives(), parsed.globalArgs(), parsed.stages(), lines.warnings());
    }

    /** The lexer for this file's words (its escape character). */
    public ShellLex lex() {
        return ShellLex.of(directives.escape());
    }

    /** The stage a {@code --from} or {@code FROM} word names: an {@code AS} name, or an index for {@code --from}. */
    public Optional<Stage> stage(String ref, boolean byIndex) {
        for (Stage s : stages) {
            if (s.isNamed(ref)) {
                return Optional.of(s);
            }
        }
        if (byIndex && ref.matches("\\d{1,9}")) {
            int index = Integer.parseInt(ref);
            if (index < stages.size()) {
                return Optional.of(stages.get(index));
            }
        }
        return Optional.empty();
    }
}
