package dev.berth.build.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.BerthException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShellLexTest {
    private static final Map<String, String> ENV = Map.of("PWD", "/home", "SHELL", "bash", "KOREAN", "한국어");
    private final ShellLex lex = ShellLex.of('\\');

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            hello                    | hello
            he'll'o                  | hello
            he\\'llo                 | he'llo
            abc\\tdef                | abctdef
            "abc\\tdef"              | abc\\tdef
            "abc\\\\tdef"            | abc\\tdef
            'abc\\tdef'              | abc\\tdef
            hello\\                  | hello
            hello\\\\                | hello\\
            "hel'lo"                 | hel'lo
            'hello\\'                | hello\\
            "''"                     | ''
            $.                       | $.
            he$1x                    | hex
            he$pwd.                  | he.
            he$PWD                   | he/home
            he\\$PWD                 | he$PWD
            he\\\\$PWD               | he\\/home
            "he\\$PWD"               | he$PWD
            \\${}aaa                 | ${}aaa
            he${hi}xx                | hexx
            he${XXX:-000}xx          | he000xx
            he${PWD:-000}xx          | he/homexx
            he${XXX:-${PWD:-yyy}}xx  | he/homexx
            he${XXX:-${YYY:-yyy}}xx  | heyyyxx
            he${XXX:+${PWD}}xx       | hexx
            he${PWD:+${SHELL}}xx     | hebashxx
            he${PWD:+000}xx          | he000xx
            'he${XX}'                | he${XX}
            "he'$PWD'"               | he'/home'
            '\\$PWD'                 | \\$PWD
            he${PWD:+${PWD}:}xx      | he/home:xx
            he${XXX:-\\$PWD:}xx      | he$PWD:xx
            he${XXX:-\\${PWD}z}xx    | he${PWDz}xx
            안'녕'하세요              | 안녕하세요
            안녕$KOREAN               | 안녕한국어
            ${aaa}}                  | }
            ${aaa:-bbb {foo}         | bbb {foo
            """)
    void substitutesLikeDocker(String word, String expected) {
        assertThat(lex.word(word, ENV)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            he'llo
            he\\\\'llo
            "hello
            "hello\\"
            'hello
            ${}
            he${}xx
            he${.}
            he${XXX:YYY}
            he${PWD
            he${PWD:=000}xx
            ${{aaa}
            ${aaa:-bbb ${foo}
            ${:-bbb}
            """)
    void rejectsWhatDockerRejects(String word) {
        assertThatThrownBy(() -> lex.word(word, ENV)).isInstanceOf(BerthException.class);
    }

    @Test
    void unsetAndEmptyDifferWithoutTheColon() {
        Map<String, String> env = Map.of("EMPTY", "");
        assertThat(lex.word("${EMPTY-x}", env)).isEmpty();
        assertThat(lex.word("${EMPTY:-x}", env)).isEqualTo("x");
        assertThat(lex.word("${EMPTY+x}", env)).isEqualTo("x");
        assertThat(lex.word("${EMPTY:+x}", env)).isEmpty();
        assertThat(lex.word("${UNSET+x}", env)).isEmpty();
        assertThatThrownBy(() -> lex.word("${UNSET?is needed}", env)).hasMessageContaining("UNSET: is needed");
        assertThatThrownBy(() -> lex.word("${EMPTY:?}", env)).hasMessageContaining("is not allowed to be empty");
    }

    @Test
    void trimsAndReplacesPatterns() {
        Map<String, String> env = Map.of("str", "foobarbaz");
        assertThat(lex.word("${str#f*b}", env)).isEqualTo("arbaz");
        assertThat(lex.word("${str##f*b}", env)).isEqualTo("az");
        assertThat(lex.word("${str%b*}", env)).isEqualTo("foobar");
        assertThat(lex.word("${str%%b*}", env)).isEqualTo("foo");
        assertThat(lex.word("${str/ba/fo}", env)).isEqualTo("fooforbaz");
        assertThat(lex.word("${str//ba/fo}", env)).isEqualTo("fooforfoz");
    }

    @Test
    void splitsIntoWordsAfterSubstitutionKeepingQuotedSpaces() {
        assertThat(lex.words("a \"b c\" $V", Map.of("V", "d e"))).containsExactly("a", "b c", "d", "e");
        assertThat(lex.words("  ", Map.of())).isEmpty();
    }

    @Test
    void reportsWhichVariablesWereUsed() {
        ShellLex.Result r = lex.process("$A ${B:-x} $C", Map.of("A", "1", "B", "2"));
        assertThat(r.matched()).containsExactly("A", "B");
        assertThat(r.unmatched()).containsExactly("C");
    }

    @Test
    void backtickEscapeLeavesBackslashesAlone() {
        ShellLex backtick = ShellLex.of('`');
        assertThat(backtick.word("c:\\dir\\`$X", Map.of("X", "no"))).isEqualTo("c:\\dir\\$X");
    }

    @Test
    void keepsUnsetVariablesAndRawFormsWhenAsked() {
        ShellLex keep = lex.keepingUnsetVariables();
        assertThat(keep.word("$A ${B} ${C:-d}", Map.of())).isEqualTo("$A ${B} ${C:-d}");
        assertThat(lex.withRawQuotes().withRawEscapes().words("a \"b c\" d\\ e", Map.of()))
                .isEqualTo(List.of("a", "\"b c\"", "d\\ e"));
        assertThat(lex.withoutQuoteProcessing().word("'$A' \"x\"", Map.of("A", "1")))
                .isEqualTo("'1' \"x\"");
    }
}
