package dev.berth.http.server;

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
        Handler list = r -> Response.text("list");
        Handler inspect = r -> Response.text("inspect");
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

    @Test
    void regexParamsMatchOnlyTheirPattern() {
        Handler upload = r -> Response.noContent();
        Handler blob = r -> Response.noContent();
        Router router = new Router()
                .put("/v2/{name}/blobs/uploads/{uuid}", upload)
                .put("/v2/{name}/blobs/{digest:[^/]+}", blob);
        Router.Match m = router.match("PUT", "/v2/a/blobs/b/blobs/sha256:1").orElseThrow();
        assertThat(m.handler()).isSameAs(blob);
        assertThat(m.params()).containsEntry("name", "a/blobs/b").containsEntry("digest", "sha256:1");
        assertThat(router.match("PUT", "/v2/a/blobs/uploads/u-1").orElseThrow().handler())
                .isSameAs(upload);
        assertThat(router.match("PUT", "/v2/a/blobs/x/y"))
                .as("a digest has no slash")
                .isEmpty();
    }

    @Test
    void groupsInsideARegexDoNotShiftTheParameters() {
        Router router = new Router().get("/{a:(x|y)+}/{b}", OK);
        assertThat(router.match("GET", "/xyx/rest").orElseThrow().params())
                .containsEntry("a", "xyx")
                .containsEntry("b", "rest");
    }

    @Test
    void knowsAPathTakenByAnotherMethod() {
        Router router = new Router().delete("/images/{name}", OK);
        assertThat(router.knowsPath("/images/busybox")).isTrue();
        assertThat(router.knowsPath("/containers/x")).isFalse();
    }

    @Test
    void eachRouteHasItsBodyLimit() {
        Router router = new Router().post("/load", Router.STREAM, OK).post("/create", OK);
        assertThat(router.maxBody("POST", "/load")).isEqualTo(Router.STREAM);
        assertThat(router.maxBody("POST", "/create")).isEqualTo(Router.DEFAULT_MAX_BODY);
        assertThat(router.maxBody("POST", "/unknown")).isEqualTo(Router.DEFAULT_MAX_BODY);
    }
}
