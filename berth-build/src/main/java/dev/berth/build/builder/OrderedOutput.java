package dev.berth.build.builder;

import java.util.ArrayList;
import java.util.List;

/**
 * Lets stages run at the same time while their output reads as if they ran one after another,
 * as dockerd prints a build: the stage whose turn it is writes through at once (a RUN's output
 * stays live), later stages are held until every stage before them has finished. Thread-safe;
 * one lock, held only to hand output on.
 */
final class OrderedOutput {
    private final BuildOutput out;
    private final List<Lane> lanes = new ArrayList<>();
    private int current;

    OrderedOutput(BuildOutput out, int stages) {
        this.out = out;
        for (int i = 0; i < stages; i++) {
            lanes.add(new Lane(i));
        }
    }

    /** The output of the {@code position}-th stage in print order. */
    BuildOutput lane(int position) {
        return lanes.get(position);
    }

    private final class Lane implements BuildOutput {
        private final int position;
        private final List<Runnable> held = new ArrayList<>();
        private boolean finished;

        Lane(int position) {
            this.position = position;
        }

        @Override
        public void stream(String text) {
            emit(() -> out.stream(text));
        }

        @Override
        public void stderr(String text) {
            emit(() -> out.stderr(text));
        }

        @Override
        public void imageId(String id) {
            emit(() -> out.imageId(id));
        }

        @Override
        public void progress(String id, String status, long current, long total) {
            emit(() -> out.progress(id, status, current, total));
        }

        @Override
        public void status(String id, String status) {
            emit(() -> out.status(id, status));
        }

        private void emit(Runnable write) {
            synchronized (OrderedOutput.this) {
                if (position == current) {
                    write.run();
                } else {
                    held.add(write);
                }
            }
        }
    }

    /**
     * A build failed in the stage at {@code position}: what the stages up to it held is written
     * in order (the failed one's output leads to the error), later stages' output is dropped.
     */
    synchronized void failedAt(int position) {
        for (int i = current; i <= position && i < lanes.size(); i++) {
            if (i > current) {
                lanes.get(i).held.forEach(Runnable::run);
            }
            lanes.get(i).held.clear();
        }
        current = lanes.size();
    }

    /** The stage at {@code position} is done: the held output of the stages after it follows. */
    synchronized void finished(int position) {
        lanes.get(position).finished = true;
        while (current < lanes.size() && lanes.get(current).finished) {
            current++;
            if (current < lanes.size()) {
                Lane next = lanes.get(current);
                next.held.forEach(Runnable::run);
                next.held.clear();
            }
        }
    }
}
