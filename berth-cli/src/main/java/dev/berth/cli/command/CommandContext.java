package dev.berth.cli.command;

import dev.berth.cli.client.ApiClient;
import dev.berth.cli.output.Console;

/** What every client command needs from the root command: the streams and the daemon. */
public interface CommandContext {
    Console console();

    /** The API client for the daemon chosen by -H, DOCKER_HOST or the default socket. */
    ApiClient client();
}
