/**
 * The OCI runtime spec (config.json) as records, and a builder of Docker's defaults. The spec is
 * the boundary between the engine and a runtime: Berth's shim and external runtimes (runc, crun)
 * run the same spec.
 */
package dev.berth.runtime.spec;
