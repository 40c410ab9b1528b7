package dev.berth.build.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DockerfileParserTest {

    private static List<Node> nodes(String text) {
        return DockerfileParser.parse(text).nodes();
    }

    @Test
    void readsDirectivesOnlyAtTheTop() {
        DockerfileParser.Result r = DockerfileParser.parse("""
                # syntax=docker/dockerfile:1
                #  ESCAPE = `
                # check=skip=JSONArgsRecommended;error=true

                # escape=\\
                FROM busybox
                """);
        assertThat(r.directives().syntax()).isEqualTo("docker/dockerfile:1");
        assertThat(r.directives().escape()).isEqualTo('`');
        assertThat(r.directives().check().skips("JSONArgsRecommended")).isTrue();
        assertThat(r.directives().check().error()).isTrue();
    }

    @Test
    void aCommentEndsTheDirectives() {
        DockerfileParser.Result r = DockerfileParser.parse("# about this file\n# escape=`\nFROM busybox\n");
        assertThat(r.directives().escape()).isEqualTo('\\');
    }

    @Test
    void rejectsARepeatedDirectiveAndABadEscape() {
        assertThatThrownBy(() -> DockerfileParser.parse("# escape=`\n# escape=\\\nFROM x\n"))
                .hasMessageContaining("only one escape parser directive can be used");
        assertThatThrownBy(() -> DockerfileParser.parse("# escape=x\nFROM x\n"))
                .hasMessageContaining("invalid escape token 'x' does not match ` or \\");
        assertThatThrownBy(() -> DockerfileParser.parse("# check=skip\nFROM x\n"))
                .hasMessageContaining("invalid check option");
    }

    @Test
    void joinsContinuationLinesAndDropsCommentsBetweenThem() {
        List<Node> n = nodes("FROM busybox\nRUN echo hello \\\n# a comment\n  world\nENV A=1\n");
        assertThat(n).hasSize(3);
        assertThat(n.get(1).original()).isEqualTo("RUN echo hello   world");
        assertThat(n.get(1).startLine()).isEqualTo(2);
        assertThat(n.get(2).keyword()).isEqualTo("env");
        assertThat(DockerfileParser.parse("FROM busybox\nRUN a \\\n\n  b\n").warnings())
                .first()
                .asString()
                .contains("Empty continuation line");
    }

    @Test
    void anEscapedEscapeDoesNotContinue() {
        List<Node> n = nodes("FROM busybox\nRUN echo a\\\\\nRUN echo b\n");
        assertThat(n).hasSize(3);
    }

    @Test
    void theBacktickEscapeContinuesLines() {
        List<Node> n = nodes("# escape=`\nFROM x\nRUN dir c:\\ `\n  && echo done\n");
        assertThat(n.get(1).original()).isEqualTo("RUN dir c:\\   && echo done");
    }

    @Test
    void splitsJsonAndShellForms() {
        List<Node> n = nodes("""
                FROM busybox
                CMD ["echo", "a b"]
                CMD echo a b
                CMD ["unclosed"
                ENTRYPOINT []
                COPY ["a b", "c"]
                COPY a b c/
                """);
        assertThat(n.get(1).json()).isTrue();
        assertThat(n.get(1).args()).containsExactly("echo", "a b");
        assertThat(n.get(2).json()).isFalse();
        assertThat(n.get(2).args()).containsExactly("echo a b");
        assertThat(n.get(3).json()).isFalse();
        assertThat(n.get(3).args()).containsExactly("[\"unclosed\"");
        assertThat(n.get(4).json()).isTrue();
        assertThat(n.get(4).args()).isEmpty();
        assertThat(n.get(5).args()).containsExactly("a b", "c");
        assertThat(n.get(6).args()).containsExactly("a", "b", "c/");
        assertThatThrownBy(() -> nodes("FROM x\nCMD [\"a\", 1]\n"))
                .hasMessageContaining("arrays must be comprised of strings only");
    }

    @Test
    void extractsFlagsBeforeTheArguments() {
        Node n = nodes("FROM x\nCOPY --from=build --chown=\"1:2\" --link a --not-a-flag b\n")
                .get(1);
        assertThat(n.flags()).containsExactly("--from=build", "--chown=1:2", "--link");
        assertThat(n.args()).containsExactly("a", "--not-a-flag", "b");
        Node dashes = nodes("FROM x\nRUN --network=none -- --weird\n").get(1);
        assertThat(dashes.flags()).containsExactly("--network=none");
        assertThat(dashes.args()).containsExactly("--weird");
    }

    @Test
    void splitsEnvAndLabelIntoNamesAndValues() {
        Node env = nodes("FROM x\nENV A=1 B=\"two words\" C=three\\ words\n").get(1);
        assertThat(env.args()).containsExactly("A", "1", "=", "B", "\"two words\"", "=", "C", "three\\ words", "=");
        Node legacy = nodes("FROM x\nENV ONE TWO= THREE=world\n").get(1);
        assertThat(legacy.args()).containsExactly("ONE", "TWO= THREE=world", "");
        assertThatThrownBy(() -> nodes("FROM x\nENV A=1 B\n")).hasMessageContaining("can't find = in \"B\"");
        assertThatThrownBy(() -> nodes("FROM x\nLABEL single\n")).hasMessageContaining("LABEL must have two arguments");
    }

    @Test
    void readsHeredocsSeveralPerLine() {
        List<Node> n = nodes("""
                FROM busybox
                RUN <<FILE1 cat > file1 && <<-"FILE2" cat > file2
                I am
                first
                FILE1
                \tI am
                \tsecond
                \tFILE2
                COPY <<EOF /greeting
                hello $NAME
                EOF
                RUN ["echo", "<<EOF"]
                """);
        Node run = n.get(1);
        assertThat(run.heredocs()).hasSize(2);
        Heredoc first = run.heredocs().get(0);
        assertThat(first.name()).isEqualTo("FILE1");
        assertThat(first.expand()).isTrue();
        assertThat(first.content()).isEqualTo("I am\nfirst\n");
        Heredoc second = run.heredocs().get(1);
        assertThat(second.name()).isEqualTo("FILE2");
        assertThat(second.expand()).isFalse();
        assertThat(second.chomp()).isTrue();
        assertThat(second.body()).isEqualTo("I am\nsecond\n");
        assertThat(run.startLine()).isEqualTo(2);
        assertThat(run.endLine()).isEqualTo(8);
        assertThat(n.get(2).heredocs())
                .singleElement()
                .satisfies(h -> assertThat(h.content()).isEqualTo("hello $NAME\n"));
        assertThat(n.get(3).heredocs()).isEmpty();
    }

    @Test
    void anUnterminatedHeredocIsAnError() {
        assertThatThrownBy(() -> nodes("FROM x\nRUN <<EOF\necho\n"))
                .hasMessageContaining("dockerfile parse error on line 2: unterminated heredoc");
    }

    @Test
    void parsesOnbuildTriggers() {
        Node n = nodes("FROM x\nONBUILD RUN echo hi\n").get(1);
        assertThat(n.trigger().keyword()).isEqualTo("run");
        assertThat(n.trigger().args()).containsExactly("echo hi");
    }

    @Test
    void anEmptyFileHasNoInstructions() {
        assertThatThrownBy(() -> DockerfileParser.parse("# only a comment\n\n"))
                .hasMessageContaining("file with no instructions");
    }

    @Test
    void toleratesCarriageReturnsAndAByteOrderMark() {
        List<Node> n = nodes("\uFEFFFROM busybox\r\nRUN echo a \\\r\n b\r\n");
        assertThat(n.get(0).keyword()).isEqualTo("from");
        assertThat(n.get(1).original()).isEqualTo("RUN echo a  b");
    }
}
