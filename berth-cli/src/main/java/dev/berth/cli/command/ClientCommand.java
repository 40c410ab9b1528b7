package dev.berth.cli.command;

import dev.berth.cli.client.ApiClient;
import dev.berth.cli.output.Console;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A command that talks to the daemon; failures are thrown and mapped to an exit code by {@link ExitCodes}. */
public abstract class ClientCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Print usage")
    boolean help;

    protected final CommandContext context() {
        return (CommandContext) spec.root().userObject();
    }

    protected final ApiClient client() {
        return context().client();
    }

    protected final Console console() {
        return context().console();
    }

    @Override
    public final Integer call() throws Exception {
        try {
            return run();
        } finally {
            console().out().flush();
        }
    }

    /** Does the work; returns the exit code (0 unless the command reports partial failure itself). */
    protected abstract int run() throws Exception;
}
