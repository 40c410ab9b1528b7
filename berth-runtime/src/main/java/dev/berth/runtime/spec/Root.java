package dev.berth.runtime.spec;

/** config.md "root": the container's root filesystem, relative to the bundle or absolute. */
public record Root(String path, boolean readonly) {}
