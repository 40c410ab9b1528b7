package dev.berth.cli.command;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code berth volume …}. */
@Command(name = "volume", description = "Manage volumes")
public final class VolumeCommand implements Runnable, CommandGroup {
    @Spec
    CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Print usage")
    boolean help;

    @Override
    public List<Subcommand> subcommands() {
        return List.of(
                Subcommand.of(VolumeCreateCommand.class, "create"),
                Subcommand.of(VolumeListCommand.class, "ls", "list"),
                Subcommand.of(VolumeInspectCommand.class, "inspect"),
                Subcommand.of(VolumeRemoveCommand.class, "rm", "remove"),
                Subcommand.of(VolumePruneCommand.class, "prune"));
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
