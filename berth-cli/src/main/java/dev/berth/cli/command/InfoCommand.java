package dev.berth.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.client.ApiRequest;
import dev.berth.cli.output.GoTemplate;
import dev.berth.cli.output.Units;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code berth info} / {@code berth system info}: the daemon's /info, laid out like {@code docker info}. */
@Command(name = "info", description = "Display system-wide information")
public final class InfoCommand extends ClientCommand {
    @Option(
            names = {"-f", "--format"},
            paramLabel = "FORMAT",
            description = "Format output using a custom template: 'json', or a Go template")
    String format;

    @Override
    protected int run() {
        JsonNode info = client().json(ApiRequest.get("/info"));
        if (format != null && !format.isBlank()) {
            Object data = Output.plain(info);
            if (data instanceof Map<?, ?> map) {
                @SuppressWarnings("unchecked")
                Map<String, Object> withClient = (Map<String, Object>) map;
                withClient.put("ClientInfo", Map.of("Version", VersionCommand.VERSION, "Debug", false));
            }
            String template = format.equals("json") ? "{{json .}}" : format;
            console()
                    .out()
                    .println(GoTemplate.parse(template.replace("\\t", "\t").replace("\\n", "\n"))
                            .execute(data));
            return ExitCodes.OK;
        }
        console().out().print(render(info));
        return ExitCodes.OK;
    }

    static String render(JsonNode info) {
        StringBuilder out = new StringBuilder();
        out.append("Client:\n Version:    ")
                .append(VersionCommand.VERSION)
                .append('\n')
                .append(" Debug Mode: false\n\n");
        out.append("Server:\n");
        out.append(" Containers: ").append(info.path("Containers").asLong(0)).append('\n');
        out.append("  Running: ")
                .append(info.path("ContainersRunning").asLong(0))
                .append('\n');
        out.append("  Paused: ").append(info.path("ContainersPaused").asLong(0)).append('\n');
        out.append("  Stopped: ")
                .append(info.path("ContainersStopped").asLong(0))
                .append('\n');
        out.append(" Images: ").append(info.path("Images").asLong(0)).append('\n');
        field(out, " Server Version: ", info, "ServerVersion");
        field(out, " Storage Driver: ", info, "Driver");
        for (JsonNode pair : info.path("DriverStatus")) {
            if (pair.isArray() && pair.size() == 2) {
                out.append("  ")
                        .append(pair.get(0).asText())
                        .append(": ")
                        .append(pair.get(1).asText())
                        .append('\n');
            }
        }
        field(out, " Logging Driver: ", info, "LoggingDriver");
        field(out, " Cgroup Driver: ", info, "CgroupDriver");
        field(out, " Cgroup Version: ", info, "CgroupVersion");
        JsonNode runtimes = info.path("Runtimes");
        if (runtimes.isObject() && !runtimes.isEmpty()) {
            out.append(" Runtimes:");
            runtimes.fieldNames().forEachRemaining(name -> out.append(' ').append(name));
            out.append('\n');
        }
        field(out, " Default Runtime: ", info, "DefaultRuntime");
        field(out, " Kernel Version: ", info, "KernelVersion");
        field(out, " Operating System: ", info, "OperatingSystem");
        field(out, " OSType: ", info, "OSType");
        field(out, " Architecture: ", info, "Architecture");
        field(out, " CPUs: ", info, "NCPU");
        if (info.has("MemTotal")) {
            out.append(" Total Memory: ")
                    .append(Units.bytesSize(info.get("MemTotal").asLong()))
                    .append('\n');
        }
        field(out, " Name: ", info, "Name");
        field(out, " ID: ", info, "ID");
        field(out, " Berth Root Dir: ", info, "DockerRootDir");
        out.append(" Debug Mode: ").append(info.path("Debug").asBoolean(false)).append('\n');
        out.append(" Experimental: ")
                .append(info.path("ExperimentalBuild").asBoolean(false))
                .append('\n');
        JsonNode insecure = info.path("RegistryConfig").path("InsecureRegistryCIDRs");
        if (insecure.isArray() && !insecure.isEmpty()) {
            out.append(" Insecure Registries:\n");
            insecure.forEach(cidr -> out.append("  ").append(cidr.asText()).append('\n'));
        }
        if (info.has("LiveRestoreEnabled")) {
            out.append(" Live Restore Enabled: ")
                    .append(info.get("LiveRestoreEnabled").asBoolean())
                    .append('\n');
        }
        for (JsonNode warning : info.path("Warnings")) {
            out.append(warning.asText()).append('\n');
        }
        return out.toString();
    }

    private static void field(StringBuilder out, String label, JsonNode info, String name) {
        JsonNode value = info.get(name);
        if (value != null && !value.isNull() && !value.asText().isEmpty()) {
            out.append(label).append(value.asText()).append('\n');
        }
    }
}
