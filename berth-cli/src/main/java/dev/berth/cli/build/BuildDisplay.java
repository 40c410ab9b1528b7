package dev.berth.cli.build;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Shows a build's progress stream. In a pipe: the daemon's lines as they come (what docker prints,
 * without the colour codes). In a terminal: compact and live — one line per step with its time
 * (or CACHED), and below the running step its last lines of output, redrawn in place; a step that
 * fails leaves all of its output on the screen.
 */
public final class BuildDisplay {
    private static final ObjectMapper JSON = new ObjectMapper().configure(JsonParser.Feature.AUTO_CLOSE_SOURCE, false);
    private static final int TAIL = 6;
    private static final java.util.regex.Pattern QUIET_ID = java.util.regex.Pattern.compile("sha256:[0-9a-f]{64}\n");
    private static final String RED = "\033[91m";
    private static final String RESET = "\033[0m";

    private final PrintStream out;
    private final boolean terminal;
    private final int columns;

    private final StringBuilder partial = new StringBuilder();
    private final List<String> output = new ArrayList<>();
    private String step;
    private long stepStarted;
    private boolean cached;
    private int drawn;
    private String imageId;
    private volatile boolean done;

    public BuildDisplay(PrintStream out, boolean terminal, int columns) {
        this.out = out;
        this.terminal = terminal;
        this.columns = columns > 0 ? columns : 80;
    }

    /** A step failed: the daemon's message, and the command's exit code (docker exits with it). */
    public static final class Failed extends RuntimeException {
        private final int code;

        Failed(String message, int code) {
            super(message, null, false, false);
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    /**
     * Renders the stream to its end and returns the image ID the daemon reported (its last
     * {@code aux} ID, or the {@code -q} line); throws {@link Failed} for an error in the stream.
     */
    public String display(InputStream stream) {
        Thread ticker = terminal ? Thread.ofVirtual().start(this::tick) : null;
        try (MappingIterator<JsonNode> messages = JSON.readerFor(JsonNode.class).readValues(stream)) {
            while (messages.hasNextValue()) {
                JsonNode m = messages.nextValue();
                if (m.hasNonNull("aux") && m.get("aux").hasNonNull("ID")) {
                    imageId = m.get("aux").get("ID").asText();
                } else if (m.hasNonNull("errorDetail") || m.hasNonNull("error")) {
                    JsonNode detail = m.path("errorDetail");
                    String message = detail.hasNonNull("message")
                            ? detail.get("message").asText()
                            : m.path("error").asText();
                    fail();
                    throw new Failed(
                            message,
                            detail.path("code").asInt(1) == 0
                                    ? 1
                                    : detail.path("code").asInt(1));
                } else if (m.hasNonNull("stream")) {
                    String text = m.get("stream").asText();
                    if (QUIET_ID.matcher(text).matches()) {
                        imageId = text.strip(); // a quiet build's only line
                    }
                    text(text);
                } else if (m.hasNonNull("status")) {
                    text((m.hasNonNull("id") ? m.get("id").asText() + ": " : "")
                            + m.get("status").asText() + "\n");
                }
            }
            flushPartial();
            synchronized (this) {
                finishStep();
            }
            return imageId;
        } catch (IOException e) {
            throw new BerthException(
                    ErrorKind.UNAVAILABLE, "error reading the daemon's build output: " + e.getMessage(), e);
        } finally {
            done = true;
            if (ticker != null) {
                ticker.interrupt();
            }
            out.flush();
        }
    }

    private synchronized void text(String text) {
        String plain = text.replace(RED, "").replace(RESET, "");
        if (!terminal) {
            out.print(plain);
            out.flush();
            return;
        }
        partial.append(plain);
        int nl;
        while ((nl = partial.indexOf("\n")) >= 0) {
            line(partial.substring(0, nl));
            partial.delete(0, nl + 1);
        }
        redraw();
    }

    private synchronized void flushPartial() {
        flushPartialLocked();
    }

    /** One whole line of the daemon's output, sorted into the step it belongs to. */
    private void line(String line) {
        if (line.startsWith("Step ")) {
            finishStep();
            step = line;
            stepStarted = System.nanoTime();
            cached = false;
            output.clear();
        } else if (line.equals(" ---> Using cache")) {
            cached = true;
        } else if (line.startsWith(" ---> Running in ") || line.startsWith("Removing intermediate container ")) {
            // the container is the daemon's business; the step line says it runs
        } else if (line.startsWith(" ---> ")) {
            finishStep();
        } else if (step == null) {
            clear();
            out.println(line);
        } else {
            output.add(line);
        }
    }

    /** Replaces the live block of the step with its one finished line. */
    private void finishStep() {
        if (step == null) {
            return;
        }
        clear();
        out.println(fit("\033[34m=>\033[0m " + step + "  " + (cached ? "CACHED" : elapsed())));
        step = null;
        output.clear();
    }

    /** A failure: the failing step's whole output stays on the screen. */
    private synchronized void fail() {
        flushPartialLocked();
        if (terminal && step != null) {
            clear();
            out.println("\033[31m=>\033[0m " + step + "  " + elapsed());
            output.forEach(l -> out.println("   " + l));
            step = null;
            output.clear();
        }
    }

    private void flushPartialLocked() {
        if (!partial.isEmpty()) {
            line(partial.toString());
            partial.setLength(0);
        }
    }

    private void redraw() {
        if (!terminal || step == null) {
            return;
        }
        clear();
        out.println(fit("\033[33m=>\033[0m " + step + "  " + elapsed()));
        List<String> tail = output.subList(Math.max(0, output.size() - TAIL), output.size());
        for (String l : tail) {
            out.println(fit("\033[2m   " + l + "\033[0m"));
        }
        drawn = 1 + tail.size();
        out.flush();
    }

    /** Erases the lines of the live block drawn last. */
    private void clear() {
        if (!terminal) {
            return;
        }
        for (int i = 0; i < drawn; i++) {
            out.print("\033[1A\033[2K");
        }
        drawn = 0;
    }

    private void tick() {
        while (!done) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (!done) {
                    redraw();
                }
            }
        }
    }

    private String elapsed() {
        double seconds = Duration.ofNanos(System.nanoTime() - stepStarted).toMillis() / 1000.0;
        return String.format(Locale.ROOT, "%.1fs", seconds);
    }

    /** A line cut to the terminal's width (escape codes do not take columns). */
    private String fit(String line) {
        int visible = 0;
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\033') {
                int end = line.indexOf('m', i);
                if (end > 0) {
                    s.append(line, i, end + 1);
                    i = end;
                    continue;
                }
            }
            if (visible >= columns - 1) {
                break;
            }
            s.append(c);
            visible++;
        }
        return s.append(RESET).toString();
    }
}
