package dev.berth.build.dockerfile;

import java.time.Duration;
import java.util.List;

/**
 * A Dockerfile instruction inside a stage, with its flags and arguments as written (variables
 * are substituted when the builder reaches it, with the stage's environment at that point).
 * {@code FROM} is not one: it begins a {@link Stage}.
 */
public sealed interface Instruction {

    /** Where the instruction came from: its text as Docker prints it in {@code Step N/M : …}, and its first line. */
    Source source();

    record Source(String code, int line) {}

    /** A name and value of ENV or LABEL; {@code legacy} for the {@code KEY value} form. */
    record KeyValue(String key, String value, boolean legacy) {}

    /** A command line: the JSON (exec) form as given, or shell form text that the stage's SHELL runs. */
    record CommandLine(List<String> args, boolean shellForm) {
        public CommandLine {
            args = List.copyOf(args);
        }
    }

    record Run(
            Source source,
            CommandLine command,
            List<Heredoc> heredocs,
            List<String> mounts,
            String network,
            String security)
            implements Instruction {}

    record Cmd(Source source, CommandLine command) implements Instruction {}

    record Entrypoint(Source source, CommandLine command) implements Instruction {}

    record Shell(Source source, List<String> shell) implements Instruction {}

    record Env(Source source, List<KeyValue> vars) implements Instruction {}

    record Label(Source source, List<KeyValue> labels) implements Instruction {}

    /** One {@code ARG} line: several names, each with an optional default. */
    record Arg(Source source, List<ArgDecl> args) implements Instruction {}

    /** {@code name} or {@code name=default} ({@code defaultValue} null when there is none). */
    record ArgDecl(String name, String defaultValue) {}

    record Expose(Source source, List<String> ports) implements Instruction {}

    record Workdir(Source source, String path) implements Instruction {}

    record User(Source source, String user) implements Instruction {}

    record Volume(Source source, List<String> paths) implements Instruction {}

    record StopSignal(Source source, String signal) implements Instruction {}

    /**
     * {@code HEALTHCHECK NONE} ({@code test} is {@code ["NONE"]}) or {@code HEALTHCHECK [opts] CMD …}
     * ({@code ["CMD", …]} or {@code ["CMD-SHELL", text]}); unset durations are null, unset retries 0.
     */
    record Healthcheck(
            Source source,
            List<String> test,
            Duration interval,
            Duration timeout,
            Duration startPeriod,
            Duration startInterval,
            int retries)
            implements Instruction {}

    /** The trigger as written after {@code ONBUILD}, stored in the image and run by its children. */
    record Onbuild(Source source, String expression) implements Instruction {}

    record Maintainer(Source source, String maintainer) implements Instruction {}

    /**
     * COPY and ADD share their sources and options; {@code from} is COPY's ({@code --from}),
     * {@code checksum}, {@code unpack} and {@code keepGitDir} are ADD's.
     *
     * @param sources  the source words (wildcards, URLs for ADD, heredoc names)
     * @param dest     the destination word
     * @param heredocs the sources written as here-documents
     * @param unpack   ADD's {@code --unpack}: null for the default (local archives unpacked, URLs not)
     */
    record Copy(
            Source source,
            boolean add,
            List<String> sources,
            String dest,
            List<Heredoc> heredocs,
            String from,
            String chown,
            String chmod,
            boolean link,
            boolean parents,
            List<String> excludes,
            String checksum,
            Boolean unpack,
            boolean keepGitDir)
            implements Instruction {

        public String name() {
            return add ? "ADD" : "COPY";
        }
    }
}
