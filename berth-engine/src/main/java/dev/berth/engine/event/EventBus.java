package dev.berth.engine.event;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Fans events out to subscribers (streaming {@code /events} clients) and keeps a bounded
 * history so that {@code since} can replay recent events.
 */
public final class EventBus {
    private static final int HISTORY = 1024;

    private final List<Consumer<Event>> subscribers = new CopyOnWriteArrayList<>();
    private final ArrayList<Event> history = new ArrayList<>();

    public void publish(Event event) {
        synchronized (history) {
            if (history.size() == HISTORY) {
                history.removeFirst();
            }
            history.add(event);
            // Delivered under the lock so that subscribe() hands out a gap-free, duplicate-free
            // sequence; subscribers must only enqueue, never block.
            for (Consumer<Event> subscriber : subscribers) {
                subscriber.accept(event);
            }
        }
    }

    /**
     * Registers {@code subscriber} and returns the events already recorded, atomically with the
     * registration so that none is missed or seen twice. Close the handle to stop receiving.
     */
    public Subscription subscribe(Consumer<Event> subscriber) {
        synchronized (history) {
            subscribers.add(subscriber);
            return new Subscription(List.copyOf(history), () -> subscribers.remove(subscriber));
        }
    }

    /** What a subscriber gets: the past events, and a way to unsubscribe. */
    public record Subscription(List<Event> past, Runnable cancel) implements AutoCloseable {
        @Override
        public void close() {
            cancel.run();
        }
    }
}
