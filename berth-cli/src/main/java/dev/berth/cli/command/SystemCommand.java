package dev.berth.cli.command;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code berth system …}. */
@Command(name = "system", description = "Manage Berth")
public final class SystemCommand implements Runnable, CommandGroup {
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
                Subcommand.of(SystemDfCommand.class, "df"),
                Subcommand.of(InfoCommand.class, "info"),
                Subcommand.of(EventsCommand.class, "events"));
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
