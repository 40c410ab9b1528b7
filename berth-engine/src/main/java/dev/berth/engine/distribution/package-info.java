/**
 * Distribution: the daemon's side of the OCI Distribution protocol. {@link
 * dev.berth.engine.distribution.RegistryClient} talks to registries (ping, auth challenges and
 * tokens, manifests, blobs with resume, uploads, cross-repository mounts);
 * {@link dev.berth.engine.distribution.PullService} and {@link
 * dev.berth.engine.distribution.PushService} move images between a registry and the local image
 * store; {@link dev.berth.engine.distribution.LoginService} checks credentials for
 * {@code docker login}.
 *
 * <p>Vocabulary as in {@code dev.berth.core.image}: a <em>domain</em> is the registry named in a
 * reference ({@code docker.io}, {@code 127.0.0.1:5000}); an <em>endpoint</em> is where its API is
 * actually reached ({@code https://registry-1.docker.io}, a mirror, {@code http://127.0.0.1:5000});
 * a <em>repository</em> is the path inside a registry ({@code library/busybox}).
 */
package dev.berth.engine.distribution;
