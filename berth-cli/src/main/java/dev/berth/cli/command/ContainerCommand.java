package dev.berth.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code berth container …}. */
@Command(
        name = "container",
        description = "Manage containers",
        subcommands = {
            ContainerListCommand.class,
            ContainerRunCommand.class,
            ContainerStopCommand.class,
            ContainerRemoveCommand.class,
            ContainerLogsCommand.class,
        })
public final class ContainerCommand implements Runnable {
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
