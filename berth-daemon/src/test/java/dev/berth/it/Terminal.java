package dev.berth.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A client program on a terminal, as a user runs it: python3's pty module gives it a pseudo
 * terminal, waits for what the user would wait for, and types keys one at a time (a user's keys
 * arrive one read each, which is how detach sequences are told from pasted text). The result's
 * stdout is all the terminal showed; a program still running a minute after the last step is
 * killed and reported as exit 124.
 */
public final class Terminal {
    private static final String DRIVER = """
            import json, os, pty, select, sys, time
            steps = json.loads(sys.argv[1])
            pid, fd = pty.fork()
            if pid == 0:
                os.execvp(sys.argv[2], sys.argv[2:])
            seen = b''
            def read(deadline):
                global seen
                ready, _, _ = select.select([fd], [], [], max(0, deadline - time.time()))
                if not ready:
                    return True
                try:
                    data = os.read(fd, 4096)
                except OSError:  # EIO: the program closed the terminal
                    return False
                seen += data
                return bool(data)
            def drain(seconds):
                deadline = time.time() + seconds
                while time.time() < deadline:
                    if not read(deadline):
                        return False
                return True
            mark = 0
            for kind, text in steps:
                if kind == 'wait':
                    deadline = time.time() + 60
                    while text.encode() not in seen[mark:] and time.time() < deadline:
                        if not read(deadline):
                            break
                    found = seen.find(text.encode(), mark)
                    if found < 0:
                        sys.stdout.write(seen.decode(errors='replace'))
                        sys.stderr.write('never saw %r\\n' % text)
                        os.kill(pid, 9)
                        os.waitpid(pid, 0)
                        sys.exit(125)
                    mark = found + len(text)
                else:
                    for key in text.encode():
                        os.write(fd, bytes([key]))
                        drain(0.2)
            deadline = time.time() + 60
            while time.time() < deadline and read(deadline):
                pass
            done, status = 0, 0
            while not done and time.time() < deadline:  # the terminal closes before the program ends
                done, status = os.waitpid(pid, os.WNOHANG)
                if not done:
                    time.sleep(0.1)
            if not done:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
            sys.stdout.write(seen.decode(errors='replace'))
            sys.exit(os.waitstatus_to_exitcode(status) if done else 124)
            """;

    private final List<List<String>> steps = new ArrayList<>();

    /** Waits until the terminal shows {@code text} (after what the previous wait matched). */
    public Terminal waitFor(String text) {
        steps.add(List.of("wait", text));
        return this;
    }

    /** Types {@code keys}, one key at a time. */
    public Terminal type(String keys) {
        steps.add(List.of("type", keys));
        return this;
    }

    /** Runs {@code command} on the terminal through the steps, then until it ends. */
    public CommandResult run(List<String> command, Map<String, String> env) {
        List<String> all = new ArrayList<>(List.of("/usr/bin/python3", "-c", DRIVER));
        try {
            all.add(new ObjectMapper().writeValueAsString(steps));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        all.addAll(command);
        return Commands.run(all, env, null);
    }
}
