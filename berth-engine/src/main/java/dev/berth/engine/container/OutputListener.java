package dev.berth.engine.container;

/** An attached client: gets the container's output as it comes (raw chunks), then the end of the run. */
public interface OutputListener {
    /** {@code stream} is "stdout" or "stderr" (with a TTY, everything is stdout). */
    void output(String stream, byte[] chunk);

    /** The run's output is over (the container exited, or it was never started and was removed). */
    void ended();
}
