package dev.berth.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.client.ApiClient;
import dev.berth.cli.client.ApiRequest;
import dev.berth.cli.output.GoTemplate;
import dev.berth.core.error.BerthException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code berth version}: the client's and the daemon's versions, laid out like {@code docker version}. */
@Command(name = "version", description = "Show the Berth version information")
public final class VersionCommand extends ClientCommand {
    /** The client's version, as {@code berth version} and {@code berth info} print it. */
    public static final String VERSION = "0.1.0";

    @Option(
            names = {"-f", "--format"},
            paramLabel = "FORMAT",
            description = "Format output using a custom template: 'json', or a Go template")
    String format;

    @Override
    protected int run() {
        Map<String, Object> clientInfo = clientInfo();
        JsonNode server = null;
        BerthException failure = null;
        try {
            server = client().json(ApiRequest.get("/version"));
            clientInfo.put("ApiVersion", client().apiVersion());
        } catch (BerthException e) {
            failure = e;
        }
        if (format != null && !format.isBlank()) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("Client", clientInfo);
            data.put("Server", server == null ? null : Output.plain(server));
            String template = format.equals("json") ? "{{json .}}" : format;
            console()
                    .out()
                    .println(GoTemplate.parse(template.replace("\\t", "\t").replace("\\n", "\n"))
                            .execute(data));
        } else {
            StringBuilder out = new StringBuilder("Client:\n");
            line(out, " Version:", clientInfo.get("Version"));
            line(out, " API version:", clientInfo.get("ApiVersion"));
            line(out, " Java version:", clientInfo.get("JavaVersion"));
            line(out, " OS/Arch:", clientInfo.get("Os") + "/" + clientInfo.get("Arch"));
            if (server != null) {
                out.append('\n').append(server(server));
            }
            console().out().print(out);
        }
        if (failure != null) {
            console().out().flush();
            throw failure;
        }
        return ExitCodes.OK;
    }

    private static Map<String, Object> clientInfo() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("Version", VERSION);
        info.put("ApiVersion", ApiClient.API_VERSION);
        info.put("DefaultAPIVersion", ApiClient.API_VERSION);
        info.put("JavaVersion", Runtime.version().toString());
        info.put("Os", "linux");
        info.put("Arch", goArch(System.getProperty("os.arch")));
        return info;
    }

    static String server(JsonNode server) {
        StringBuilder out = new StringBuilder("Server:");
        String platform = server.path("Platform").path("Name").asText("");
        if (!platform.isEmpty()) {
            out.append(' ').append(platform);
        }
        out.append('\n');
        JsonNode components = server.path("Components");
        if (!components.isArray() || components.isEmpty()) {
            out.append(" Engine:\n");
            line(out, "  Version:", server.path("Version").asText(""));
            line(
                    out,
                    "  API version:",
                    server.path("ApiVersion").asText("") + " (minimum version "
                            + server.path("MinAPIVersion").asText("") + ")");
            line(
                    out,
                    "  OS/Arch:",
                    server.path("Os").asText("") + "/" + server.path("Arch").asText(""));
            return out.toString();
        }
        for (JsonNode component : components) {
            String name = component.path("Name").asText("");
            JsonNode details = component.path("Details");
            if (name.equals("Engine")) {
                out.append(" Engine:\n");
                line(out, "  Version:", component.path("Version").asText(""));
                line(
                        out,
                        "  API version:",
                        details.path("ApiVersion").asText("") + " (minimum version "
                                + details.path("MinAPIVersion").asText("") + ")");
                if (details.has("GoVersion")) {
                    line(out, "  Go version:", details.path("GoVersion").asText(""));
                }
                if (details.has("JavaVersion")) {
                    line(out, "  Java version:", details.path("JavaVersion").asText(""));
                }
                line(out, "  Git commit:", details.path("GitCommit").asText(""));
                line(out, "  Built:", ansiC(details.path("BuildTime").asText("")));
                line(
                        out,
                        "  OS/Arch:",
                        details.path("Os").asText("") + "/"
                                + details.path("Arch").asText(""));
                line(out, "  Experimental:", details.path("Experimental").asText("false"));
            } else {
                out.append(' ').append(name).append(":\n");
                line(out, "  Version:", component.path("Version").asText(""));
                details.properties()
                        .forEach(e ->
                                line(out, "  " + e.getKey() + ":", e.getValue().asText()));
            }
        }
        return out.toString();
    }

    /** docker lays these out with a tabwriter of minimum width 20 and padding 1. */
    private static void line(StringBuilder out, String label, Object value) {
        out.append(label)
                .repeat(' ', Math.max(1, 20 - label.length()))
                .append(value)
                .append('\n');
    }

    /** docker shows the build time in Go's time.ANSIC layout ("Mon Jan  2 15:04:05 2006"). */
    static String ansiC(String buildTime) {
        try {
            return java.time.format.DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", java.util.Locale.ROOT)
                    .format(java.time.OffsetDateTime.parse(buildTime)
                            .atZoneSameInstant(java.time.ZoneId.systemDefault()));
        } catch (java.time.format.DateTimeParseException e) {
            return buildTime;
        }
    }

    static String goArch(String javaArch) {
        return switch (javaArch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> javaArch;
        };
    }
}
