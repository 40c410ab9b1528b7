package dev.berth.cli.command;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Adds to a {@link CommandGroup}'s command line only the subcommand the arguments invoke, and so on
 * down: `berth ps` builds the models of the root and of `ps`, not of the forty other commands.
 * Whenever the invoked command is not plain from the arguments (none given, help, a misspelt
 * name, an option this scan does not know), every subcommand is added, and picocli then behaves
 * exactly as with the whole tree: usage lists, suggestions, errors.
 */
public final class LazySubcommands {
    private LazySubcommands() {}

    /** Adds the subcommands of {@code parent}'s group (if it is one) that {@code args} may reach. */
    public static void add(CommandLine parent, String[] args) {
        add(parent, args, 0);
    }

    private static void add(CommandLine parent, String[] args, int from) {
        if (!(parent.getCommand() instanceof CommandGroup group)) {
            return;
        }
        List<Subcommand> subcommands = group.subcommands();
        int word = from < 0 ? -1 : firstWord(parent.getCommandSpec(), args, from);
        Subcommand invoked = word < 0 ? null : find(subcommands, args[word]);
        if (invoked != null) {
            add(parent, invoked, args, word + 1);
            return;
        }
        for (Subcommand subcommand : subcommands) {
            add(parent, subcommand, args, -1);
        }
    }

    /** Adds one subcommand, and then its own from {@code from} in {@code args} (-1: all of them). */
    private static void add(CommandLine parent, Subcommand subcommand, String[] args, int from) {
        Object command = create(subcommand.type());
        CommandLine child;
        if (subcommand.shortcut()) {
            CommandSpec spec = CommandSpec.forAnnotatedObject(command);
            spec.name(subcommand.name());
            spec.aliases(new String[0]);
            child = new CommandLine(spec);
        } else {
            child = new CommandLine(command);
        }
        parent.addSubcommand(subcommand.name(), child);
        add(child, args, from);
    }

    private static Object create(Class<?> type) {
        try {
            return CommandLine.defaultFactory().create(type);
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the command " + type.getName(), e);
        }
    }

    private static Subcommand find(List<Subcommand> subcommands, String word) {
        for (Subcommand subcommand : subcommands) {
            if (subcommand.names().contains(word)) {
                return subcommand;
            }
        }
        return null;
    }

    /**
     * The index of the first argument from {@code from} that is not an option of {@code spec} or an
     * option's value; -1 when there is none or the options cannot be read for sure.
     */
    static int firstWord(CommandSpec spec, String[] args, int from) {
        int i = from;
        while (i < args.length) {
            String arg = args[i];
            if (!arg.startsWith("-") || arg.equals("-")) {
                return i;
            }
            if (arg.equals("--")) {
                return -1;
            }
            int equals = arg.indexOf('=');
            OptionSpec option = spec.findOption(equals < 0 ? arg : arg.substring(0, equals));
            if (option == null) {
                return -1; // clustered short options, a value stuck to its option, a typo: picocli decides
            }
            i++;
            if (equals < 0 && option.arity().max() > 0) {
                if (option.arity().min() > 0) {
                    i++;
                } else if (i < args.length && (args[i].equalsIgnoreCase("true") || args[i].equalsIgnoreCase("false"))) {
                    i++;
                } else if (i < args.length && !args[i].startsWith("-")) {
                    return -1; // an optional value or the command: picocli decides
                }
            }
        }
        return -1;
    }
}
