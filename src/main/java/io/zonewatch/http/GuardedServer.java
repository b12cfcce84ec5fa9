package io.zonewatch.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.zonewatch.config.Config;

import java.util.concurrent.TimeUnit;

/**
 * An HTTP server of the service (the API, the management port), each set up the same way: strict
 * HTTP/1.1 parsing ({@link StrictHttp}), the idle and body time limits ({@link ConnectionGuard}), no
 * cleartext HTTP/2 unless {@code ZONEWATCH_HTTP2_CLEARTEXT} says so. Create and start it on the event
 * loop that will serve it.
 */
public final class GuardedServer {
    private final HttpServer server;
    private final HttpServerOptions options;
    private final ConnectionGuard guard;

    public GuardedServer(Vertx vertx, Config config, String host, int port, boolean compression) {
        this.options = new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setCompressionSupported(compression)
                // No cleartext HTTP/2 upgrade (h2c) unless configured: a known way to smuggle requests past
                // proxies that check HTTP/1.1 only. (With it, Vert.x also sets a connection up only once its
                // first request is complete, so a connection that never completes one escapes the idle timeout.)
                .setHttp2ClearTextEnabled(config.http2Cleartext());
        this.server = vertx.createHttpServer(options);
        this.guard = new ConnectionGuard(vertx, config.httpIdleTimeoutSeconds() * 1000L, config.httpBodyTimeoutSeconds() * 1000L);
    }

    public Future<HttpServer> listen(Router router) {
        guard.start();
        return server
                .connectionHandler(connection -> {
                    StrictHttp.install(connection, options);
                    guard.connected(connection);
                })
                .invalidRequestHandler(StrictHttp::invalidRequest)
                .requestHandler(guard.guard(request -> {
                    if (!StrictHttp.refused(request)) router.handle(request);
                }))
                .listen();
    }

    /** Stops accepting, lets the requests in flight finish (within the timeout, still under the time limits), then stops the guard. */
    public Future<Void> shutdown(int timeoutSeconds) {
        return server.shutdown(timeoutSeconds, TimeUnit.SECONDS).eventually(() -> {
            guard.stop();
            return Future.succeededFuture();
        });
    }

    public int actualPort() {
        return server.actualPort();
    }
}
