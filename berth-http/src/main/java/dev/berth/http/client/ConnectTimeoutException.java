package dev.berth.http.client;

import java.net.SocketTimeoutException;

/** A connect that did not complete within its timeout (a read that waits too long is a plain SocketTimeoutException). */
public final class ConnectTimeoutException extends SocketTimeoutException {
    ConnectTimeoutException(String message, Throwable cause) {
        super(message);
        initCause(cause);
    }
}
