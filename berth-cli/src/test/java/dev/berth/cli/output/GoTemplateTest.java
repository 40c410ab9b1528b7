package dev.berth.cli.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.error.BerthException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GoTemplateTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Object image() throws Exception {
        return JSON.readValue("""
                {"Id":"sha256:abc","RepoTags":["busybox:latest","foo/bar:v1"],"Size":1982263,
                 "Config":{"Cmd":["sh"],"Env":null,"Labels":{"b":"2","a":"<1>"},"WorkingDir":""},
                 "Ratio":0.5,"Big":4261550.0}""", Object.class);
    }

    private static String run(String template, Object data) {
        return GoTemplate.parse(template).execute(data);
    }

    @Test
    void fieldPathsPrintValuesLikeGo() throws Exception {
        assertThat(run("{{.Id}}", image())).isEqualTo("sha256:abc");
        assertThat(run("{{.RepoTags}}", image())).isEqualTo("[busybox:latest foo/bar:v1]");
        assertThat(run("{{.Config.Cmd}} {{.Size}}", image())).isEqualTo("[sh] 1982263");
        assertThat(run("{{.Config.Env}}", image())).isEqualTo("<nil>");
        assertThat(run("{{.Config.Labels}}", image())).isEqualTo("map[a:<1> b:2]");
        assertThat(run("{{.Ratio}} {{.Big}}", image())).isEqualTo("0.5 4.26155e+06");
        assertThat(run("{{$.Id}}", image())).isEqualTo("sha256:abc");
    }

    @Test
    void jsonIsGosMarshalCompactAndHtmlSafe() throws Exception {
        assertThat(run("{{json .Config.Cmd}}", image())).isEqualTo("[\"sh\"]");
        assertThat(run("{{json .Config.Labels}}", image())).isEqualTo("{\"b\":\"2\",\"a\":\"\\u003c1\\u003e\"}");
        assertThat(run("{{json .Config.Env}}", image())).isEqualTo("null");
    }

    @Test
    void indexLenAndPipelines() throws Exception {
        assertThat(run("{{index .RepoTags 1}}", image())).isEqualTo("foo/bar:v1");
        assertThat(run("{{index .Config.Labels \"b\"}}", image())).isEqualTo("2");
        assertThat(run("{{len .RepoTags}}", image())).isEqualTo("2");
        assertThat(run("{{.Id | upper}}", image())).isEqualTo("SHA256:ABC");
        assertThat(run("{{join .RepoTags \", \"}}", image())).isEqualTo("busybox:latest, foo/bar:v1");
        assertThat(run("{{(index .RepoTags 0) | len}}", image())).isEqualTo("14");
        assertThat(run("{{printf \"%s has %d tags\" .Id (len .RepoTags)}}", image()))
                .isEqualTo("sha256:abc has 2 tags");
        assertThat(run("{{split \"a:b\" \":\"}}", image())).isEqualTo("[a b]");
    }

    @Test
    void conditionalsRangesAndTrimMarkers() throws Exception {
        assertThat(run("{{if .Config.Env}}env{{else}}no env{{end}}", image())).isEqualTo("no env");
        assertThat(run("{{if .Config.WorkingDir}}a{{else if .Config.Cmd}}b{{else}}c{{end}}", image()))
                .isEqualTo("b");
        assertThat(run("{{range .RepoTags}}[{{.}}]{{end}}", image())).isEqualTo("[busybox:latest][foo/bar:v1]");
        assertThat(run("{{range .Config.Labels}}{{.}},{{end}}", image())).isEqualTo("<1>,2,");
        assertThat(run("{{range .Config.Env}}x{{else}}empty{{end}}", image())).isEqualTo("empty");
        assertThat(run("{{with .Config}}{{.Cmd}}{{end}}", image())).isEqualTo("[sh]");
        assertThat(run("a  {{- .Id -}}  b", image())).isEqualTo("asha256:abcb");
        assertThat(run("{{if eq .Size 1982263}}yes{{end}} {{if ne .Id \"x\"}}ne{{end}}", image()))
                .isEqualTo("yes ne");
        assertThat(run("{{if and .Id (not .Config.Env)}}ok{{end}}", image())).isEqualTo("ok");
    }

    @Test
    void aMissingMapKeyIsAnErrorAsWithDockersMissingkeyError() throws Exception {
        assertThatThrownBy(() -> run("x{{.Foo}}", image()))
                .isInstanceOf(BerthException.class)
                .hasMessage(
                        "template parsing error: template: :1:3: executing \"\" at <.Foo>: map has no entry for key \"Foo\"");
    }

    @Test
    void fieldsAreStrictButHeadersAnswerEmpty() {
        Fields row = Fields.of(Map.of("ID", "abc"));
        assertThatThrownBy(() -> run("{{.Nope}}", row)).hasMessageContaining("can't evaluate field Nope");
        GoTemplate template = GoTemplate.parse("{{upper .ID}}|{{.Nope}}|{{json .ID}}");
        assertThat(template.executeHeader(Fields.header(Map.of("ID", "IMAGE ID"))))
                .isEqualTo("IMAGE ID||IMAGE ID");
    }

    @Test
    void jsonOfFieldsHasSortedKeys() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("Tag", "<none>");
        values.put("ID", "abc");
        assertThat(run("{{json .}}", Fields.of(values))).isEqualTo("{\"ID\":\"abc\",\"Tag\":\"\\u003cnone\\u003e\"}");
    }

    @Test
    void syntaxErrorsSayWhat() {
        assertThatThrownBy(() -> GoTemplate.parse("{{.ID"))
                .hasMessage("template parsing error: template: :1: unclosed action");
        assertThatThrownBy(() -> GoTemplate.parse("{{if .A}}x")).hasMessageContaining("unexpected EOF");
        assertThatThrownBy(() -> GoTemplate.parse("{{end}}")).hasMessageContaining("unexpected {{end}}");
        assertThatThrownBy(() -> GoTemplate.parse("{{nosuch .A}}"))
                .hasMessageContaining("function \"nosuch\" not defined");
    }

    @Test
    void textWithoutActionsPassesThrough() {
        assertThat(run("plain text", List.of())).isEqualTo("plain text");
    }
}
