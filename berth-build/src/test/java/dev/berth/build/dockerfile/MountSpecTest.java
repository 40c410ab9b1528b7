package dev.berth.build.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MountSpecTest {
    private static MountSpec parse(String text) {
        return MountSpec.parse(text, w -> ShellLex.of('\\').word(w, Map.of("T", "/cache")));
    }

    @Test
    void bindIsTheReadOnlyDefault() {
        MountSpec m = parse("target=/src,source=app,from=build");
        assertThat(m.type()).isEqualTo("bind");
        assertThat(m.readOnly()).isTrue();
        assertThat(m.target()).isEqualTo("/src");
        assertThat(m.source()).isEqualTo("app");
        assertThat(m.from()).isEqualTo("build");
        assertThat(parse("target=/src,rw").readOnly()).isFalse();
        assertThat(parse("target=/src,readwrite=true").readOnly()).isFalse();
    }

    @Test
    void cacheIsWritableWithItsOptions() {
        MountSpec m = parse("type=cache,target=$T,id=go,sharing=locked,mode=0700,uid=1000,gid=1000");
        assertThat(m.readOnly()).isFalse();
        assertThat(m.target()).isEqualTo("/cache");
        assertThat(m.id()).isEqualTo("go");
        assertThat(m.sharing()).isEqualTo("locked");
        assertThat(m.mode()).isEqualTo(0700);
        assertThat(m.uid()).isEqualTo(1000);
        assertThatThrownBy(() -> parse("type=bind,target=/x,sharing=locked"))
                .hasMessageContaining("invalid cache sharing set for bind mount");
        assertThatThrownBy(() -> parse("type=cache,target=/x,sharing=odd"))
                .hasMessageContaining("unsupported sharing value");
    }

    @Test
    void tmpfsTakesASize() {
        assertThat(parse("type=tmpfs,target=/t,size=64m").size()).isEqualTo(64L << 20);
        assertThatThrownBy(() -> parse("type=bind,target=/t,size=1")).hasMessageContaining("unexpected key 'size'");
        assertThatThrownBy(() -> parse("type=tmpfs,target=/t,mode=0700")).hasMessageContaining("mode not allowed");
    }

    @Test
    void secretsTakeIdTargetEnvAndRequired() {
        MountSpec s = parse("type=secret,id=aws,required,env=AWS");
        assertThat(s.secretId()).isEqualTo("aws");
        assertThat(s.required()).isTrue();
        assertThat(s.env()).isEqualTo("AWS");
        assertThat(parse("type=secret,target=/root/.netrc").secretId()).isEqualTo(".netrc");
        assertThatThrownBy(() -> parse("type=secret,id=a,from=x"))
                .hasMessageContaining("secret mount should not have a from");
        assertThatThrownBy(() -> parse("type=secret")).hasMessageContaining("one of source, target required");
        assertThatThrownBy(() -> parse("type=bind,required")).hasMessageContaining("unexpected key 'required'");
    }

    @Test
    void checksSyntaxBeforeValuesAreKnown() {
        assertThat(MountSpec.parse("type=cache,target=$DIR", null).type()).isEqualTo("cache");
        assertThatThrownBy(() -> MountSpec.parse("type=bind,from=$STAGE", null))
                .hasMessageContaining("'from' doesn't support variable expansion");
        assertThatThrownBy(() -> parse("target=/x,bogus=1")).hasMessageContaining("unexpected key 'bogus'");
        assertThatThrownBy(() -> parse("target=/x,odd")).hasMessageContaining("invalid field 'odd'");
    }

    @Test
    void readsQuotedCsvFields() {
        assertThat(MountSpec.csv("type=bind,\"target=/a,b\",ro")).containsExactly("type=bind", "target=/a,b", "ro");
        assertThat(MountSpec.fromField("type=bind,from=build,target=/x")).isEqualTo("build");
        assertThatThrownBy(() -> MountSpec.csv("a\"b")).hasMessageContaining("bare \"");
    }
}
