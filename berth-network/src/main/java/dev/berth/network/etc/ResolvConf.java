package dev.berth.network.etc;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container's /etc/resolv.conf, as dockerd 20.10 writes it (libnetwork resolvconf and
 * sandbox_dns_unix.go): the host's file with its loopback nameservers removed (they would point
 * at the container's own loopback), its IPv6 ones too when the network has no IPv6, Google's
 * servers when nothing is left; or, when the user gave any of --dns, --dns-search, --dns-option,
 * a file of those (the host's for the parts not given). On a network with the embedded DNS
 * server, the nameserver is 127.0.0.11 and the real ones are what it forwards to.
 */
public final class ResolvConf {
    /** Where the embedded DNS server answers inside a container (libnetwork's resolverIPSandbox). */
    public static final String EMBEDDED_SERVER = "127.0.0.11";

    private static final String IPV4_PART = "(25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)";
    private static final String IPV4 = "(" + IPV4_PART + "\\.){3}" + IPV4_PART;
    private static final String IPV6 = "([0-9A-Fa-f]{0,4}:){2,7}([0-9A-Fa-f]{0,4})(%\\w+)?";
    private static final Pattern LOCALHOST_NS =
            Pattern.compile("(?m)^nameserver\\s+((127\\.([0-9]{1,3}\\.){2}[0-9]{1,3})|(::1)$)\\s*\\n*");
    private static final Pattern IPV6_NS = Pattern.compile("(?m)^nameserver\\s+" + IPV6 + "\\s*\\n*");
    private static final Pattern NS = Pattern.compile("^\\s*nameserver\\s*((" + IPV4 + ")|(" + IPV6 + "))\\s*$");
    private static final Pattern NS4 = Pattern.compile("^\\s*nameserver\\s*((" + IPV4 + "))\\s*$");
    private static final Pattern NS6 = Pattern.compile("^\\s*nameserver\\s*((" + IPV6 + "))\\s*$");
    private static final Pattern SEARCH = Pattern.compile("^\\s*search\\s*(([^\\s]+\\s*)*)$");
    private static final Pattern OPTIONS = Pattern.compile("^\\s*options\\s*(([^\\s]+\\s*)*)$");
    private static final List<String> DEFAULT_IPV4 = List.of("8.8.8.8", "8.8.4.4");

    private ResolvConf() {}

    /**
     * The content of a container's file and the servers behind it.
     *
     * @param content  the file
     * @param upstream the IPv4 servers the embedded DNS forwards to (empty without it)
     */
    public record Result(String content, List<String> upstream) {}

    /**
     * @param host      the host's resolv.conf
     * @param dns       --dns (empty: the host's)
     * @param search    --dns-search
     * @param options   --dns-option
     * @param embedded  the container is on a user-defined network, served by the embedded DNS
     */
    public static Result forContainer(
            String host, List<String> dns, List<String> search, List<String> options, boolean embedded) {
        boolean custom = !dns.isEmpty() || !search.isEmpty() || !options.isEmpty();
        String file;
        List<String> upstream;
        if (custom) {
            file = build(
                    dns.isEmpty() ? nameservers(host, NS) : dns,
                    search.isEmpty() ? searchDomains(host) : search,
                    options.isEmpty() ? options(host) : options);
            upstream = nameservers(file, NS4); // --dns 127.0.0.x means the container's own loopback
        } else {
            upstream = nameservers(host, NS4); // a loopback server of the host's is reached from the host
            file = filter(host, false);
        }
        if (!embedded) {
            return new Result(file, List.of());
        }
        List<String> servers = new ArrayList<>(List.of(EMBEDDED_SERVER));
        servers.addAll(nameservers(file, NS6));
        List<String> opts = new ArrayList<>(options(file));
        opts.add("ndots:0");
        return new Result(build(servers, searchDomains(file), opts), upstream);
    }

    /**
     * libnetwork's FilterResolvDNS: loopback nameserver lines go (and IPv6 ones without IPv6);
     * when no nameserver is left, Google's public servers are added.
     */
    static String filter(String content, boolean ipv6) {
        String cleaned = LOCALHOST_NS.matcher(content).replaceAll("");
        if (!ipv6) {
            cleaned = IPV6_NS.matcher(cleaned).replaceAll("");
        }
        if (nameservers(cleaned, NS).isEmpty()) {
            List<String> lines =
                    DEFAULT_IPV4.stream().map(s -> "nameserver " + s).toList();
            cleaned = cleaned + "\n" + String.join("\n", lines);
        }
        return cleaned;
    }

    /** The IPv4 nameservers of a file, in order. */
    public static List<String> ipv4Nameservers(String content) {
        return nameservers(content, NS4);
    }

    static String build(List<String> servers, List<String> search, List<String> options) {
        StringBuilder out = new StringBuilder();
        String joinedSearch = String.join(" ", search);
        if (!search.isEmpty() && !joinedSearch.strip().equals(".")) {
            out.append("search ").append(joinedSearch).append('\n');
        }
        for (String s : servers) {
            out.append("nameserver ").append(s).append('\n');
        }
        String joinedOptions = String.join(" ", options);
        if (!options.isEmpty() && !joinedOptions.isBlank()) {
            out.append("options ").append(joinedOptions).append('\n');
        }
        return out.toString();
    }

    private static List<String> nameservers(String content, Pattern kind) {
        List<String> out = new ArrayList<>();
        for (String line : lines(content)) {
            Matcher m = kind.matcher(line);
            if (m.matches()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /** The last "search" line's domains, as libnetwork reads them. */
    private static List<String> searchDomains(String content) {
        return lastFields(content, SEARCH);
    }

    private static List<String> options(String content) {
        return lastFields(content, OPTIONS);
    }

    private static List<String> lastFields(String content, Pattern pattern) {
        List<String> fields = List.of();
        for (String line : lines(content)) {
            Matcher m = pattern.matcher(line);
            if (m.matches()) {
                String value = m.group(1).strip();
                fields = value.isEmpty() ? List.of() : List.of(value.split("\\s+"));
            }
        }
        return fields;
    }

    /** Lines with "#" comments cut off. */
    private static List<String> lines(String content) {
        List<String> out = new ArrayList<>();
        for (String line : content.split("\n", -1)) {
            int hash = line.indexOf('#');
            out.add(hash < 0 ? line : line.substring(0, hash));
        }
        return out;
    }
}
