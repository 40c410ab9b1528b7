package dev.berth.build.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstructionParserTest {

    private static Dockerfile parse(String text) {
        return Dockerfile.parse(text);
    }

    private static Instruction only(String instruction) {
        return parse("FROM busybox\n" + instruction + "\n")
                .stages()
                .getFirst()
                .instructions()
                .getFirst();
    }

    @Test
    void groupsInstructionsIntoStagesWithGlobalArgsFirst() {
        Dockerfile f = parse("""
                ARG BASE=busybox
                ARG V
                FROM $BASE AS Build
                RUN echo one
                FROM --platform=linux/amd64 build
                COPY --from=build /a /b
                """);
        assertThat(f.globalArgs()).hasSize(2);
        assertThat(f.stages()).hasSize(2);
        Stage build = f.stages().get(0);
        assertThat(build.name()).isEqualTo("build");
        assertThat(build.base()).isEqualTo("$BASE");
        assertThat(build.source().code()).isEqualTo("FROM $BASE AS Build");
        assertThat(f.stages().get(1).platform()).isEqualTo("linux/amd64");
        assertThat(f.stage("BUILD", false)).contains(build);
        assertThat(f.stage("1", true)).contains(f.stages().get(1));
        assertThat(f.stage("1", false)).isEmpty();
    }

    @Test
    void rejectsWhatDockerdRejectsWithItsMessages() {
        assertThatThrownBy(() -> parse("FROM busybox\nFOOO bar\n"))
                .hasMessage("dockerfile parse error line 2: unknown instruction: FOOO");
        assertThatThrownBy(() -> parse("FROM busybox\nCOPY --foo=1 a b\n"))
                .hasMessage("dockerfile parse error line 2: Unknown flag: foo");
        assertThatThrownBy(() -> parse("FROM busybox\nCOPY --chown a b\n"))
                .hasMessage("dockerfile parse error line 2: Missing a value on flag: chown");
        assertThatThrownBy(() -> parse("FROM busybox\nCOPY --link=maybe a b\n"))
                .hasMessage("dockerfile parse error line 2: Expecting boolean value for flag link, not: maybe");
        assertThatThrownBy(() -> parse("FROM busybox\nCOPY --from=a --from=b a b\n"))
                .hasMessage("dockerfile parse error line 2: Duplicate flag specified: from");
        assertThatThrownBy(() -> parse("FROM busybox a b\n"))
                .hasMessage("dockerfile parse error line 1: FROM requires either one or three arguments");
        assertThatThrownBy(() -> parse("FROM busybox AS 1st\n")).hasMessageContaining("invalid name for build stage");
        assertThatThrownBy(() -> parse("RUN true\n")).hasMessageContaining("no build stage in current context");
        assertThatThrownBy(() -> parse("FROM busybox\nEXPOSE\n"))
                .hasMessage("dockerfile parse error line 2: EXPOSE requires at least one argument");
        assertThatThrownBy(() -> parse("FROM busybox\nARG\n"))
                .hasMessage("dockerfile parse error line 2: ARG requires at least one argument");
        assertThatThrownBy(() -> parse("FROM busybox\nCOPY onlyone\n"))
                .hasMessageContaining(
                        "COPY requires at least two arguments, but only one was provided. Destination could not be determined.");
        assertThatThrownBy(() -> parse("FROM busybox\nWORKDIR\n"))
                .hasMessageContaining("WORKDIR requires exactly one argument");
        assertThatThrownBy(() -> parse("FROM busybox\nSHELL /bin/bash -c\n"))
                .hasMessageContaining("SHELL requires the arguments to be in JSON form");
        assertThatThrownBy(() -> parse("FROM busybox\nONBUILD ONBUILD RUN x\n"))
                .hasMessageContaining("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
        assertThatThrownBy(() -> parse("FROM busybox\nONBUILD FROM x\n"))
                .hasMessageContaining("FROM isn't allowed as an ONBUILD trigger");
        assertThatThrownBy(() -> parse("FROM busybox\nONBUILD BOGUS x\n"))
                .hasMessageContaining("unknown instruction: BOGUS");
        assertThatThrownBy(() -> parse("FROM busybox\nRUN --network=bridge true\n"))
                .hasMessageContaining("unsupported network mode");
        assertThatThrownBy(() -> parse("FROM busybox\nRUN --mount=type=nfs,target=/x true\n"))
                .hasMessageContaining("unsupported mount type \"nfs\"");
        assertThatThrownBy(() -> parse("FROM busybox\nENV =x\n")).hasMessageContaining("ENV names can not be blank");
        assertThatThrownBy(() -> parse("FROM busybox\nVOLUME [\"\"]\n"))
                .hasMessageContaining("VOLUME specified can not be an empty string");
    }

    @Test
    void parsesRunWithItsFlagsAndForms() {
        Instruction.Run shell = (Instruction.Run)
                only("RUN --mount=type=cache,target=/c --mount=type=secret,id=s --network=none echo $HOME");
        assertThat(shell.command().shellForm()).isTrue();
        assertThat(shell.command().args()).containsExactly("echo $HOME");
        assertThat(shell.mounts()).containsExactly("type=cache,target=/c", "type=secret,id=s");
        assertThat(shell.network()).isEqualTo("none");
        assertThat(shell.source().code())
                .isEqualTo("RUN --mount=type=cache,target=/c --mount=type=secret,id=s --network=none echo $HOME");
        Instruction.Run exec = (Instruction.Run) only("RUN [\"echo\", \"$HOME\"]");
        assertThat(exec.command().shellForm()).isFalse();
        assertThat(exec.command().args()).containsExactly("echo", "$HOME");
    }

    @Test
    void parsesCopyAndAddFlags() {
        Instruction.Copy copy = (Instruction.Copy)
                only(
                        "COPY --from=build --chown=app:app --chmod=u=rwX --link --parents --exclude=*.md --exclude=tmp a b /dst/");
        assertThat(copy.add()).isFalse();
        assertThat(copy.sources()).containsExactly("a", "b");
        assertThat(copy.dest()).isEqualTo("/dst/");
        assertThat(copy.from()).isEqualTo("build");
        assertThat(copy.chown()).isEqualTo("app:app");
        assertThat(copy.chmod()).isEqualTo("u=rwX");
        assertThat(copy.link()).isTrue();
        assertThat(copy.parents()).isTrue();
        assertThat(copy.excludes()).containsExactly("*.md", "tmp");
        Instruction.Copy add = (Instruction.Copy)
                only("ADD --checksum=sha256:abc --unpack=false --keep-git-dir http://127.0.0.1/x.tar /x/");
        assertThat(add.add()).isTrue();
        assertThat(add.checksum()).isEqualTo("sha256:abc");
        assertThat(add.unpack()).isFalse();
        assertThat(add.keepGitDir()).isTrue();
        assertThatThrownBy(() -> parse("FROM x\nADD --from=y a b\n")).hasMessageContaining("Unknown flag: from");
        assertThatThrownBy(() -> parse("FROM x\nCOPY --checksum=y a b\n"))
                .hasMessageContaining("Unknown flag: checksum");
    }

    @Test
    void copyTakesHeredocsAsSources() {
        Instruction.Copy copy = (Instruction.Copy) parse("FROM x\nCOPY <<A <<B plain /dst/\none\nA\ntwo\nB\n")
                .stages()
                .getFirst()
                .instructions()
                .getFirst();
        assertThat(copy.sources()).containsExactly("plain");
        assertThat(copy.heredocs()).extracting(Heredoc::name).containsExactly("A", "B");
        assertThatThrownBy(() -> parse("FROM x\nCOPY a <<EOF\nx\nEOF\n"))
                .hasMessageContaining("COPY cannot accept a heredoc as a destination");
    }

    @Test
    void parsesMetadataInstructions() {
        assertThat(((Instruction.Env) only("ENV A=1 B=\"2 3\"")).vars())
                .containsExactly(
                        new Instruction.KeyValue("A", "1", false), new Instruction.KeyValue("B", "\"2 3\"", false));
        assertThat(((Instruction.Env) only("ENV A 1 2")).vars())
                .containsExactly(new Instruction.KeyValue("A", "1 2", true));
        assertThat(((Instruction.Arg) only("ARG A=1 B")).args())
                .containsExactly(new Instruction.ArgDecl("A", "1"), new Instruction.ArgDecl("B", null));
        assertThat(((Instruction.Expose) only("EXPOSE 80 443/tcp")).ports()).containsExactly("80", "443/tcp");
        assertThat(((Instruction.Volume) only("VOLUME [\"/a\", \"/b\"]")).paths())
                .containsExactly("/a", "/b");
        assertThat(((Instruction.Volume) only("VOLUME /a /b")).paths()).containsExactly("/a", "/b");
        assertThat(((Instruction.User) only("USER app:app")).user()).isEqualTo("app:app");
        assertThat(((Instruction.Workdir) only("WORKDIR /a b")).path()).isEqualTo("/a b");
        assertThat(((Instruction.StopSignal) only("STOPSIGNAL SIGKILL")).signal())
                .isEqualTo("SIGKILL");
        assertThat(((Instruction.Maintainer) only("MAINTAINER Jane Doe")).maintainer())
                .isEqualTo("Jane Doe");
        assertThat(((Instruction.Shell) only("SHELL [\"/bin/bash\", \"-c\"]")).shell())
                .containsExactly("/bin/bash", "-c");
        assertThat(((Instruction.Onbuild) only("ONBUILD COPY . /app")).expression())
                .isEqualTo("COPY . /app");
        assertThat(((Instruction.Cmd) only("CMD [\"a\"]")).command().args()).containsExactly("a");
        assertThat(((Instruction.Entrypoint) only("ENTRYPOINT top -b"))
                        .command()
                        .shellForm())
                .isTrue();
        assertThat(((Instruction.Label) only("LABEL \"a b\"=c")).labels())
                .containsExactly(new Instruction.KeyValue("\"a b\"", "c", false));
    }

    @Test
    void parsesHealthchecks() {
        Instruction.Healthcheck h = (Instruction.Healthcheck)
                only(
                        "HEALTHCHECK --interval=5m --timeout=3s --start-period=1s --start-interval=2s --retries=4 CMD curl -f http://localhost/");
        assertThat(h.test()).containsExactly("CMD-SHELL", "curl -f http://localhost/");
        assertThat(h.interval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(h.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(h.startPeriod()).isEqualTo(Duration.ofSeconds(1));
        assertThat(h.startInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(h.retries()).isEqualTo(4);
        assertThat(((Instruction.Healthcheck) only("HEALTHCHECK CMD [\"true\"]")).test())
                .containsExactly("CMD", "true");
        assertThat(((Instruction.Healthcheck) only("HEALTHCHECK NONE")).test()).isEqualTo(List.of("NONE"));
        assertThatThrownBy(() -> parse("FROM x\nHEALTHCHECK NONE x\n"))
                .hasMessageContaining("HEALTHCHECK NONE takes no arguments");
        assertThatThrownBy(() -> parse("FROM x\nHEALTHCHECK TEST x\n"))
                .hasMessageContaining("Unknown type \"TEST\" in HEALTHCHECK");
        assertThatThrownBy(() -> parse("FROM x\nHEALTHCHECK --retries=0 CMD x\n"))
                .hasMessageContaining("--retries must be at least 1 (not 0)");
        assertThatThrownBy(() -> parse("FROM x\nHEALTHCHECK --interval=1ns CMD x\n"))
                .hasMessageContaining("Interval \"interval\" cannot be less than 1ms");
        assertThatThrownBy(() -> parse("FROM x\nHEALTHCHECK CMD\n"))
                .hasMessageContaining("Missing command after HEALTHCHECK CMD");
    }
}
