package dev.berth.build.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BuildArgsTest {
    private static final ShellLex LEX = ShellLex.of('\\');

    @Test
    void globalArgsTakeGivenValuesAndSeePlatformArgs() {
        Dockerfile f = Dockerfile.parse("ARG A=one\nARG B=${A}-two\nARG P=$TARGETARCH\nARG C\nFROM x\n");
        BuildArgs args = new BuildArgs(Map.of("A", "given"));
        Map<String, String> globals = args.globals(f.globalArgs(), Map.of("TARGETARCH", "amd64"), LEX);
        assertThat(globals)
                .containsEntry("A", "given")
                .containsEntry("B", "given-two")
                .containsEntry("P", "amd64");
        assertThat(globals).doesNotContainKey("C");
    }

    @Test
    void aStageArgPrefersTheGivenValueThenItsDefaultThenTheGlobal() {
        BuildArgs args = new BuildArgs(Map.of("G", "given"));
        Map<String, String> globals = Map.of("V", "global", "G", "g");
        assertThat(args.resolve(new Instruction.ArgDecl("G", "d"), "d", globals))
                .isEqualTo("given");
        assertThat(args.resolve(new Instruction.ArgDecl("V", "d"), "d", globals))
                .isEqualTo("d");
        assertThat(args.resolve(new Instruction.ArgDecl("V", null), null, globals))
                .isEqualTo("global");
        assertThat(args.resolve(new Instruction.ArgDecl("U", null), null, globals))
                .isNull();
    }

    @Test
    void proxyArgsReachRunUnlessDeclaredAndAreNeverUnconsumed() {
        Map<String, String> given = new HashMap<>();
        given.put("HTTP_PROXY", "http://p:3128");
        given.put("no_proxy", "x");
        given.put("UNUSED", "1");
        given.put("NAMED", null);
        given.put("SOURCE_DATE_EPOCH", "0");
        BuildArgs args = new BuildArgs(given);
        assertThat(args.predefined(Set.of("no_proxy"))).containsOnlyKeys("HTTP_PROXY");
        assertThat(args.unconsumed()).containsExactly("NAMED", "UNUSED");
        assertThat(args.isGiven("NAMED")).isFalse();
    }
}
