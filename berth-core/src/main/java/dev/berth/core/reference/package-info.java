/**
 * Image references: the names users type ({@code busybox}, {@code localhost:5000/foo:1},
 * {@code name@sha256:…}), parsed and normalized exactly as Docker does.
 *
 * <p>Vocabulary: a <em>reference</em> names an image (domain, path, optional tag and digest); an
 * <em>ID</em> (the config digest) identifies one. The <em>domain</em> is the registry host with
 * port ({@code docker.io}, {@code localhost:5000}); the <em>path</em> is the repository inside it
 * ({@code library/busybox}); the <em>repository</em> is both ({@code docker.io/library/busybox});
 * the <em>familiar</em> form is the short one docker prints ({@code busybox:latest}).
 */
package dev.berth.core.reference;
