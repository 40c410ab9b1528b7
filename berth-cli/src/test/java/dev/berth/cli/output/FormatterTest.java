package dev.berth.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormatterTest {
    private static final Fields HEADER =
            Fields.header(Map.of("Repository", "REPOSITORY", "Tag", "TAG", "ID", "IMAGE ID"));
    private static final List<Fields> ROWS = List.of(
            Fields.of(Map.of("Repository", "busybox", "Tag", "latest", "ID", "b0145a7ee550")),
            Fields.of(Map.of("Repository", "<none>", "Tag", "<none>", "ID", "0123456789ab")));

    @Test
    void tableFormatsPrintAHeaderAndAlignColumns() {
        assertThat(Formatter.render("table {{.Repository}}\\t{{.ID}}", HEADER, ROWS))
                .isEqualTo("""
                REPOSITORY   IMAGE ID
                busybox      b0145a7ee550
                <none>       0123456789ab
                """);
    }

    @Test
    void customFormatsPrintOneLinePerRowWithoutHeader() {
        assertThat(Formatter.render("{{.Repository}}:{{.Tag}}", HEADER, ROWS))
                .isEqualTo("busybox:latest\n<none>:<none>\n");
    }

    @Test
    void jsonPrintsEachRowAsAnObject() {
        assertThat(Formatter.render("json", HEADER, ROWS))
                .isEqualTo(
                        "{\"ID\":\"b0145a7ee550\",\"Repository\":\"busybox\",\"Tag\":\"latest\"}\n"
                                + "{\"ID\":\"0123456789ab\",\"Repository\":\"\\u003cnone\\u003e\",\"Tag\":\"\\u003cnone\\u003e\"}\n");
    }

    @Test
    void anEmptyTableStillHasItsHeader() {
        assertThat(Formatter.render("table {{.Repository}}\t{{.Tag}}", HEADER, List.of()))
                .isEqualTo("REPOSITORY   TAG\n");
    }
}
