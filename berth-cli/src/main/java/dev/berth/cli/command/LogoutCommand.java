package dev.berth.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code berth logout [SERVER]}: removes the stored credentials from docker's config.json, as docker does. */
@Command(name = "logout", description = "Log out from a registry (default: Docker Hub)")
public class LogoutCommand extends ClientCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SERVER")
    String server;

    @Override
    protected int run() {
        String domain = LoginCommand.domain(server);
        DockerCredentials store = DockerCredentials.of(console().env());
        String key = DockerCredentials.key(domain);
        if (!store.remove(domain)) {
            console().out().println("Not logged in to " + key);
            return ExitCodes.OK;
        }
        console().out().println("Removing login credentials for " + key);
        return ExitCodes.OK;
    }
}
