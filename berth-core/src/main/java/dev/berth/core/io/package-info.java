/**
 * Files as crash-safe storage needs them, in one place: {@link dev.berth.core.io.AtomicFiles} puts
 * a file or directory in place (temporary name, fsync, rename, fsync the directory; nothing else
 * in Berth renames), {@link dev.berth.core.io.Trees} copies and removes whole trees without
 * following symlinks, {@link dev.berth.core.io.Compression} tells a stream's compression by its
 * magic bytes, as Docker does.
 */
package dev.berth.core.io;
