package dev.berth.engine.container;

import dev.berth.runtime.ContainerProcess;

/** A container's current run: its process (supervised by a shim) and its stdio. */
record Run(ContainerProcess process, ContainerIo io) {}
