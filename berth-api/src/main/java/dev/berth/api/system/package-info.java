/**
 * The system endpoints ({@code /_ping}, {@code /version}, {@code /info}, {@code /events}).
 * {@link dev.berth.api.system.SystemRoutes} takes a {@code Supplier<SystemFacts>} for the engine's
 * side of {@code /info} and the daemon's {@link dev.berth.engine.event.EventBus}; host facts
 * (CPUs, memory, kernel, OS) it reads itself.
 */
package dev.berth.api.system;
