package dev.berth.registry.http;

import dev.berth.http.server.Request;
import dev.berth.registry.error.OciError;
import dev.berth.registry.error.RegistryException;
import dev.berth.registry.storage.Page;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The {@code n} and {@code last} of a listing (spec: "Listing Tags"), and the Link to its next page. */
final class Paging {
    private Paging() {}

    /** The {@code n} parameter, -1 when absent; anything but a count is a 400. */
    static int pageSize(Request r) {
        String n = r.query("n");
        if (n == null) {
            return -1;
        }
        try {
            int v = Integer.parseInt(n);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw RegistryException.withDetail(OciError.UNSUPPORTED, Map.of("n", n), "invalid page size n=%s", n)
                    .withStatus(400);
        }
    }

    /** The Link header to the page after {@code page}, or null when it is the last or no size was asked. */
    static String next(String path, int n, Page page) {
        if (!page.more() || n <= 0) {
            return null;
        }
        return "<" + path + "?n=" + n + "&last="
                + URLEncoder.encode(page.items().getLast(), StandardCharsets.UTF_8) + ">; rel=\"next\"";
    }
}
