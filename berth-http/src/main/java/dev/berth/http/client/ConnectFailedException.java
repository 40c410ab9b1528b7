package dev.berth.http.client;

import java.io.IOException;

/**
 * No connection could be made (refused, unreachable, timed out, no such socket file, TLS handshake
 * refused): the request never went out. The cause says why; a caller words it for its user
 * ("Cannot connect to the Berth daemon", "registry … is unreachable").
 */
public final class ConnectFailedException extends IOException {
    ConnectFailedException(Target target, IOException cause) {
        super("cannot connect to " + target + ": " + cause.getMessage(), cause);
    }
}
