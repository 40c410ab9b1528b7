package dev.berth.cli.command;

import java.util.ArrayList;
import java.util.List;

/**
 * One entry of a {@link CommandGroup}: the names it answers to and its class. Picocli builds the
 * model of every command it is given by reflection (its options, their types, its own
 * subcommands), which was most of a command's start-up; a group names its commands here instead,
 * so that {@link LazySubcommands} makes only the one invoked. A class rather than a factory: a
 * lambda per command would cost its own linkage on every start.
 *
 * @param names    the name and aliases, as in the command's {@code @Command} (or the shortcut's name)
 * @param shortcut added under {@code names.get(0)} alone, instead of the command's own name and aliases
 */
public record Subcommand(List<String> names, Class<?> type, boolean shortcut) {

    /** A command under its own {@code @Command} name and aliases, repeated here. */
    public static Subcommand of(Class<?> type, String name, String... aliases) {
        List<String> names = new ArrayList<>(List.of(aliases));
        names.addFirst(name);
        return new Subcommand(List.copyOf(names), type, false);
    }

    /** A command of another group under another name (docker's `ps` for `container ls`), without its aliases. */
    public static Subcommand shortcut(String name, Class<?> type) {
        return new Subcommand(List.of(name), type, true);
    }

    public String name() {
        return names.getFirst();
    }
}
