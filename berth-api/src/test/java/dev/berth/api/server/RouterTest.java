package dev.berth.api.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RouterTest {
    private static final Handler OK = r -> Response.noContent();

    @Test
    void paramsMayContainSlashesAndColons() {
        Router router = new Router().get("/images/{name}/json", OK);
        Router.Match m =
                router.match("GET", "/images/localhost:5000/foo/bar:1/json").orElseThrow();
        assertThat(m.params()).containsEntry("name", "localhost:5000/foo/bar:1");
    }

    @Test
    void literalRouteBeatsTemplateWhateverTheOrder() {
        Handler list = r -> Response.json("list");
        Handler inspect = r -> Response.json("inspect");
        Router router = new Router().get("/images/{name}/json", inspect).get("/images/json", list);
        assertThat(router.match("GET", "/images/json").orElseThrow().handler()).isSameAs(list);
        assertThat(router.match("GET", "/images/busybox/json").orElseThrow().handler())
                .isSameAs(inspect);
    }

    @Test
    void moreLiteralTemplateWins() {
        Handler attachWs = r -> Response.noContent();
        Handler other = r -> Response.noContent();
        Router router = new Router().get("/containers/{name}/ws", other).get("/containers/{name}/attach/ws", attachWs);
        Router.Match m = router.match("GET", "/containers/abc/attach/ws").orElseThrow();
        assertThat(m.handler()).isSameAs(attachWs);
        assertThat(m.params()).containsEntry("name", "abc");
    }

    @Test
    void methodMustMatchAndEmptyParamDoesNot() {
        Router router = new Router().delete("/images/{name}", OK);
        assertThat(router.match("GET", "/images/busybox")).isEmpty();
        assertThat(router.match("DELETE", "/images/")).isEmpty();
        assertThat(router.match("DELETE", "/images/a/b:c").orElseThrow().params())
                .containsEntry("name", "a/b:c");
    }

    @Test
    void twoParamsSplitAtLiteral() {
        Router router = new Router().get("/a/{x}/b/{y}", OK);
        assertThat(router.match("GET", "/a/1/b/2").orElseThrow().params())
                .containsEntry("x", "1")
                .containsEntry("y", "2");
    }

    @Test
    void malformedTemplateIsRefused() {
        assertThatThrownBy(() -> new Router().get("/images/{name/json", OK)).hasMessageContaining("malformed");
        assertThatThrownBy(() -> new Router().get("images", OK)).hasMessageContaining("must start with /");
    }

    @Test
    void duplicateRegistrationIsRefused() {
        Router router = new Router().get("/x", OK);
        assertThatThrownBy(() -> router.get("/x", OK)).hasMessageContaining("twice");
    }
}
