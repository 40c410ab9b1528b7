package dev.berth.network.dns;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;

/**
 * Forwards a query's bytes to the upstream servers, from the daemon's namespace, one server after
 * the other until one answers (libnetwork: 4 s per server). The answer's bytes come back as sent.
 */
final class Upstream {
    static final int TIMEOUT_MILLIS = 4000;

    private Upstream() {}

    /** The first answer over UDP, or null when no server answered. */
    static byte[] udp(byte[] query, List<InetSocketAddress> servers) {
        for (InetSocketAddress server : servers) {
            try (DatagramSocket socket = new DatagramSocket()) {
                socket.setSoTimeout(TIMEOUT_MILLIS);
                socket.connect(server);
                socket.send(new DatagramPacket(query, query.length));
                byte[] buffer = new byte[65535];
                DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
                socket.receive(answer);
                return Arrays.copyOf(buffer, answer.getLength());
            } catch (SocketTimeoutException e) {
                // try the next one
            } catch (IOException e) {
                // unreachable or refused: the next one
            }
        }
        return null;
    }

    /** The first answer over TCP (RFC 1035 4.2.2: each message after its two-byte length), or null. */
    static byte[] tcp(byte[] query, List<InetSocketAddress> servers) {
        for (InetSocketAddress server : servers) {
            try (Socket socket = new Socket()) {
                socket.connect(server, TIMEOUT_MILLIS);
                socket.setSoTimeout(TIMEOUT_MILLIS);
                OutputStream out = socket.getOutputStream();
                out.write(new byte[] {(byte) (query.length >> 8), (byte) query.length});
                out.write(query);
                out.flush();
                DataInputStream in = new DataInputStream(socket.getInputStream());
                byte[] answer = new byte[in.readUnsignedShort()];
                in.readFully(answer);
                return answer;
            } catch (IOException e) {
                // the next one
            }
        }
        return null;
    }
}
