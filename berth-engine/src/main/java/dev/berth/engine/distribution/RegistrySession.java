package dev.berth.engine.distribution;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.berth.core.auth.RegistryCredentials;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.image.MediaTypes;
import dev.berth.http.client.ClientRequest;
import dev.berth.http.client.ClientResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests to one registry with one set of credentials: the caller that owns endpoint choice,
 * authentication (Basic, or Bearer tokens fetched from the challenge's realm per scope, cached),
 * redirects and error mapping, with one method per registry endpoint. Thread-safe: a pull's
 * parallel downloads share one session.
 */
public final class RegistrySession {
    private static final Logger log = LoggerFactory.getLogger(RegistrySession.class);
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** Docker refuses manifests over 4 MiB (distribution's maxManifestBodySize); so does Berth. */
    static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

    private static final int MAX_REDIRECTS = 5;
    /** A blob download that receives nothing for this long is broken off (and resumed by the fetcher). */
    private static final Duration BLOB_READ_TIMEOUT = Duration.ofSeconds(60);

    private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);
    /** How long a ping or a token request may wait for its answer. */
    private static final Duration SHORT_READ_TIMEOUT = Duration.ofSeconds(30);
    /** The error body of a failed answer, read up to this much. */
    private static final int MAX_ERROR_BYTES = 64 * 1024;

    /** The manifest types Berth reads, preferred first; an index lets the client pick its platform. */
    static final String MANIFEST_ACCEPT = String.join(
            ", ",
            MediaTypes.OCI_INDEX,
            MediaTypes.DOCKER_MANIFEST_LIST,
            MediaTypes.OCI_MANIFEST,
            MediaTypes.DOCKER_MANIFEST);

    private final RegistryClient client;
    private final String domain;
    private final RegistryCredentials credentials;
    private final boolean forPush;
    private volatile RegistryClient.Endpoint endpoint;

    RegistrySession(RegistryClient client, String domain, RegistryCredentials credentials, boolean forPush) {
        this.client = client;
        this.domain = domain;
        this.credentials = credentials;
        this.forPush = forPush;
    }

    public String domain() {
        return domain;
    }

    /** True when requests go to a Docker Hub mirror rather than to the registry itself. */
    public boolean viaMirror() {
        return endpoint().mirror();
    }

    /** The base URI that answers, e.g. {@code http://127.0.0.1:5000}; pings {@code /v2/} the first time. */
    public URI base() {
        return endpoint().base();
    }

    // ---- endpoints ---------------------------------------------------------------------------

    private RegistryClient.Endpoint endpoint() {
        RegistryClient.Endpoint e = endpoint;
        if (e != null) {
            return e;
        }
        synchronized (this) {
            if (endpoint == null) {
                RegistryClient.Endpoint known = client.knownEndpoint(domain, forPush);
                endpoint = known != null ? known : probe();
            }
            return endpoint;
        }
    }

    /** Pings {@code /v2/} on each candidate until one answers as a registry (200, or 401 with a challenge). */
    private RegistryClient.Endpoint probe() {
        BerthException last = null;
        for (RegistryClient.Candidate c : client.candidates(domain, forPush)) {
            URI ping = c.base().resolve("/v2/");
            try (ClientResponse r = client.send(c.insecure(), ping, get(ping), SHORT_READ_TIMEOUT)) {
                if (r.status() == 200 || r.status() == 401) {
                    errorBody(r); // read, so that the connection serves the next request
                    AuthChallenge challenge = r.status() == 401 ? pick(r) : null;
                    RegistryClient.Endpoint found =
                            new RegistryClient.Endpoint(c.base(), c.insecure(), challenge, c.mirror());
                    client.remember(domain, forPush, found);
                    return found;
                }
                last = RegistryErrors.from(r.status(), errorBody(r), "GET " + ping);
            } catch (BerthException e) {
                last = e;
            }
            log.debug("registry endpoint {} for {} did not answer: {}", c.base(), domain, last.getMessage());
        }
        throw last != null ? last : BerthException.unavailable("no endpoint for registry %s", domain);
    }

    private static AuthChallenge pick(ClientResponse response) {
        List<AuthChallenge> challenges =
                AuthChallenge.parse(response.header("WWW-Authenticate").orElse(null));
        // Bearer is preferred where both are offered, as Docker does.
        return challenges.stream()
                .filter(AuthChallenge::isBearer)
                .findFirst()
                .or(() -> challenges.stream().filter(AuthChallenge::isBasic).findFirst())
                .orElse(null);
    }

    // ---- auth --------------------------------------------------------------------------------

    /** Checks the credentials the way {@code docker login} does: a token (or Basic) that {@code /v2/} accepts. */
    public void login() {
        RegistryClient.Endpoint e = endpoint();
        if (e.challenge() == null) {
            return; // the registry needs no auth: docker login succeeds too
        }
        if (credentials.isAnonymous()) {
            throw new BerthException(ErrorKind.UNAUTHORIZED, "unauthorized: no credentials given for " + domain);
        }
        URI base = e.base().resolve("/v2/");
        try (ClientResponse r = send(base, () -> get(base), List.of(), Duration.ZERO)) {
            if (r.status() != 200) {
                throw RegistryErrors.from(r.status(), errorBody(r), "login to " + domain);
            }
        }
    }

    private String authorization(AuthChallenge challenge, List<String> scopes, boolean refresh) {
        if (challenge == null) {
            return null;
        }
        if (challenge.isBasic()) {
            return credentials.hasPassword() ? basic() : null;
        }
        if (!challenge.isBearer()) {
            return null;
        }
        if (credentials.registryToken() != null && !credentials.registryToken().isEmpty()) {
            return "Bearer " + credentials.registryToken();
        }
        String realm = challenge.parameter("realm");
        if (realm == null) {
            throw new BerthException(
                    ErrorKind.UNAUTHORIZED, "registry " + domain + " sent a Bearer challenge without realm");
        }
        String service = challenge.parameter("service");
        String key = realm + "|" + service + "|" + String.join(" ", scopes) + "|" + credentials.cacheKey();
        Instant now = Instant.now();
        if (!refresh) {
            String cached = client.tokens().get(key, now);
            if (cached != null) {
                return "Bearer " + cached;
            }
        }
        TokenAnswer answer = fetchToken(URI.create(realm), service, scopes);
        Duration lifetime = answer.expiresIn() > 0 ? Duration.ofSeconds(answer.expiresIn()) : DEFAULT_TOKEN_LIFETIME;
        Duration usable = lifetime.minus(RegistryClient.tokenMargin());
        if (!usable.isNegative() && !usable.isZero()) {
            client.tokens().put(key, answer.value(), now.plus(usable));
        }
        return "Bearer " + answer.value();
    }

    private String basic() {
        String pair = credentials.username() + ":" + credentials.password();
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record TokenAnswer(
            @JsonProperty("token") String token,
            @JsonProperty("access_token") String accessToken,
            @JsonProperty("expires_in") long expiresIn) {
        String value() {
            return token != null && !token.isEmpty() ? token : accessToken;
        }
    }

    /**
     * Docker's token flow (distribution's docs/spec/auth/token.md): GET the realm with service and
     * scopes, Basic credentials when there are any; an identity token is exchanged by the OAuth2
     * refresh-token POST instead.
     */
    private TokenAnswer fetchToken(URI realm, String service, List<String> scopes) {
        URI uri;
        ClientRequest request;
        if (credentials.identityToken() != null && !credentials.identityToken().isEmpty()) {
            StringBuilder form = new StringBuilder("grant_type=refresh_token&client_id=berth&refresh_token=")
                    .append(enc(credentials.identityToken()));
            if (service != null) {
                form.append("&service=").append(enc(service));
            }
            if (!scopes.isEmpty()) {
                form.append("&scope=").append(enc(String.join(" ", scopes)));
            }
            uri = realm;
            request = ClientRequest.of("POST", uri)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body(form.toString().getBytes(StandardCharsets.UTF_8));
        } else {
            StringBuilder query = new StringBuilder();
            if (service != null) {
                query.append("service=").append(enc(service));
            }
            for (String scope : scopes) {
                query.append(query.isEmpty() ? "" : "&").append("scope=").append(enc(scope));
            }
            if (credentials.hasPassword()) {
                query.append(query.isEmpty() ? "" : "&").append("account=").append(enc(credentials.username()));
            }
            String separator = realm.getRawQuery() == null ? "?" : "&";
            uri = URI.create(realm + (query.isEmpty() ? "" : separator + query));
            request = get(uri);
            if (credentials.hasPassword()) {
                request.header("Authorization", basic());
            }
        }
        byte[] body;
        int status;
        try (ClientResponse r = client.send(client.insecure(realm), uri, request, SHORT_READ_TIMEOUT)) {
            status = r.status();
            body = status == 200 ? readLimited(r, MAX_ERROR_BYTES * 16, "token from " + realm) : errorBody(r);
        }
        if (status == 401 || status == 403) {
            throw new BerthException(
                    ErrorKind.UNAUTHORIZED,
                    "Get \"%s\": unauthorized: incorrect username or password".formatted(realm));
        }
        if (status != 200) {
            throw RegistryErrors.from(status, body, "token from " + realm);
        }
        try {
            TokenAnswer answer = JSON.readValue(body, TokenAnswer.class);
            if (answer == null || answer.value() == null || answer.value().isEmpty()) {
                throw new BerthException(ErrorKind.UNAUTHORIZED, "token server " + realm + " sent no token");
            }
            return answer;
        } catch (IOException e) {
            throw new BerthException(
                    ErrorKind.UNAVAILABLE, "token server " + realm + " sent invalid JSON: " + e.getMessage(), e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String pullScope(String repository) {
        return "repository:" + repository + ":pull";
    }

    static String pushScope(String repository) {
        return "repository:" + repository + ":pull,push";
    }

    // ---- transport ---------------------------------------------------------------------------

    private static ClientRequest get(URI uri) {
        return ClientRequest.of("GET", uri);
    }

    /**
     * Sends a request with the auth the endpoint's challenge calls for; a 401 (token for too small
     * a scope, or expired) refetches the token once, for the scope the new challenge names.
     *
     * @param request makes the request (each attempt gets a fresh one), without Authorization
     */
    private ClientResponse send(URI uri, Supplier<ClientRequest> request, List<String> scopes, Duration readTimeout) {
        RegistryClient.Endpoint e = endpoint();
        AuthChallenge challenge = e.challenge();
        List<String> wanted = scopes;
        for (int attempt = 0; ; attempt++) {
            ClientRequest req = request.get();
            if (challenge != null && challenge.isBasic() && !credentials.hasPassword()) {
                // Docker's basic auth handler fails the request before sending it (ErrNoBasicAuthCredentials)
                throw new BerthException(
                        ErrorKind.UNAUTHORIZED, "%s \"%s\": no basic auth credentials".formatted(req.method(), uri));
            }
            String auth = authorization(challenge, wanted, attempt > 0);
            if (auth != null) {
                req.header("Authorization", auth);
            }
            ClientResponse r = client.send(e.insecure(), uri, req, readTimeout);
            if (r.status() != 401 || attempt > 0 || credentialsCannotHelp(challenge)) {
                return r;
            }
            AuthChallenge fresh = pick(r);
            if (fresh == null) {
                return r;
            }
            errorBody(r); // read, so that the connection serves the next attempt
            r.close();
            challenge = fresh;
            if (fresh.isBearer() && fresh.parameter("scope") != null) {
                List<String> merged = new ArrayList<>(wanted);
                for (String s : fresh.parameter("scope").split(" ")) {
                    if (!merged.contains(s)) {
                        merged.add(s);
                    }
                }
                wanted = merged;
            }
        }
    }

    private boolean credentialsCannotHelp(AuthChallenge challenge) {
        // Basic with the same credentials again would only be refused again.
        return challenge != null && challenge.isBasic();
    }

    private URI url(String path) {
        return endpoint().base().resolve(path);
    }

    private static String v2(String repository, String rest) {
        return "/v2/" + repository + "/" + rest;
    }

    /** The error body of a failed answer (up to 64 KiB; what could not be read is left out). */
    private static byte[] errorBody(ClientResponse r) {
        try {
            return r.body().readNBytes(MAX_ERROR_BYTES);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    // ---- manifests ---------------------------------------------------------------------------

    /** GETs the manifest or index {@code reference} (a tag, or a digest) of {@code repository}. */
    public FetchedManifest manifest(String repository, String reference) {
        URI uri = url(v2(repository, "manifests/" + reference));
        byte[] bytes;
        int status;
        String contentType;
        try (ClientResponse r = send(
                uri, () -> get(uri).header("Accept", MANIFEST_ACCEPT), List.of(pullScope(repository)), Duration.ZERO)) {
            status = r.status();
            contentType = r.header("Content-Type").orElse(null);
            bytes = readLimited(r, MAX_MANIFEST_BYTES, "manifest " + reference + " of " + domain + "/" + repository);
        }
        if (status != 200) {
            String name = domain + "/" + repository + (reference.contains(":") ? "@" : ":") + reference;
            throw RegistryErrors.from(
                    status, bytes, kind -> "manifest for " + name + (kind == ErrorKind.NOT_FOUND ? " not found" : ""));
        }
        Digest digest;
        Digest asked = reference.contains(":") ? Digest.parse(reference) : null;
        if (asked != null && !asked.algorithm().equals("sha256")) {
            digest = Digest.of(asked.algorithm(), asked.newHasher().digest(bytes));
        } else {
            digest = Digest.sha256(bytes);
        }
        if (asked != null && !asked.equals(digest)) {
            throw BerthException.dataLoss("manifest %s of %s/%s has digest %s", asked, domain, repository, digest);
        }
        return new FetchedManifest(mediaTypeOf(contentType, bytes), bytes, digest);
    }

    /** The Content-Type, unless it is generic; then the document's own {@code mediaType}. */
    private static String mediaTypeOf(String contentType, byte[] bytes) {
        String type =
                contentType == null ? null : contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
        if (type != null && (MediaTypes.isManifest(type) || MediaTypes.isIndex(type))) {
            return type;
        }
        try {
            var node = JSON.readTree(bytes);
            var field = node == null ? null : node.get("mediaType");
            if (field != null && field.isTextual()) {
                return field.asText();
            }
            // An OCI manifest may omit mediaType: "manifests" makes it an index, "config" a manifest.
            if (node != null && node.has("manifests")) {
                return MediaTypes.OCI_INDEX;
            }
            if (node != null && node.has("config")) {
                return MediaTypes.OCI_MANIFEST;
            }
        } catch (IOException ignored) {
            // not JSON; the caller refuses the type below
        }
        return type == null ? "" : type;
    }

    /** PUTs a manifest under {@code reference} (tag or digest); returns its digest. */
    public Digest putManifest(String repository, String reference, String mediaType, byte[] bytes) {
        URI uri = url(v2(repository, "manifests/" + reference));
        try (ClientResponse r = send(
                uri,
                () -> ClientRequest.of("PUT", uri)
                        .header("Content-Type", mediaType)
                        .body(bytes),
                List.of(pushScope(repository)),
                Duration.ZERO)) {
            if (r.status() != 201 && r.status() != 200 && r.status() != 202) {
                throw RegistryErrors.from(
                        r.status(), errorBody(r), "pushing manifest " + reference + " to " + domain + "/" + repository);
            }
        }
        return Digest.sha256(bytes);
    }

    // ---- blobs -------------------------------------------------------------------------------

    /** The size of the blob when the repository has it (HEAD), else empty. */
    public Optional<Long> blobSize(String repository, Digest digest, List<String> scopes) {
        URI uri = url(v2(repository, "blobs/" + digest));
        try (ClientResponse r = send(uri, () -> ClientRequest.of("HEAD", uri), scopes, Duration.ZERO)) {
            if (r.status() == 200) {
                return Optional.of(r.contentLength());
            }
            if (r.status() == 404) {
                return Optional.empty();
            }
            throw RegistryErrors.from(r.status(), null, "checking blob " + digest + " in " + domain + "/" + repository);
        }
    }

    /**
     * Opens blob {@code digest} from byte {@code offset} (a Range request when above 0; check
     * {@link BlobResponse#offset()}: a registry may answer with the whole blob). Redirects (to a
     * storage backend) are followed without the registry's credentials. A download that receives
     * nothing for {@link #BLOB_READ_TIMEOUT} is broken off (and resumed by the fetcher).
     */
    public BlobResponse openBlob(String repository, Digest digest, long offset) {
        URI blob = url(v2(repository, "blobs/" + digest));
        UnaryOperator<ClientRequest> range = r -> offset > 0 ? r.header("Range", "bytes=" + offset + "-") : r;
        ClientResponse r = send(blob, () -> range.apply(get(blob)), List.of(pullScope(repository)), BLOB_READ_TIMEOUT);
        URI uri = blob;
        boolean handedOver = false;
        try {
            for (int hops = 0; r.isRedirect(); hops++) {
                URI location = location(r, uri)
                        .orElseThrow(
                                () -> BerthException.unavailable("registry %s redirected without Location", domain));
                r.close();
                if (hops >= MAX_REDIRECTS) {
                    throw BerthException.unavailable("too many redirects fetching blob %s from %s", digest, domain);
                }
                // Storage behind a redirect gets no registry credentials.
                uri = location;
                r = client.send(client.insecure(location), location, range.apply(get(location)), BLOB_READ_TIMEOUT);
            }
            BlobResponse response =
                    blobResponse(r.status(), r::header, r.contentLength(), r.body(), repository, digest, offset);
            handedOver = true;
            return response;
        } finally {
            if (!handedOver) {
                r.close();
            }
        }
    }

    /**
     * The download a blob GET's answer opens: a 206 from {@code offset} or a 200 from 0, else the
     * registry's error; {@code body} is closed on every failure.
     *
     * @param length the body's Content-Length, -1 when not given
     */
    private BlobResponse blobResponse(
            int status,
            Function<String, Optional<String>> header,
            long length,
            InputStream body,
            String repository,
            Digest digest,
            long offset) {
        if (status == 206) {
            long start = contentRangeStart(header.apply("Content-Range").orElse(null));
            if (start != offset) {
                closeQuietly(body);
                throw BerthException.unavailable(
                        "registry %s answered range %d- with one from %d", domain, offset, start);
            }
            return new BlobResponse(body, offset, length);
        }
        if (status == 200) {
            return new BlobResponse(body, 0, length);
        }
        byte[] error;
        try (body) {
            error = body.readNBytes(64 * 1024);
        } catch (IOException ex) {
            error = new byte[0];
        }
        throw RegistryErrors.from(status, error, "blob " + digest + " of " + domain + "/" + repository);
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // a response we are done with
        }
    }

    private static long contentRangeStart(String header) {
        // "bytes 100-199/200"
        if (header == null) {
            return -1;
        }
        String h = header.strip();
        int space = h.indexOf(' ');
        int dash = h.indexOf('-');
        try {
            return Long.parseLong(h.substring(space + 1, dash).strip());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /**
     * Starts an upload of {@code digest} to {@code repository}, asking the registry to mount it
     * from {@code mountFrom} (a repository of the same registry) when not null.
     *
     * @return empty when the registry mounted the blob (201), else the upload's location
     */
    public Optional<URI> startUpload(String repository, Digest digest, String mountFrom) {
        String path = v2(repository, "blobs/uploads/");
        List<String> scopes = new ArrayList<>(List.of(pushScope(repository)));
        if (mountFrom != null) {
            path += "?mount=" + enc(digest.toString()) + "&from=" + enc(mountFrom);
            scopes.add(pullScope(mountFrom));
        }
        URI uri = url(path);
        try (ClientResponse r = send(uri, () -> ClientRequest.of("POST", uri), scopes, Duration.ZERO)) {
            if (r.status() == 201 && mountFrom != null) {
                return Optional.empty();
            }
            if (r.status() != 202) {
                throw RegistryErrors.from(r.status(), errorBody(r), "starting upload to " + domain + "/" + repository);
            }
            return Optional.of(location(r, uri)
                    .orElseThrow(() -> BerthException.unavailable(
                            "registry %s started an upload without Location", uri.getAuthority())));
        }
    }

    /** The Location header resolved against the request's URI. */
    private static Optional<URI> location(ClientResponse r, URI request) {
        return r.header("Location").map(request::resolve);
    }

    /**
     * Sends the whole blob in one PATCH and finishes with PUT {@code ?digest=} (what Docker does;
     * every registry takes it), {@code content} being opened again if auth makes a retry necessary.
     */
    public void upload(String repository, URI location, Digest digest, long size, Supplier<InputStream> content) {
        List<String> scopes = List.of(pushScope(repository));
        URI next;
        try (ClientResponse patch = send(
                location,
                () -> ClientRequest.of("PATCH", location)
                        .header("Content-Type", "application/octet-stream")
                        .body(content, size),
                scopes,
                Duration.ZERO)) {
            if (patch.status() != 202 && patch.status() != 204) {
                throw RegistryErrors.from(
                        patch.status(),
                        errorBody(patch),
                        "uploading blob " + digest + " to " + domain + "/" + repository);
            }
            next = location(patch, location)
                    .orElseThrow(() -> BerthException.unavailable(
                            "registry %s started an upload without Location", location.getAuthority()));
        }
        String separator = next.getRawQuery() == null ? "?" : "&";
        URI finish = URI.create(next + separator + "digest=" + enc(digest.toString()));
        try (ClientResponse put = send(
                finish,
                () -> ClientRequest.of("PUT", finish).header("Content-Type", "application/octet-stream"),
                scopes,
                Duration.ZERO)) {
            if (put.status() != 201 && put.status() != 204) {
                throw RegistryErrors.from(
                        put.status(),
                        errorBody(put),
                        "finishing upload of " + digest + " to " + domain + "/" + repository);
            }
        }
    }

    /** The body, up to {@code limit} bytes; more is INVALID_ARGUMENT, a broken connection UNAVAILABLE. */
    private static byte[] readLimited(ClientResponse r, int limit, String what) {
        try {
            byte[] bytes = r.body().readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw BerthException.invalid("%s is larger than %d bytes", what, limit);
            }
            return bytes;
        } catch (IOException e) {
            throw new BerthException(ErrorKind.UNAVAILABLE, "reading " + what + ": " + e.getMessage(), e);
        }
    }
}
