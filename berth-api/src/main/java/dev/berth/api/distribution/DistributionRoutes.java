package dev.berth.api.distribution;

import dev.berth.api.server.Json;
import dev.berth.api.server.JsonMessage;
import dev.berth.api.server.MessageStream;
import dev.berth.core.auth.RegistryCredentials;
import dev.berth.core.reference.ImageReference;
import dev.berth.engine.distribution.LoginService;
import dev.berth.engine.distribution.PullService;
import dev.berth.engine.distribution.PushService;
import dev.berth.engine.image.ProgressListener;
import dev.berth.http.server.Handler;
import dev.berth.http.server.Request;
import dev.berth.http.server.Response;
import dev.berth.http.server.Router;
import dev.berth.http.server.Routes;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Pull, push and login: {@code POST /images/create?fromImage=} (through {@link #pullHandler()},
 * which the image routes call for {@code fromImage}), {@code POST /images/{name}/push} and
 * {@code POST /auth}. Credentials come in the {@code X-Registry-Auth} header (pull, push) or the
 * body (auth).
 */
public final class DistributionRoutes implements Routes {
    private final PullService pulls;
    private final PushService pushes;
    private final LoginService logins;

    public DistributionRoutes(PullService pulls, PushService pushes, LoginService logins) {
        this.pulls = pulls;
        this.pushes = pushes;
        this.logins = logins;
    }

    @Override
    public void register(Router router) {
        router.post("/images/{name}/push", this::push).post("/auth", this::auth);
    }

    /** The handler for {@code POST /images/create?fromImage=…&tag=…&platform=…}. */
    public Handler pullHandler() {
        return this::pull;
    }

    private Response pull(Request r) {
        ImageReference ref = PullService.reference(r.query("fromImage"), r.query("tag"));
        RegistryCredentials credentials = RegistryCredentials.fromHeader(r.header("X-Registry-Auth"));
        String platform = r.query("platform");
        return MessageStream.response(out -> pulls.pull(ref, platform, credentials, new Messages(out)));
    }

    private Response push(Request r) {
        String name = r.param("name");
        String tag = r.query("tag");
        RegistryCredentials credentials = RegistryCredentials.fromHeader(r.header("X-Registry-Auth"));
        return MessageStream.response(out -> pushes.push(name, tag, credentials, new Messages(out)));
    }

    private Response auth(Request r) throws IOException {
        byte[] body;
        try (InputStream in = r.body()) {
            body = in.readAllBytes();
        }
        LoginService.Login login = logins.login(RegistryCredentials.fromJson(body));
        return Json.response(Map.of("Status", login.status(), "IdentityToken", login.identityToken()));
    }

    /**
     * The services' progress as Docker's JSON messages. Layer downloads report from several
     * threads at once; one message goes out at a time. A client that went away fails the next
     * send, which stops the pull or push.
     */
    static final class Messages implements ProgressListener {
        private final MessageStream out;

        Messages(MessageStream out) {
            this.out = out;
        }

        @Override
        public void progress(String id, String status, long current, long total) {
            send(JsonMessage.progress(id, status, current, total));
        }

        @Override
        public void status(String id, String status) {
            send(JsonMessage.status(id, status));
        }

        @Override
        public void stream(String text) {
            send(JsonMessage.stream(text));
        }

        private synchronized void send(JsonMessage message) {
            out.sendOrStop(message);
        }
    }
}
