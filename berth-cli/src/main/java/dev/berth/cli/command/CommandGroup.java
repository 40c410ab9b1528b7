package dev.berth.cli.command;

import java.util.List;

/** A command with subcommands, which it names here rather than in {@code @Command(subcommands = …)}. */
public interface CommandGroup {
    /** In the order the usage lists them. */
    List<Subcommand> subcommands();
}
