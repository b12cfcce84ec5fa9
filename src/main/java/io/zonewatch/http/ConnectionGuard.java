package io.zonewatch.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Time limits for what a client controls, on one event loop's HTTP server:
 * <ul>
 * <li><b>Idle connections</b>: a connection with no request in flight is closed once it has been idle
 * for {@code ZONEWATCH_HTTP_IDLE_TIMEOUT_S}: a connection that never completes its request headers, a
 * keep-alive connection left open. A connection whose request the service is still working on (a
 * large feed being written, a ranking run) is never idle: Netty's idle timeout, which counts only
 * bytes, would close those too.</li>
 * <li><b>Request bodies</b>: a body must arrive whole within {@code ZONEWATCH_HTTP_BODY_TIMEOUT_S} of its
 * headers, and with no pause longer than the idle timeout. Past either, the request is answered
 * {@code 408 request_timeout} (when nothing was answered yet) and the connection closed, which ends
 * the request's context: a stalled feed upload gives back its share of
 * {@code ZONEWATCH_FEED_MEMORY_BYTES} at once instead of holding it for as long as the client likes.</li>
 * </ul>
 * One sweep per event loop checks every connection of the loop; all state is the loop's own.
 */
public final class ConnectionGuard {
    private final Vertx vertx;
    private final long idleNanos;
    private final long bodyNanos;
    private final Map<HttpConnection, State> connections = new HashMap<>();
    private long timer = -1;

    private static final class State {
        long lastActivity = System.nanoTime();
        final List<InFlight> requests = new ArrayList<>(1);
    }

    private record InFlight(HttpServerRequest request, long started, long[] progress) {
    }

    public ConnectionGuard(Vertx vertx, long idleMillis, long bodyMillis) {
        this.vertx = vertx;
        this.idleNanos = idleMillis * 1_000_000L;
        this.bodyNanos = bodyMillis * 1_000_000L;
    }

    /** Starts the sweep; call on the event loop of the server it guards. */
    public void start() {
        long every = Math.max(50, Math.min(1_000, Math.min(idleNanos, bodyNanos) / 4_000_000L));
        timer = vertx.setPeriodic(every, t -> sweep());
    }

    public void stop() {
        if (timer >= 0) vertx.cancelTimer(timer);
        timer = -1;
    }

    /** For the server's connection handler. */
    public void connected(HttpConnection connection) {
        connections.put(connection, new State());
        connection.closeHandler(v -> connections.remove(connection));
    }

    /** Wraps the server's request handler. */
    public Handler<HttpServerRequest> guard(Handler<HttpServerRequest> next) {
        return request -> {
            State state = connections.get(request.connection());
            if (state != null) {
                long now = System.nanoTime();
                state.lastActivity = now;
                state.requests.add(new InFlight(request, now, new long[]{request.bytesRead(), now}));
            }
            next.handle(request);
        };
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Iterator<Map.Entry<HttpConnection, State>> it = connections.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<HttpConnection, State> e = it.next();
            HttpConnection connection = e.getKey();
            State state = e.getValue();
            boolean close = false;
            for (Iterator<InFlight> r = state.requests.iterator(); r.hasNext(); ) {
                InFlight f = r.next();
                HttpServerResponse response = f.request().response();
                if (response.ended() || response.closed()) {
                    r.remove();
                    state.lastActivity = now;
                    continue;
                }
                state.lastActivity = now;   // the service is working on it
                if (f.request().isEnded()) continue;
                long read = f.request().bytesRead();
                if (read != f.progress()[0]) {
                    f.progress()[0] = read;
                    f.progress()[1] = now;
                }
                if (now - f.started() > bodyNanos || now - f.progress()[1] > idleNanos) {
                    timeOut(f.request());
                    close = true;
                }
            }
            if (!close && state.requests.isEmpty() && now - state.lastActivity > idleNanos) close = true;
            if (close) {
                it.remove();
                connection.close();
            }
        }
    }

    /** 408 when nothing was answered yet; the connection is closed by the caller either way. */
    private static void timeOut(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        if (response.headWritten()) return;
        ApiException error = new ApiException(408, "request_timeout", "请求体未在时限内发送完毕，连接已关闭",
                "the request body did not arrive in time; the connection is closed");
        Http.secure(response, false);
        response.setStatusCode(408).putHeader("Content-Type", Http.JSON).putHeader("Connection", "close")
                .end(error.toJson().encode());
    }
}
