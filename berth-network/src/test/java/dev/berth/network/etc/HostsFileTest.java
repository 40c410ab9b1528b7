package dev.berth.network.etc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostsFileTest {
    @Test
    void standardLinesExtraEntriesThenTheContainersOwnAddress() {
        String hosts = HostsFile.build(
                List.of(
                        new HostsFile.Entry("172.18.0.1", "host.docker.internal"),
                        new HostsFile.Entry("172.18.0.5", "db 0123456789ab web_db_1")),
                List.of("172.18.0.2"),
                "0123456789ab",
                "");
        assertThat(hosts).isEqualTo("""
                127.0.0.1\tlocalhost
                ::1\tlocalhost ip6-localhost ip6-loopback
                fe00::0\tip6-localnet
                ff00::0\tip6-mcastprefix
                ff02::1\tip6-allnodes
                ff02::2\tip6-allrouters
                172.18.0.1\thost.docker.internal
                172.18.0.5\tdb 0123456789ab web_db_1
                172.18.0.2\t0123456789ab
                """);
    }

    @Test
    void aDomainGivesTheFullNameAndTheShortOne() {
        assertThat(HostsFile.names("web", "example.org")).isEqualTo("web.example.org web");
        assertThat(HostsFile.names("web.example.org", "")).isEqualTo("web.example.org web");
        assertThat(HostsFile.names("web", "")).isEqualTo("web");
    }
}
