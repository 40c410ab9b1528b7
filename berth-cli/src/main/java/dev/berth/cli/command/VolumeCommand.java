package dev.berth.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code berth volume …}. */
@Command(
        name = "volume",
        description = "Manage volumes",
        subcommands = {
            VolumeCreateCommand.class,
            VolumeListCommand.class,
            VolumeInspectCommand.class,
            VolumeRemoveCommand.class,
            VolumePruneCommand.class,
        })
public final class VolumeCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Print usage")
    boolean help;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
