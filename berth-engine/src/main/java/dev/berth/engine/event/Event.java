package dev.berth.engine.event;

import java.util.Map;

/**
 * One daemon event, in the terms of Docker's {@code /events} (EventMessage): {@code type} is
 * image, container, network, volume …; {@code action} is pull, tag, untag, delete, create, start …;
 * the actor is the object's ID with attributes such as {@code name}.
 */
public record Event(String type, String action, String actorId, Map<String, String> attributes, long timeNanos) {
    public Event {
        attributes = Map.copyOf(attributes);
    }

    public static Event now(String type, String action, String actorId, Map<String, String> attributes) {
        java.time.Instant t = java.time.Instant.now();
        return new Event(type, action, actorId, attributes, t.getEpochSecond() * 1_000_000_000L + t.getNano());
    }
}
