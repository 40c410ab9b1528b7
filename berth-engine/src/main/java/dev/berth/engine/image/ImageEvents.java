package dev.berth.engine.image;

import dev.berth.core.digest.Digest;
import dev.berth.engine.event.Event;
import dev.berth.engine.event.EventBus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Image events as Docker emits them (daemon/images/image_events.go): type {@code image}, the
 * image ID as actor, attribute {@code name} (a familiar reference, or the ID itself for delete,
 * import, load, save) plus the image's labels.
 */
public final class ImageEvents {
    private final EventBus bus;

    public ImageEvents(EventBus bus) {
        this.bus = bus;
    }

    public void publish(String action, Digest imageId, String name, Map<String, String> labels) {
        Map<String, String> attributes = new LinkedHashMap<>();
        if (labels != null) {
            attributes.putAll(labels);
        }
        attributes.put("name", name);
        bus.publish(Event.now("image", action, imageId.toString(), attributes));
    }
}
