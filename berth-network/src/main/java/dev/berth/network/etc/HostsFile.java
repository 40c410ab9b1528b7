package dev.berth.network.etc;

import java.util.List;

/**
 * A container's /etc/hosts, as libnetwork's etchosts writes it: the standard localhost and IPv6
 * lines, then the extra entries (--add-host, legacy --link), then one line per network the
 * container joined, naming its address with the container's host name.
 */
public final class HostsFile {
    static final String DEFAULT = """
            127.0.0.1\tlocalhost
            ::1\tlocalhost ip6-localhost ip6-loopback
            fe00::0\tip6-localnet
            ff00::0\tip6-mcastprefix
            ff02::1\tip6-allnodes
            ff02::2\tip6-allrouters
            """;

    private HostsFile() {}

    /** One line: an address and the names it has (several names separated by spaces). */
    public record Entry(String ip, String names) {}

    /**
     * @param extra     --add-host and link entries, in order
     * @param addresses the container's address on each network it joined
     */
    public static String build(List<Entry> extra, List<String> addresses, String hostname, String domainname) {
        StringBuilder out = new StringBuilder(DEFAULT);
        for (Entry e : extra) {
            out.append(e.ip()).append('\t').append(e.names()).append('\n');
        }
        String names = names(hostname, domainname);
        for (String ip : addresses) {
            out.append(ip).append('\t').append(names).append('\n');
        }
        return out.toString();
    }

    /** "fqdn host" when the name has a domain part, else the host name alone (sandbox_dns_unix.go). */
    static String names(String hostname, String domainname) {
        String fqdn = domainname == null || domainname.isEmpty() ? hostname : hostname + "." + domainname;
        int dot = fqdn.indexOf('.');
        return dot < 0 ? fqdn : fqdn + " " + fqdn.substring(0, dot);
    }
}
