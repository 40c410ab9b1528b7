package dev.berth.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cli.Main;
import dev.berth.cli.output.Console;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class LazySubcommandsTest {

    private static CommandLine tree(String... args) {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        Console console =
                new Console(new ByteArrayInputStream(new byte[0]), sink, sink, sink, Map.of(), false, false, 0);
        CommandLine root = new CommandLine(new Main(console));
        LazySubcommands.add(root, args);
        return root;
    }

    /** Every command path of the tree, such as "container ls". */
    private static List<String> paths(CommandLine parent, String prefix, List<String> into) {
        for (CommandLine child :
                new java.util.LinkedHashSet<>(parent.getSubcommands().values())) {
            String path = prefix + child.getCommandName();
            into.add(path);
            paths(child, path + " ", into);
        }
        return into;
    }

    @Test
    void buildsOnlyTheInvokedCommand() {
        assertThat(paths(tree("ps", "-a"), "", new ArrayList<>())).containsExactly("ps");
        assertThat(paths(tree("-H", "unix:///x.sock", "--debug", "container", "ls", "-q"), "", new ArrayList<>()))
                .containsExactly("container", "container ls");
        assertThat(paths(tree("--host=unix:///x.sock", "container", "list"), "", new ArrayList<>()))
                .containsExactly("container", "container ls");
        assertThat(paths(tree("--tlsverify", "false", "images"), "", new ArrayList<>()))
                .containsExactly("images");
    }

    @Test
    void buildsTheWholeTreeWhenTheCommandIsNotPlain() {
        List<String> whole = paths(tree(), "", new ArrayList<>());
        assertThat(whole)
                .contains("image", "image ls", "container ls", "volume prune", "system df", "ps", "rmi", "logs")
                .hasSize(49);
        assertThat(paths(tree("--help"), "", new ArrayList<>())).isEqualTo(whole);
        assertThat(paths(tree("pss"), "", new ArrayList<>())).isEqualTo(whole);
        assertThat(paths(tree("--tlsverify", "ps"), "", new ArrayList<>())).isEqualTo(whole);
        assertThat(paths(tree("-Hunix:///x.sock", "ps"), "", new ArrayList<>())).isEqualTo(whole);
        assertThat(paths(tree("container"), "", new ArrayList<>()))
                .containsExactly(
                        "container",
                        "container ls",
                        "container run",
                        "container stop",
                        "container rm",
                        "container logs");
    }

    @Test
    void namesMatchEachCommandsAnnotation() {
        List<Subcommand> all = new ArrayList<>(new Main(null).subcommands());
        for (CommandGroup group :
                List.of(new ImageCommand(), new ContainerCommand(), new SystemCommand(), new VolumeCommand())) {
            all.addAll(group.subcommands());
        }
        for (Subcommand subcommand : all) {
            Command command = subcommand.type().getAnnotation(Command.class);
            if (!subcommand.shortcut()) {
                List<String> names = new ArrayList<>(List.of(command.aliases()));
                names.addFirst(command.name());
                assertThat(subcommand.names()).as(subcommand.type().getName()).isEqualTo(names);
            }
            assertThat(command.subcommands()).as(subcommand.type().getName()).isEmpty();
        }
    }
}
