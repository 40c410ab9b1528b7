package dev.berth.http.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Predicate;

/**
 * A server connection on an EmbeddedChannel: raw HTTP bytes in, raw bytes out. The event-loop tasks
 * of handler threads are queued and run here on the test thread.
 */
final class EmbeddedHttp implements AutoCloseable {
    final EmbeddedChannel channel = new EmbeddedChannel();
    private final LinkedBlockingQueue<Runnable> loopTasks = new LinkedBlockingQueue<>();
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final StringBuilder received = new StringBuilder();

    EmbeddedHttp(Router router) {
        ServerPipeline.http(channel.pipeline(), new Dispatch(TestService.of(router)), handlers, loopTasks::add);
    }

    void send(String raw) {
        channel.writeInbound(Unpooled.copiedBuffer(raw, ISO_8859_1));
        pump();
    }

    /** Runs queued loop tasks and collects output. */
    void pump() {
        Runnable task;
        while ((task = loopTasks.poll()) != null) {
            task.run();
        }
        channel.runPendingTasks();
        Object out;
        while ((out = channel.readOutbound()) != null) {
            if (out instanceof ByteBuf buf) {
                received.append(buf.toString(ISO_8859_1));
            }
            ReferenceCountUtil.release(out);
        }
    }

    /** Pumps until {@code done} holds for everything received so far, and returns it (then forgets it). */
    String receive(Predicate<String> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!done.test(received.toString())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out; received so far:\n" + received + "\nchannel open: "
                        + channel.isOpen() + ", pending loop tasks: " + loopTasks.size());
            }
            pump();
            Thread.onSpinWait();
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        String all = received.toString();
        received.setLength(0);
        return all;
    }

    /** Receives one complete HTTP response (Content-Length or chunked). */
    Parsed response() {
        return Parsed.parse(receive(s -> Parsed.complete(s)));
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
        handlers.shutdownNow();
    }

    /** A received response: status line, headers (lower-case names), body (de-chunked). */
    record Parsed(String statusLine, Map<String, String> headers, String body) {
        int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }

        static boolean complete(String s) {
            int end = s.indexOf("\r\n\r\n");
            if (end < 0) {
                return false;
            }
            Map<String, String> h = headers(s.substring(0, end));
            String rest = s.substring(end + 4);
            if (h.containsKey("content-length")) {
                return rest.length() >= Integer.parseInt(h.get("content-length"));
            }
            if ("chunked".equals(h.get("transfer-encoding"))) {
                return rest.endsWith("0\r\n\r\n");
            }
            return true;
        }

        static Parsed parse(String s) {
            int end = s.indexOf("\r\n\r\n");
            String head = s.substring(0, end);
            Map<String, String> h = headers(head);
            String body = s.substring(end + 4);
            if ("chunked".equals(h.get("transfer-encoding"))) {
                StringBuilder out = new StringBuilder();
                int i = 0;
                while (true) {
                    int eol = body.indexOf("\r\n", i);
                    int size = Integer.parseInt(body.substring(i, eol), 16);
                    if (size == 0) {
                        break;
                    }
                    out.append(body, eol + 2, eol + 2 + size);
                    i = eol + 2 + size + 2;
                }
                body = out.toString();
            }
            return new Parsed(head.lines().findFirst().orElseThrow(), h, body);
        }

        private static Map<String, String> headers(String head) {
            Map<String, String> h = new LinkedHashMap<>();
            head.lines().skip(1).forEach(line -> {
                int colon = line.indexOf(':');
                h.put(
                        line.substring(0, colon).toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).strip());
            });
            return h;
        }
    }
}
