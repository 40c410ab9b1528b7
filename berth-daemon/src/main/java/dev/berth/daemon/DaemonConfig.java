package dev.berth.daemon;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.api.server.ApiServer;
import dev.berth.api.tls.TlsFiles;
import dev.berth.core.error.BerthException;
import dev.berth.engine.container.HostSettings;
import dev.berth.engine.container.LogDrivers;
import dev.berth.engine.distribution.RegistrySettings;
import dev.berth.network.NetworkConfig;
import dev.berth.network.firewall.Chains;
import dev.berth.network.ipam.AddressPool;
import dev.berth.network.ipam.Ipv4;
import dev.berth.network.ipam.Subnet;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * The daemon's settings, from its flags and from {@code daemon.json} ({@code --config-file}, by
 * default /etc/berth/daemon.json), under dockerd's flag names and file keys, with dockerd's defaults
 * under berth names.
 *
 * <p>A setting is one field: its flag ({@code @Option}) and its daemon.json key
 * ({@code @JsonProperty}); {@link #readFile} reads every such key. As dockerd's
 * {@code findConfigurationConflicts}, a key that is also given as a flag is an error, and so is a key
 * that names no setting: a typo never goes unnoticed. A missing file is fine at the default path and
 * an error when {@code --config-file} names it.
 */
public final class DaemonConfig {
    public static final Path DEFAULT_CONFIG_FILE = Path.of("/etc/berth/daemon.json");
    public static final Path DEFAULT_DATA_ROOT = Path.of("/var/lib/berth");
    public static final Path DEFAULT_EXEC_ROOT = Path.of("/run/berth");
    public static final URI DEFAULT_HOST = URI.create("unix:///run/berth/berth.sock");
    /** Berth's own shim; runc and crun are offered beside it when installed. */
    public static final String DEFAULT_RUNTIME = "berth";

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    @Option(
            names = "--config-file",
            paramLabel = "FILE",
            description = "daemon.json: these settings under dockerd's keys (default: ${DEFAULT-VALUE})")
    Path configFile = DEFAULT_CONFIG_FILE;

    @Option(
            names = "--data-root",
            paramLabel = "DIR",
            description = "Root of persistent state (default: ${DEFAULT-VALUE})")
    @JsonProperty("data-root")
    Path dataRoot = DEFAULT_DATA_ROOT;

    @Option(
            names = "--exec-root",
            paramLabel = "DIR",
            description = "Root of runtime state (default: ${DEFAULT-VALUE})")
    @JsonProperty("exec-root")
    Path execRoot = DEFAULT_EXEC_ROOT;

    @Option(
            names = {"-H", "--host"},
            paramLabel = "URI",
            description = "Socket(s) to listen on: unix:///path or tcp://host:port (repeatable; default: "
                    + "unix:///run/berth/berth.sock)")
    @JsonProperty("hosts")
    List<String> hosts = List.of();

    @Option(
            names = {"-l", "--log-level"},
            paramLabel = "LEVEL",
            description = "debug, info, warn, error (default: ${DEFAULT-VALUE})")
    @JsonProperty("log-level")
    String logLevel = "info";

    @Option(names = "--registry-mirror", paramLabel = "URL", description = "Mirror for docker.io pulls (repeatable)")
    @JsonProperty("registry-mirrors")
    List<String> registryMirrors = List.of();

    @Option(
            names = "--insecure-registry",
            paramLabel = "HOST[:PORT]",
            description = "Registry reached over plain HTTP (repeatable; loopback registries always are)")
    @JsonProperty("insecure-registries")
    List<String> insecureRegistries = List.of();

    @Option(
            names = "--max-concurrent-downloads",
            paramLabel = "N",
            description = "Layers pulled at once (default: ${DEFAULT-VALUE})")
    @JsonProperty("max-concurrent-downloads")
    int maxConcurrentDownloads = 3;

    @Option(
            names = "--max-concurrent-uploads",
            paramLabel = "N",
            description = "Layers pushed at once (default: ${DEFAULT-VALUE})")
    @JsonProperty("max-concurrent-uploads")
    int maxConcurrentUploads = 5;

    @Option(
            names = "--default-runtime",
            paramLabel = "NAME",
            description = "Runtime of containers created without --runtime: berth, or runc/crun when installed "
                    + "(default: ${DEFAULT-VALUE})")
    @JsonProperty("default-runtime")
    String defaultRuntime = DEFAULT_RUNTIME;

    @Option(
            names = "--log-driver",
            paramLabel = "NAME",
            description = "Log driver of containers created without one: json-file, local or none "
                    + "(default: ${DEFAULT-VALUE})")
    @JsonProperty("log-driver")
    String logDriver = LogDrivers.JSON_FILE;

    @Option(
            names = "--log-opt",
            paramLabel = "KEY=VALUE",
            description = "An option of the default log driver, e.g. max-size=10m (repeatable)")
    @JsonProperty("log-opts")
    Map<String, String> logOpts = Map.of();

    @Option(
            names = "--tls",
            arity = "0..1",
            fallbackValue = "true",
            description = "Serve TLS on tcp:// listeners with --tlscert and --tlskey; implied by --tlsverify")
    @JsonProperty("tls")
    boolean tls;

    @Option(
            names = "--tlsverify",
            arity = "0..1",
            fallbackValue = "true",
            description = "Serve TLS and require client certificates signed by --tlscacert "
                    + "(default: on when DOCKER_TLS_VERIFY is set)")
    @JsonProperty("tlsverify")
    Boolean tlsVerify;

    @Option(
            names = "--tlscacert",
            paramLabel = "FILE",
            description = "CA that signs client certificates (default: ~/.docker/ca.pem, or in $DOCKER_CERT_PATH)")
    @JsonProperty("tlscacert")
    Path tlsCaCert;

    @Option(
            names = "--tlscert",
            paramLabel = "FILE",
            description = "The daemon's TLS certificate (default: ~/.docker/cert.pem, or in $DOCKER_CERT_PATH)")
    @JsonProperty("tlscert")
    Path tlsCert;

    @Option(
            names = "--tlskey",
            paramLabel = "FILE",
            description = "The daemon's TLS key (default: ~/.docker/key.pem, or in $DOCKER_CERT_PATH)")
    @JsonProperty("tlskey")
    Path tlsKey;

    // ---- networking (dockerd's flags and keys; the defaults are dockerd's under Berth's names)

    @Option(
            names = {"-b", "--bridge"},
            paramLabel = "NAME",
            description = "The default bridge's interface, made when missing; none: no default bridge "
                    + "(default: ${DEFAULT-VALUE})")
    @JsonProperty("bridge")
    String bridge = NetworkConfig.DEFAULT_BRIDGE_NAME;

    @Option(
            names = "--bip",
            paramLabel = "CIDR",
            description = "The default bridge's address and subnet (default: the first free subnet of the pools)")
    @JsonProperty("bip")
    String bip = "";

    @Option(
            names = "--default-address-pool",
            paramLabel = "base=CIDR,size=N",
            converter = AddressPoolConverter.class,
            description = "Where networks without --subnet take theirs (repeatable; default: dockerd's pools "
                    + "without 172.17.0.0/16)")
    @JsonProperty("default-address-pools")
    List<AddressPool> defaultAddressPools = List.of();

    @Option(
            names = "--iptables",
            arity = "0..1",
            fallbackValue = "true",
            description = "Add iptables rules for NAT, isolation and published ports (default: ${DEFAULT-VALUE})")
    @JsonProperty("iptables")
    boolean iptables = true;

    @Option(
            names = "--ip-forward",
            arity = "0..1",
            fallbackValue = "true",
            description = "Turn on the kernel's IPv4 forwarding (default: ${DEFAULT-VALUE})")
    @JsonProperty("ip-forward")
    boolean ipForward = true;

    @Option(
            names = "--ip-masq",
            arity = "0..1",
            fallbackValue = "true",
            description = "Masquerade the default bridge's outbound traffic (default: ${DEFAULT-VALUE})")
    @JsonProperty("ip-masq")
    boolean ipMasq = true;

    @Option(
            names = "--icc",
            arity = "0..1",
            fallbackValue = "true",
            description = "Containers on the default bridge may talk to each other (default: ${DEFAULT-VALUE})")
    @JsonProperty("icc")
    boolean icc = true;

    @Option(
            names = "--userland-proxy",
            arity = "0..1",
            fallbackValue = "true",
            description = "Serve published ports on the host through a proxy; off: DNAT with hairpin NAT and "
                    + "route_localnet (default: ${DEFAULT-VALUE})")
    @JsonProperty("userland-proxy")
    boolean userlandProxy = true;

    @Option(names = "--mtu", paramLabel = "BYTES", description = "The default bridge's MTU (default: ${DEFAULT-VALUE})")
    @JsonProperty("mtu")
    int mtu = 1500;

    @Option(
            names = "--host-gateway-ip",
            paramLabel = "IP",
            description = "The address --add-host NAME:host-gateway names (default: the default bridge's)")
    @JsonProperty("host-gateway-ip")
    String hostGatewayIp = "";

    @Option(
            names = "--iptables-chain-prefix",
            paramLabel = "PREFIX",
            description = "Berth's own: the daemon's iptables chains are PREFIX, PREFIX-USER … so that daemons "
                    + "side by side keep apart (default: ${DEFAULT-VALUE})")
    @JsonProperty("iptables-chain-prefix")
    String iptablesChainPrefix = "BERTH";

    @Option(
            names = "--resolv-conf",
            paramLabel = "FILE",
            description = "Berth's own: the host resolv.conf containers' are made from, and the embedded DNS "
                    + "server forwards to (default: ${DEFAULT-VALUE})")
    @JsonProperty("resolv-conf")
    Path resolvConf = Path.of("/etc/resolv.conf");

    /** {@code --default-address-pool base=10.10.0.0/16,size=24}. */
    static final class AddressPoolConverter implements CommandLine.ITypeConverter<AddressPool> {
        @Override
        public AddressPool convert(String value) {
            return AddressPool.parse(value);
        }
    }

    /** The settings of a {@code berth daemon} command line and its daemon.json. */
    public static DaemonConfig parse(String... args) {
        DaemonCommand command = new DaemonCommand();
        ParseResult flags = new CommandLine(command).parseArgs(args);
        command.config.readFile(flags);
        return command.config;
    }

    /**
     * Reads daemon.json over the defaults, after the flags were parsed into this object: a key that
     * {@code flags} also set, or that names no setting, stops the start as dockerd's does.
     */
    void readFile(ParseResult flags) {
        boolean named = flags.hasMatchedOption("--config-file");
        ObjectNode file;
        try {
            JsonNode node = JSON.readTree(Files.readAllBytes(configFile));
            if (!(node instanceof ObjectNode object)) {
                throw fileError("it holds no JSON object");
            }
            file = object;
        } catch (NoSuchFileException e) {
            if (named) {
                throw fileError("it does not exist");
            }
            return;
        } catch (JsonProcessingException e) {
            throw fileError("invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw fileError(e.getMessage());
        }
        Map<String, OptionSpec> settings = settingsByKey(flags.commandSpec().options());
        List<String> unknown = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        file.properties().forEach(entry -> {
            OptionSpec option = settings.get(entry.getKey());
            if (option == null) {
                unknown.add(entry.getKey());
            } else if (flags.hasMatchedOption(option)) {
                conflicts.add("%s: (from flag: %s, from file: %s)"
                        .formatted(entry.getKey(), goText(option.getValue()), goText(entry.getValue())));
            }
        });
        if (!unknown.isEmpty()) {
            throw fileError("the following directives don't match any configuration option: "
                    + String.join(", ", unknown.stream().sorted().toList()));
        }
        if (!conflicts.isEmpty()) {
            throw fileError("the following directives are specified both as a flag and in the configuration file: "
                    + String.join(", ", conflicts));
        }
        try {
            JSON.readerForUpdating(this).readValue(file);
        } catch (JsonMappingException e) {
            String key = e.getPath().isEmpty() ? "" : e.getPath().getFirst().getFieldName() + ": ";
            throw fileError(key + e.getOriginalMessage());
        } catch (IOException e) {
            throw fileError(e.getMessage());
        }
    }

    /** The options that have a daemon.json key, by that key. */
    private static Map<String, OptionSpec> settingsByKey(Collection<OptionSpec> options) {
        Map<String, OptionSpec> byKey = new TreeMap<>();
        for (OptionSpec option : options) {
            if (option.userObject() instanceof Field field && field.isAnnotationPresent(JsonProperty.class)) {
                byKey.put(field.getAnnotation(JsonProperty.class).value(), option);
            }
        }
        return byKey;
    }

    /** A value as Go's %v prints it in dockerd's message: lists as [a b]. */
    private static String goText(Object value) {
        if (value instanceof JsonNode node) {
            if (node.isArray()) {
                List<String> items = new ArrayList<>();
                node.forEach(item -> items.add(goText(item)));
                return goText(items);
            }
            return node.isTextual() ? node.asText() : node.toString();
        }
        if (value instanceof Collection<?> items) {
            return items.stream().map(String::valueOf).collect(Collectors.joining(" ", "[", "]"));
        }
        return String.valueOf(value);
    }

    private BerthException fileError(String why) {
        return BerthException.invalid("unable to configure the Berth daemon with file %s: %s", configFile, why);
    }

    public Path dataRoot() {
        return dataRoot;
    }

    public Path execRoot() {
        return execRoot;
    }

    /** The listeners; unix:///run/berth/berth.sock when none is given. */
    public List<URI> hosts() {
        return hosts.isEmpty()
                ? List.of(DEFAULT_HOST)
                : hosts.stream().map(ApiServer::parseHost).toList();
    }

    public String logLevel() {
        return logLevel;
    }

    public RegistrySettings registries() {
        return RegistrySettings.of(registryMirrors, insecureRegistries, maxConcurrentDownloads, maxConcurrentUploads);
    }

    public String defaultRuntime() {
        return defaultRuntime == null || defaultRuntime.isEmpty() ? DEFAULT_RUNTIME : defaultRuntime;
    }

    /** The log config of containers created without one; {@link LogDrivers} checks it. */
    public HostSettings.LogConfig logConfig() {
        return new HostSettings.LogConfig(logDriver, logOpts);
    }

    /** The network settings, checked now so that a wrong one stops the start by name. */
    public NetworkConfig network() {
        Subnet bipSubnet = bip == null || bip.isEmpty() ? null : Subnet.parse(bip);
        Ipv4 gateway = hostGatewayIp == null || hostGatewayIp.isEmpty() ? null : Ipv4.parse(hostGatewayIp);
        return new NetworkConfig(
                bridge,
                bipSubnet,
                defaultAddressPools,
                iptables,
                ipForward,
                ipMasq,
                icc,
                userlandProxy,
                mtu,
                new Chains(iptablesChainPrefix),
                resolvConf,
                gateway);
    }

    /**
     * The tcp:// listeners' TLS, its files read now so that a wrong one stops the start by name;
     * null for plain HTTP. {@code env} gives DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, as for dockerd.
     */
    public SslContext tls(Map<String, String> env) {
        TlsFiles files = TlsFiles.forDaemon(tls, tlsVerify, tlsCaCert, tlsCert, tlsKey, env);
        return files == null ? null : files.serverContext();
    }
}
