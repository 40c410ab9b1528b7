/**
 * {@code berth registry serve}: an OCI Distribution Spec v1.1 server (shared/specs/oci-distribution).
 *
 * <h2>Vocabulary</h2>
 * A <em>blob</em> is content addressed by its <em>digest</em> (sha256 or sha512 of the stored
 * bytes); a <em>manifest</em> is a JSON blob pushed through the manifests endpoint and kept in the
 * exact bytes the client sent; a <em>repository</em> ({@code <name>}) links blobs and manifests
 * and maps <em>tags</em> to manifest digests; a <em>subject</em> links a referrer (signature,
 * SBOM) to the manifest it describes; an <em>upload</em> is a resumable session that becomes a
 * blob when closed with its digest.
 *
 * <h2>On disk, under {@code --root}</h2>
 * <pre>
 * content/blobs/&lt;alg&gt;/&lt;hex&gt;      every blob and manifest once, shared by all repositories (core's LocalBlobStore)
 * content/ingest/&lt;ref&gt;            partial uploads (ref registry-upload-&lt;uuid&gt;), appended across PATCHes and restarts
 * uploads/&lt;uuid&gt;.json             upload session: repository, digest algorithm, start; mtime = last activity
 * repositories/&lt;name&gt;/...          small link files, see {@link dev.berth.registry.storage.RepositoryStore}
 * registry.lock                    held by the serving process or an offline gc
 * </pre>
 * Links are plain files rather than SQLite: each change is a single small file written under a
 * temporary name, fsynced and renamed ({@link dev.berth.core.io.AtomicFiles}), blobs are
 * committed the same way before any link names them, so a crash leaves old or new state and
 * never a link to a partial blob; concurrent pushes to different repositories share no lock.
 *
 * <h2>Resources</h2>
 * One service per resource, composed by {@link dev.berth.registry.Registry}: {@code blob.Blobs},
 * {@code upload.Uploads} (sessions, idle and purge), {@code manifest.Manifests} (manifests and
 * tags), {@code referrer.Referrers} and {@code catalog.Catalog}; {@code http} has one route group
 * for each, and its {@code ErrorResponses} is the one mapper to the spec's error codes.
 *
 * <h2>Concurrency and garbage collection</h2>
 * See {@link dev.berth.registry.storage.ReferenceLock} and {@link
 * dev.berth.registry.storage.PushJournal} (what the services hold and record for the collector)
 * and {@link dev.berth.registry.gc.GarbageCollector} (mark without lock, sweep under the exclusive
 * lock, grace period for blobs whose manifest has not been pushed yet).
 */
package dev.berth.registry;
