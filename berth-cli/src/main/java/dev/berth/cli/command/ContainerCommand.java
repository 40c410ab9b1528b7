package dev.berth.cli.command;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code berth container …}. */
@Command(name = "container", description = "Manage containers")
public final class ContainerCommand implements Runnable, CommandGroup {
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
                Subcommand.of(ContainerListCommand.class, "ls", "list", "ps"),
                Subcommand.of(ContainerRunCommand.class, "run"),
                Subcommand.of(ContainerStopCommand.class, "stop"),
                Subcommand.of(ContainerRemoveCommand.class, "rm", "remove"),
                Subcommand.of(ContainerLogsCommand.class, "logs"));
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
