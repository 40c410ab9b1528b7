package dev.berth.cli;

import dev.berth.api.tls.TlsFiles;
import dev.berth.cli.client.ApiClient;
import dev.berth.cli.client.DaemonHost;
import dev.berth.cli.command.BuildCommand;
import dev.berth.cli.command.CommandContext;
import dev.berth.cli.command.CommandGroup;
import dev.berth.cli.command.ContainerCommand;
import dev.berth.cli.command.ContainerListCommand;
import dev.berth.cli.command.ContainerLogsCommand;
import dev.berth.cli.command.ContainerRemoveCommand;
import dev.berth.cli.command.ContainerRunCommand;
import dev.berth.cli.command.ContainerStopCommand;
import dev.berth.cli.command.EventsCommand;
import dev.berth.cli.command.ExitCodes;
import dev.berth.cli.command.ImageBootstrapCommand;
import dev.berth.cli.command.ImageCommand;
import dev.berth.cli.command.ImageHistoryCommand;
import dev.berth.cli.command.ImageImportCommand;
import dev.berth.cli.command.ImageInspectCommand;
import dev.berth.cli.command.ImageListCommand;
import dev.berth.cli.command.ImageLoadCommand;
import dev.berth.cli.command.ImageRemoveCommand;
import dev.berth.cli.command.ImageSaveCommand;
import dev.berth.cli.command.ImageTagCommand;
import dev.berth.cli.command.InfoCommand;
import dev.berth.cli.command.LazySubcommands;
import dev.berth.cli.command.LoginCommand;
import dev.berth.cli.command.LogoutCommand;
import dev.berth.cli.command.PullCommand;
import dev.berth.cli.command.PushCommand;
import dev.berth.cli.command.Subcommand;
import dev.berth.cli.command.SystemCommand;
import dev.berth.cli.command.VersionCommand;
import dev.berth.cli.command.VolumeCommand;
import dev.berth.cli.output.Console;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code berth}: the root command. Client commands reach the daemon through the Engine API only
 * (-H, then DOCKER_HOST, then unix:///run/berth/berth.sock). {@code berth daemon} and
 * {@code berth registry} are another program (berth-daemon's {@code dev.berth.daemon.Main}), which
 * bin/berth runs for those two words: this one carries no server code.
 */
@Command(
        name = "berth",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "A container engine that speaks the Docker Engine API.",
        footer = {
            "",
            "Servers (bin/berth runs them from berth-daemon):",
            "  daemon    Run the Berth daemon in the foreground (berth daemon --help)",
            "  registry  Run or maintain a Berth OCI registry (berth registry --help)"
        })
public final class Main implements Runnable, CommandContext, CommandGroup {

    @Option(
            names = {"-H", "--host"},
            paramLabel = "URI",
            description = "Daemon socket to connect to (default: $DOCKER_HOST, else " + DaemonHost.DEFAULT + ")")
    String host;

    @Option(
            names = "--tls",
            arity = "0..1",
            fallbackValue = "true",
            description = "Use TLS on tcp:// (any daemon certificate); implied by --tlsverify (default: $DOCKER_TLS)")
    boolean tls;

    @Option(
            names = "--tlsverify",
            arity = "0..1",
            fallbackValue = "true",
            description = "Use TLS on tcp:// and verify the daemon against --tlscacert (default: $DOCKER_TLS_VERIFY)")
    Boolean tlsVerify;

    @Option(
            names = "--tlscacert",
            paramLabel = "FILE",
            description = "Trust certificates signed by this CA (default: ca.pem in $DOCKER_CERT_PATH, else ~/.docker)")
    java.nio.file.Path tlsCaCert;

    @Option(
            names = "--tlscert",
            paramLabel = "FILE",
            description = "TLS certificate (default: cert.pem in $DOCKER_CERT_PATH, else ~/.docker)")
    java.nio.file.Path tlsCert;

    @Option(
            names = "--tlskey",
            paramLabel = "FILE",
            description = "TLS key (default: key.pem in $DOCKER_CERT_PATH, else ~/.docker)")
    java.nio.file.Path tlsKey;

    @Option(
            names = {"-D", "--debug"},
            description = "Show stack traces of failures")
    boolean debug;

    private final Console console;
    private ApiClient client;
    private CommandLine commandLine;

    public Main(Console console) {
        this.console = console;
    }

    public static void main(String[] args) {
        Console console = Console.system();
        int code = run(console, args);
        console.out().flush();
        System.exit(code);
    }

    /** Runs one command line and returns its exit code; never exits the JVM. */
    public static int run(Console console, String... args) {
        Main main = new Main(console);
        CommandLine commandLine = main.commandLine(args);
        return commandLine.execute(args);
    }

    /** The command tree, as far as {@code args} reach into it (all of it for usage and errors). */
    CommandLine commandLine(String... args) {
        commandLine = new CommandLine(this);
        LazySubcommands.add(commandLine, args);
        commandLine.setOut(new java.io.PrintWriter(console.out(), true));
        commandLine.setErr(new java.io.PrintWriter(console.err(), true));
        commandLine.setParameterExceptionHandler((ex, unmatched) -> {
            console.err().println(ex.getMessage());
            console.err().println("See '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return ExitCodes.of(ex);
        });
        commandLine.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            console.out().flush();
            return ExitCodes.report(ex, console.err(), debug);
        });
        return commandLine;
    }

    /** The command groups, then docker's shortcuts: `berth images` is `berth image ls`, `berth ps` is `berth container ls` … */
    @Override
    public List<Subcommand> subcommands() {
        return List.of(
                Subcommand.of(ImageCommand.class, "image"),
                Subcommand.of(SystemCommand.class, "system"),
                Subcommand.of(VersionCommand.class, "version"),
                Subcommand.of(InfoCommand.class, "info"),
                Subcommand.of(EventsCommand.class, "events"),
                Subcommand.of(BuildCommand.class, "build"),
                Subcommand.of(PullCommand.class, "pull"),
                Subcommand.of(PushCommand.class, "push"),
                Subcommand.of(LoginCommand.class, "login"),
                Subcommand.of(LogoutCommand.class, "logout"),
                Subcommand.of(ContainerCommand.class, "container"),
                Subcommand.of(VolumeCommand.class, "volume"),
                Subcommand.shortcut("images", ImageListCommand.class),
                Subcommand.shortcut("inspect", ImageInspectCommand.class),
                Subcommand.shortcut("tag", ImageTagCommand.class),
                Subcommand.shortcut("rmi", ImageRemoveCommand.class),
                Subcommand.shortcut("import", ImageImportCommand.class),
                Subcommand.shortcut("load", ImageLoadCommand.class),
                Subcommand.shortcut("save", ImageSaveCommand.class),
                Subcommand.shortcut("history", ImageHistoryCommand.class),
                Subcommand.shortcut("bootstrap", ImageBootstrapCommand.class),
                Subcommand.shortcut("ps", ContainerListCommand.class),
                Subcommand.shortcut("run", ContainerRunCommand.class),
                Subcommand.shortcut("stop", ContainerStopCommand.class),
                Subcommand.shortcut("rm", ContainerRemoveCommand.class),
                Subcommand.shortcut("logs", ContainerLogsCommand.class));
    }

    @Override
    public void run() {
        commandLine.usage(console.out());
    }

    @Override
    public Console console() {
        return console;
    }

    @Override
    public ApiClient client() {
        if (client == null) {
            Map<String, String> env = console.env();
            TlsFiles tlsFiles = TlsFiles.forClient(tls, tlsVerify, tlsCaCert, tlsCert, tlsKey, env);
            client = new ApiClient(DaemonHost.resolve(host, tlsFiles, env));
        }
        return client;
    }

    /** `berth --version`. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Berth version " + VersionCommand.VERSION};
        }
    }
}
