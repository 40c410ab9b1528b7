package dev.berth.engine.image;

import java.util.List;

/**
 * One line of {@code docker history} (Docker's HistoryResponseItem): {@code id} is the image ID
 * for the top entry (and its parents' entries when the parent is local), {@code <missing>} for
 * the rest.
 */
public record HistoryItem(String id, long created, String createdBy, List<String> tags, long size, String comment) {}
