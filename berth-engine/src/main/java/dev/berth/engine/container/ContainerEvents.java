package dev.berth.engine.container;

import dev.berth.engine.event.Event;
import dev.berth.engine.event.EventBus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Container events as Docker emits them (daemon/events.go LogContainerEventWithAttributes): type
 * {@code container}, the container ID as actor, attributes {@code image}, {@code name} (no slash)
 * and the container's labels, plus what the action adds (exitCode for die, signal for kill …).
 */
public final class ContainerEvents {
    private final EventBus bus;

    public ContainerEvents(EventBus bus) {
        this.bus = bus;
    }

    public void publish(Container c, String action) {
        publish(c, action, Map.of());
    }

    public void publish(Container c, String action, Map<String, String> extra) {
        Map<String, String> attributes = new LinkedHashMap<>(c.config().labels());
        attributes.put("image", c.imageName());
        attributes.put("name", c.plainName());
        attributes.putAll(extra);
        bus.publish(Event.now("container", action, c.id(), attributes));
    }
}
