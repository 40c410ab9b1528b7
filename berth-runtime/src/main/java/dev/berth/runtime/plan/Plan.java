package dev.berth.runtime.plan;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The flat list of steps berth-shim executes in order. Encoded one step a line: the operation,
 * then each argument as {@code " <byte length>:<bytes>"}. Length prefixes (not a JSON parser in
 * C, not an escaping scheme) keep the C side a few lines and make any byte in a path safe.
 */
public final class Plan {
    /** One step: an {@link Op} and its arguments; native/container.c says what each does. */
    public record Step(Op op, List<String> args) {
        public Step {
            args = List.copyOf(args);
            if (!op.takes(args.size())) {
                throw new IllegalArgumentException(op.wireName() + " takes " + op.min() + " to "
                        + (op.max() == Op.MANY ? "any number of" : Integer.toString(op.max())) + " arguments, not "
                        + args.size());
            }
        }

        @Override
        public String toString() {
            return args.isEmpty() ? op.wireName() : op.wireName() + " " + String.join(" ", args);
        }
    }

    private final List<Step> steps = new ArrayList<>();

    public Plan add(Op op, Object... args) {
        List<String> list = new ArrayList<>(args.length);
        for (Object a : args) {
            list.add(String.valueOf(a));
        }
        steps.add(new Step(op, list));
        return this;
    }

    public List<Step> steps() {
        return List.copyOf(steps);
    }

    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Step step : steps) {
            out.writeBytes(step.op().wireName().getBytes(StandardCharsets.US_ASCII));
            for (String arg : step.args()) {
                byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
                out.writeBytes((" " + bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(bytes);
            }
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** Writes the encoded plan to {@code file}, readable by root alone: it holds the container's environment. */
    public void write(Path file) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, encode());
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        steps.forEach(s -> b.append(s).append('\n'));
        return b.toString();
    }
}
