package dev.berth.cli.command;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code berth image …}. */
@Command(name = "image", description = "Manage images")
public final class ImageCommand implements Runnable, CommandGroup {
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
                Subcommand.of(ImageListCommand.class, "ls", "list"),
                Subcommand.of(ImageInspectCommand.class, "inspect"),
                Subcommand.of(ImageTagCommand.class, "tag"),
                Subcommand.of(ImageRemoveCommand.class, "rm", "remove"),
                Subcommand.of(ImageImportCommand.class, "import"),
                Subcommand.of(ImageLoadCommand.class, "load"),
                Subcommand.of(ImageSaveCommand.class, "save"),
                Subcommand.of(ImageHistoryCommand.class, "history"),
                Subcommand.of(ImagePruneCommand.class, "prune"),
                Subcommand.of(ImageBootstrapCommand.class, "bootstrap"));
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
