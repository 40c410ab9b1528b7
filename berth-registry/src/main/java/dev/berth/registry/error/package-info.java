/**
 * What the registry tells a client that something failed: the spec's error codes ({@link
 * dev.berth.registry.error.OciError}) and the exception that carries them ({@link
 * dev.berth.registry.error.RegistryException}). Below every other registry package.
 */
package dev.berth.registry.error;
