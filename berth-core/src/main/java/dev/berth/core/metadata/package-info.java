/**
 * {@code metadata.db}: Berth's rows about what is on disk (images, tags, repo digests, layers;
 * later containers, networks, volumes), in SQLite with versioned migrations ({@link
 * dev.berth.core.metadata.Schema}). Rows are written after the files they name and removed
 * before them (shared/DESIGN.md, "Consistency rules"). DAOs are made per transaction on a
 * {@link dev.berth.core.metadata.Tx}.
 */
package dev.berth.core.metadata;
