package dev.berth.daemon;

import dev.berth.core.error.BerthException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code berth daemon}: runs the daemon in the foreground until SIGTERM or SIGINT. */
@Command(
        name = "daemon",
        mixinStandardHelpOptions = true,
        description = "Run the Berth daemon in the foreground (serves the Docker Engine API).")
public final class DaemonCommand implements Callable<Integer> {
    @Mixin
    final DaemonConfig config = new DaemonConfig();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Daemon daemon;
        try {
            config.readFile(spec.commandLine().getParseResult());
            configureLogging(config.logLevel());
            daemon = Daemon.start(config);
        } catch (BerthException e) {
            System.err.println("berth daemon: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            daemon.close();
            stopped.countDown();
        }));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static void configureLogging(String level) {
        String normalized = switch (level.toLowerCase(java.util.Locale.ROOT)) {
            case "debug", "info", "warn", "error", "trace" -> level.toLowerCase(java.util.Locale.ROOT);
            case "warning" -> "warn";
            case "fatal", "panic" -> "error";
            default -> throw BerthException.invalid("unknown log level: %s", level);
        };
        // slf4j-simple reads these when the first logger is made, which is after this point.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", normalized);
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        // Netty's own debug output (epoll bookkeeping, buffer settings) drowns Berth's.
        System.setProperty("org.slf4j.simpleLogger.log.io.netty", "debug".equals(normalized) ? "info" : normalized);
    }
}
