package dev.berth.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code berth image …}. */
@Command(
        name = "image",
        description = "Manage images",
        subcommands = {
            ImageListCommand.class,
            ImageInspectCommand.class,
            ImageTagCommand.class,
            ImageRemoveCommand.class,
            ImageImportCommand.class,
            ImageLoadCommand.class,
            ImageSaveCommand.class,
            ImageHistoryCommand.class,
            ImagePruneCommand.class,
            ImageBootstrapCommand.class,
        })
public final class ImageCommand implements Runnable {
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
