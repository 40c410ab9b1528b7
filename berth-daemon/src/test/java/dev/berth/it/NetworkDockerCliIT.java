package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Networking through the real docker CLI: the default bridge's /etc files, published ports from
 * 127.0.0.1 and from another container, user-defined networks with names, aliases and isolation,
 * connect and disconnect, shared namespaces, legacy links, and Docker's errors. Traffic goes only
 * to 127.0.0.1 and to the daemon's own bridges and containers; names outside are asked of a fake
 * resolver the test runs on the daemon's own loopback address.
 */
class NetworkDockerCliIT {
    private static BerthDaemon daemon;
    private static FakeResolver resolver;

    @BeforeAll
    static void startDaemon() {
        daemon = BerthDaemon.start();
        daemon.bootstrapBusybox();
        resolver = FakeResolver.start(daemon.network().nameserver(), Map.of("outside.example.", "10.99.0.7"));
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        if (resolver != null) {
            resolver.close();
        }
        if (daemon != null) {
            daemon.removeAllContainers();
            daemon.close();
        }
    }

    @AfterEach
    void removeContainersAndNetworks() {
        daemon.removeAllContainers();
        docker("network", "prune", "-f");
    }

    private static CommandResult docker(String... args) {
        return daemon.docker(args);
    }

    /** A detached busybox web server answering {@code body} for /, with extra run options. */
    private static String webServer(String body, String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("run", "-d"));
        args.addAll(List.of(options));
        args.addAll(List.of(
                "busybox",
                "sh",
                "-c",
                "mkdir -p /www && echo " + body + " > /www/index.html && exec httpd -f -p 80 -h /www"));
        return docker(args.toArray(String[]::new)).ok().trim();
    }

    @Test
    void defaultBridgeGivesAddressRouteAndDockersEtcFiles() {
        String out = docker(
                        "run",
                        "--rm",
                        "--hostname",
                        "web",
                        "--domainname",
                        "example.org",
                        "--add-host",
                        "db.local:10.1.2.3",
                        "--add-host",
                        "gw:host-gateway",
                        "--mac-address",
                        "02:42:aa:bb:cc:dd",
                        "busybox",
                        "sh",
                        "-c",
                        "cat /etc/hosts; echo ---; ip route; echo ---; cat /sys/class/net/eth0/address")
                .ok();
        String gateway = docker("network", "inspect", "-f", "{{(index .IPAM.Config 0).Gateway}}", "bridge")
                .ok()
                .trim();
        String[] parts = out.split("---\n");
        String prefix =
                daemon.network().pool().substring(0, daemon.network().pool().indexOf(".0.0/"));
        assertThat(parts[0])
                .startsWith("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n")
                .contains("10.1.2.3\tdb.local\n" + gateway + "\tgw\n")
                .containsPattern(prefix.replace(".", "\\.") + "\\.\\d+\\.\\d+\tweb\\.example\\.org web\n$");
        assertThat(parts[1]).startsWith("default via " + gateway + " dev eth0");
        assertThat(parts[2].trim()).isEqualTo("02:42:aa:bb:cc:dd");
    }

    @Test
    void resolvConfIsTheHostsFilteredOrTheUsersOrTheEmbeddedServers() {
        // the daemon's host resolv.conf names only a loopback server: Docker falls back to Google's
        assertThat(docker("run", "--rm", "busybox", "cat", "/etc/resolv.conf").ok())
                .isEqualTo("\nnameserver 8.8.8.8\nnameserver 8.8.4.4");
        assertThat(docker(
                                "run",
                                "--rm",
                                "--dns",
                                "10.0.0.53",
                                "--dns-search",
                                "corp.example",
                                "--dns-option",
                                "ndots:2",
                                "busybox",
                                "cat",
                                "/etc/resolv.conf")
                        .ok())
                .isEqualTo("search corp.example\nnameserver 10.0.0.53\noptions ndots:2\n");
        docker("network", "create", "dnsnet").ok();
        assertThat(docker("run", "--rm", "--network", "dnsnet", "busybox", "cat", "/etc/resolv.conf")
                        .ok())
                .isEqualTo("nameserver 127.0.0.11\noptions ndots:0\n");
    }

    /** --network host: the host's /etc/hosts and the daemon's host resolv.conf, as Docker mounts them. */
    @Test
    void hostNetworkGetsTheHostsEtcFiles() throws Exception {
        assertThat(docker("run", "--rm", "--network", "host", "busybox", "cat", "/etc/hosts")
                        .ok())
                .isEqualTo(Files.readString(Path.of("/etc/hosts")));
        assertThat(docker("run", "--rm", "--network", "host", "busybox", "cat", "/etc/resolv.conf")
                        .ok())
                .isEqualTo("nameserver " + daemon.network().nameserver() + "\n");
    }

    @Test
    void publishedPortAnswersOnLoopbackAndFromAnotherContainer() throws Exception {
        String id = webServer("published", "-p", "127.0.0.1::80", "-p", "0.0.0.0::80");
        List<String> ports = docker("port", id, "80/tcp").ok().lines().toList();
        assertThat(ports).hasSize(2);
        int local = Integer.parseInt(ports.stream()
                .filter(p -> p.startsWith("127.0.0.1:"))
                .findFirst()
                .orElseThrow()
                .substring("127.0.0.1:".length()));
        int any = Integer.parseInt(ports.stream()
                .filter(p -> p.startsWith("0.0.0.0:"))
                .findFirst()
                .orElseThrow()
                .substring("0.0.0.0:".length()));
        assertThat(httpGet(local)).contains("published");
        String gateway =
                docker("inspect", "-f", "{{.NetworkSettings.Gateway}}", id).ok().trim();
        assertThat(fetchFromContainer("http://" + gateway + ":" + any + "/")).isEqualTo("published\n");
        assertThat(docker("ps", "--filter", "id=" + id, "--format", "{{.Ports}}")
                        .ok())
                .contains("127.0.0.1:" + local + "->80/tcp")
                .contains("0.0.0.0:" + any + "->80/tcp");
    }

    @Test
    void portRangesPublishAllAndDockerPort() {
        String id = docker(
                        "run",
                        "-d",
                        "--expose",
                        "81",
                        "--expose",
                        "82/udp",
                        "-P",
                        "-p",
                        "127.0.0.1:45100-45105:80",
                        "busybox",
                        "sleep",
                        "60")
                .ok()
                .trim();
        String port = docker("port", id).ok();
        assertThat(port).containsPattern("80/tcp -> 127\\.0\\.0\\.1:4510[0-5]\n");
        assertThat(port).containsPattern("81/tcp -> 0\\.0\\.0\\.0:\\d+\n");
        assertThat(port).containsPattern("82/udp -> 0\\.0\\.0\\.0:\\d+\n");
        assertThat(docker("inspect", "-f", "{{json .NetworkSettings.Ports}}", id)
                        .ok())
                .contains("\"81/tcp\":[{");
    }

    @Test
    void aHostPortInUseIsDockersPortIsAlreadyAllocated() {
        webServer("first", "-p", "127.0.0.1:45120:80");
        CommandResult second =
                docker("run", "-d", "--name", "second", "-p", "127.0.0.1:45120:80", "busybox", "sleep", "60");
        assertThat(second.exitCode()).isNotZero();
        assertThat(second.stderr())
                .contains("driver failed programming external connectivity on endpoint second (")
                .contains("Bind for 127.0.0.1:45120 failed: port is already allocated");
        assertThat(docker("inspect", "-f", "{{.State.Status}}", "second").ok().trim())
                .isEqualTo("created");
    }

    @Test
    void namesAliasesAndShortIdsResolveOnlyOnSharedNetworks() {
        docker("network", "create", "front").ok();
        docker("network", "create", "back").ok();
        String web = webServer("front-web", "--name", "web", "--network", "front", "--network-alias", "www");
        String viaName = fetchFromContainer("http://web/", "--network", "front")
                + fetchFromContainer("http://www/", "--network", "front")
                + fetchFromContainer("http://" + web.substring(0, 12) + "/", "--network", "front")
                + fetchFromContainer("http://web.front/", "--network", "front");
        assertThat(viaName).isEqualTo("front-web\n".repeat(4));
        CommandResult isolated = docker("run", "--rm", "--network", "back", "busybox", "nslookup", "web");
        assertThat(isolated.stdout() + isolated.stderr()).doesNotContain(ipOf(web, "front"));
        // anything else goes to the host's servers: here the test's own fake resolver
        assertThat(docker("run", "--rm", "--network", "back", "busybox", "nslookup", "outside.example")
                        .ok())
                .contains("10.99.0.7");
        assertThat(resolver.asked()).contains("outside.example.");
    }

    @Test
    void connectAndDisconnectWhileRunning() {
        docker("network", "create", "one").ok();
        docker("network", "create", "two").ok();
        String c = docker("run", "-d", "--name", "mover", "--network", "one", "busybox", "sleep", "120")
                .ok()
                .trim();
        docker("network", "connect", "--alias", "moved", "two", "mover").ok();
        String ipTwo = ipOf(c, "two");
        assertThat(docker("exec", c, "ip", "-o", "-4", "addr", "show", "eth1").ok())
                .contains(ipTwo + "/24");
        assertThat(docker("exec", c, "cat", "/etc/hosts").ok()).contains(ipTwo + "\t" + c.substring(0, 12));
        assertThat(docker("run", "--rm", "--network", "two", "busybox", "nslookup", "moved")
                        .ok())
                .contains(ipTwo);

        docker("network", "disconnect", "two", "mover").ok();
        assertThat(docker("exec", c, "ls", "/sys/class/net").ok()).doesNotContain("eth1");
        assertThat(docker("exec", c, "cat", "/etc/hosts").ok()).doesNotContain(ipTwo);
        assertThat(docker("inspect", "-f", "{{len .NetworkSettings.Networks}}", c)
                        .ok()
                        .trim())
                .isEqualTo("1");

        // a stopped container gets a network at its next start
        docker("stop", "-t", "0", c).ok();
        docker("network", "connect", "two", "mover").ok();
        docker("start", c).ok();
        assertThat(docker("exec", c, "ls", "/sys/class/net").ok())
                .contains("eth0")
                .contains("eth1");
    }

    @Test
    void networkCreateOptionsInspectListAndErrors() {
        String base =
                daemon.network().pool().substring(0, daemon.network().pool().indexOf(".0.0/"));
        String subnet = base + ".200.0/24";
        docker(
                        "network",
                        "create",
                        "--subnet",
                        subnet,
                        "--gateway",
                        base + ".200.254",
                        "--ip-range",
                        base + ".200.128/25",
                        "--internal",
                        "--attachable",
                        "--label",
                        "tier=db",
                        "-o",
                        "com.docker.network.bridge.name=btn"
                                + daemon.network().chainPrefix().substring(2),
                        "custom")
                .ok();
        assertThat(docker(
                                "network",
                                "inspect",
                                "-f",
                                "{{json .IPAM.Config}} {{.Internal}} {{.Attachable}} {{index .Labels \"tier\"}}",
                                "custom")
                        .ok()
                        .trim())
                .isEqualTo("[{\"Subnet\":\"" + subnet + "\",\"IPRange\":\"" + base + ".200.128/25\",\"Gateway\":\""
                        + base + ".200.254\"}] true true db");
        String c = docker("run", "-d", "--network", "custom", "--ip", base + ".200.130", "busybox", "sleep", "60")
                .ok()
                .trim();
        assertThat(ipOf(c, "custom")).isEqualTo(base + ".200.130");
        assertThat(docker("network", "ls", "--filter", "label=tier=db", "--format", "{{.Name}}")
                        .ok())
                .isEqualTo("custom\n");

        assertThat(docker("network", "create", "--subnet", subnet, "clash").stderr())
                .contains("Pool overlaps with other one on this address space");
        assertThat(docker("network", "create", "custom").stderr()).contains("network with name custom already exists");
        assertThat(docker("network", "create", "--subnet", "10.1.2.0/33", "bad").stderr())
                .contains("invalid CIDR address: 10.1.2.0/33");
        assertThat(docker("run", "--rm", "--pull", "never", "--network", "nosuch", "busybox", "true")
                        .stderr())
                .contains("network nosuch not found");
        assertThat(docker("run", "--rm", "--network", "custom", "--ip", "10.250.250.5", "busybox", "true")
                        .stderr())
                .contains("Invalid address 10.250.250.5: It does not belong to any of this network's subnets");
        assertThat(docker("run", "--rm", "--network", "custom", "--ip", base + ".200.130", "busybox", "true")
                        .stderr())
                .contains("Address already in use");
        assertThat(docker("network", "rm", "custom").stderr()).contains("has active endpoints");
        assertThat(docker("network", "rm", "bridge").stderr())
                .contains("bridge is a pre-defined network and cannot be removed");
        docker("rm", "-f", c).ok();
        docker("network", "rm", "custom").ok();
        assertThat(docker("network", "ls", "--format", "{{.Name}}").ok()).doesNotContain("custom");
    }

    @Test
    void sharedNetworkPidAndIpcNamespaces() {
        String owner = docker(
                        "run",
                        "-d",
                        "--name",
                        "owner",
                        "--ipc",
                        "shareable",
                        "busybox",
                        "sh",
                        "-c",
                        "echo shared > /dev/shm/mark; exec sleep 120")
                .ok()
                .trim();
        String ownerIp = docker("inspect", "-f", "{{.NetworkSettings.IPAddress}}", owner)
                .ok()
                .trim();
        assertThat(docker("run", "--rm", "--network", "container:owner", "busybox", "ip", "-o", "-4", "addr")
                        .ok())
                .contains(ownerIp + "/");
        assertThat(docker("run", "--rm", "--pid", "container:owner", "busybox", "ps")
                        .ok())
                .contains("sleep 120");
        assertThat(docker("run", "--rm", "--ipc", "container:owner", "busybox", "cat", "/dev/shm/mark")
                        .ok())
                .isEqualTo("shared\n");
        assertThat(Integer.parseInt(
                        docker("run", "--rm", "--pid", "host", "busybox", "sh", "-c", "ls /proc | grep -c '^[0-9]'")
                                .ok()
                                .trim()))
                .isGreaterThan(10);
        assertThat(docker("run", "--rm", "--ipc", "none", "busybox", "sh", "-c", "ls -d /dev/shm || echo none")
                        .ok())
                .contains("none");
        assertThat(docker("run", "--rm", "--uts", "host", "busybox", "hostname")
                        .ok()
                        .trim())
                .isEqualTo(hostHostname());
        assertThat(docker("run", "--rm", "--userns", "host", "busybox", "true").exitCode())
                .isZero();
        docker("stop", "-t", "0", owner).ok();
        assertThat(docker("run", "--rm", "--network", "container:owner", "busybox", "true")
                        .stderr())
                .contains("cannot join network of a non running container");
    }

    @Test
    void legacyLinksGiveHostsEntriesEnvironmentAndCanBeRemoved() {
        String db = docker(
                        "run", "-d", "--name", "db", "--expose", "5432", "-e", "SECRET=s3", "busybox", "sleep", "120")
                .ok()
                .trim();
        String dbIp = docker("inspect", "-f", "{{.NetworkSettings.IPAddress}}", db)
                .ok()
                .trim();
        docker("run", "-d", "--name", "app", "--link", "db:store", "busybox", "sleep", "120")
                .ok();
        assertThat(docker("exec", "app", "cat", "/etc/hosts").ok())
                .contains(dbIp + "\tstore " + db.substring(0, 12) + " db\n");
        String env = docker("exec", "app", "env").ok();
        assertThat(env)
                .contains("STORE_NAME=/app/store")
                .contains("STORE_PORT=tcp://" + dbIp + ":5432")
                .contains("STORE_PORT_5432_TCP_ADDR=" + dbIp)
                .contains("STORE_ENV_SECRET=s3");
        docker("rm", "--link", "/app/store").ok();
        assertThat(docker("inspect", "-f", "{{.HostConfig.Links}}", "app").ok().trim())
                .isEqualTo("[]");
    }

    @Test
    void statsCountTrafficAndEventsNameTheNetworkActions() {
        long since = System.currentTimeMillis() / 1000;
        docker("network", "create", "evnet").ok();
        String c = docker("run", "-d", "--network", "evnet", "busybox", "sleep", "60")
                .ok()
                .trim();
        assertThat(docker("stats", "--no-stream", "--format", "{{.NetIO}}", c)
                        .ok()
                        .trim())
                .isNotEqualTo("0B / 0B");
        docker("rm", "-f", c).ok();
        docker("network", "rm", "evnet").ok();
        String events = docker(
                        "events",
                        "--since",
                        Long.toString(since),
                        "--until",
                        Long.toString(System.currentTimeMillis() / 1000 + 1),
                        "--filter",
                        "type=network",
                        "--format",
                        "{{.Action}} {{.Actor.Attributes.name}}")
                .ok();
        assertThat(events.lines().toList())
                .containsSubsequence("create evnet", "connect evnet", "disconnect evnet", "destroy evnet");
    }

    @Test
    void masqueradeRuleAndNoLeftoversAfterRm() {
        String bridgeSubnet = docker("network", "inspect", "-f", "{{(index .IPAM.Config 0).Subnet}}", "bridge")
                .ok()
                .trim();
        String chains = daemon.network().chainPrefix();
        assertThat(iptablesSave())
                .contains("-A " + chains + "-POSTROUTING -s " + bridgeSubnet + " ! -o "
                        + daemon.network().bridge() + " -j MASQUERADE");
        docker("network", "create", "gone").ok();
        String c = webServer("x", "--network", "gone", "-p", "127.0.0.1:45130:80");
        String veth = vethOf(c);
        assertThat(ipLink()).contains(veth);
        assertThat(iptablesSave()).contains("--dport 45130 -j DNAT");
        docker("rm", "-f", c).ok();
        assertThat(ipLink()).doesNotContain(veth);
        assertThat(iptablesSave()).doesNotContain("--dport 45130");
        docker("network", "rm", "gone").ok();
    }

    /** wget of {@code url} from a new container, retried while the server starts. */
    private static String fetchFromContainer(String url, String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("run", "--rm"));
        args.addAll(List.of(options));
        args.addAll(List.of(
                "busybox",
                "sh",
                "-c",
                "for i in $(seq 100); do wget -qO- " + url + " && exit 0; sleep 0.2; done; exit 1"));
        return docker(args.toArray(String[]::new)).ok();
    }

    private static String ipOf(String container, String network) {
        return docker("inspect", "-f", "{{(index .NetworkSettings.Networks \"" + network + "\").IPAddress}}", container)
                .ok()
                .trim();
    }

    /** The host side of a container's first veth: the interface whose index its eth0 names as its peer. */
    private static String vethOf(String container) {
        String peer = docker("exec", container, "cat", "/sys/class/net/eth0/iflink")
                .ok()
                .trim();
        for (String line : ipLink().lines().toList()) {
            if (line.startsWith(peer + ": ")) {
                String name = line.split(": ")[1];
                return name.contains("@") ? name.substring(0, name.indexOf('@')) : name;
            }
        }
        throw new AssertionError("no host interface " + peer);
    }

    static String ipLink() {
        return Commands.run(List.of("ip", "-o", "link"), Map.of(), null).ok();
    }

    static String iptablesSave() {
        return Commands.run(List.of("iptables-save"), Map.of(), null).ok();
    }

    private static String hostHostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A GET of / on 127.0.0.1:port, retried while the server starts. */
    static String httpGet(int port) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                s.setSoTimeout(10_000);
                s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes());
                InputStream in = s.getInputStream();
                String response = new String(in.readAllBytes());
                if (response.startsWith("HTTP/1.")) {
                    return response;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("nothing answered on 127.0.0.1:" + port);
            }
            Thread.sleep(100);
        }
    }
}
