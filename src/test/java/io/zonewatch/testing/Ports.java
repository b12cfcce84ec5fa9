package io.zonewatch.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Ports for servers a test starts itself (a child service, an embedded PostgreSQL, a fake Grafana). */
public final class Ports {
    private Ports() {
    }

    /** A port free at the time of the call, picked by the operating system. */
    public static int free() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
