package dev.berth.daemon;

import dev.berth.api.server.ServerIdentity;
import dev.berth.daemon.registry.RegistryCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The server side of {@code bin/berth}: {@code berth daemon} and {@code berth registry}. bin/berth
 * runs this program for those two commands and the client CLI ({@code dev.berth.cli.Main}) for
 * every other one, as the docker CLI once ran dockerd for {@code docker daemon}: the client carries
 * no server code and reaches the daemon only through the Engine API.
 */
@Command(
        name = "berth",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Berth's servers: the daemon (Docker Engine API) and the OCI registry.",
        subcommands = {DaemonCommand.class, RegistryCommand.class})
public final class Main implements Runnable {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** `berth daemon --version`: the version the daemon reports in /version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Berth version " + ServerIdentity.VERSION};
        }
    }
}
