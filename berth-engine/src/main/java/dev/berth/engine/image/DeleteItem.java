package dev.berth.engine.image;

/** One entry of Docker's image delete response: either {@code Untagged} or {@code Deleted} is set. */
public record DeleteItem(String untagged, String deleted) {
    public static DeleteItem untagged(String reference) {
        return new DeleteItem(reference, null);
    }

    public static DeleteItem deleted(String id) {
        return new DeleteItem(null, id);
    }
}
