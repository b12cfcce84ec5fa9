package io.zonewatch.http;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.ext.web.RoutingContext;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 parsed strictly, where a front proxy and this service could read one request differently:
 * <ul>
 * <li>a request with both {@code Content-Length} and {@code Transfer-Encoding}, or with a transfer
 * coding other than {@code chunked}, is answered 400 and its connection closed, and nothing after it
 * on that connection is read (Netty's default is to drop Content-Length and read on, which lets a
 * second request be smuggled in the first one's body);</li>
 * <li>a path with dot segments ({@code /api/v1/%2e%2e/%2e%2e/metrics}), encoded slashes or
 * backslashes is answered 400: the router would otherwise normalise it to another resource than the
 * one a proxy checked ({@code /metrics} behind a proxy that forwards only {@code /api/}).</li>
 * </ul>
 */
public final class StrictHttp {
    private StrictHttp() {
    }

    /**
     * Replaces the connection's request decoder with the strict one. Vert.x offers no option for this,
     * so it reaches into its HTTP/1.1 connection (pinned Vert.x version; ConnectionHardeningTest
     * fails if this stops working). Called from the server's connection handler, before the first byte
     * is decoded (cleartext HTTP/2 is off, so HTTP/1.1 connections are set up when they are accepted).
     */
    public static void install(HttpConnection connection, HttpServerOptions options) {
        if (connection instanceof Http1xServerConnection http1) {
            ChannelPipeline pipeline = http1.channelHandlerContext().pipeline();
            if (pipeline.get("httpDecoder") instanceof VertxHttpRequestDecoder) {
                pipeline.replace("httpDecoder", "httpDecoder", new Decoder(options));
            }
        }
    }

    private static final class Decoder extends VertxHttpRequestDecoder {
        Decoder(HttpServerOptions options) {
            super(options);
        }

        /** Netty would drop Content-Length and go on; failing here makes the request invalid and ends the connection's input. */
        @Override
        protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
            throw new AmbiguousLength();
        }
    }

    private static final class AmbiguousLength extends RuntimeException {
        AmbiguousLength() {
            super("both Content-Length and Transfer-Encoding", null, false, false);
        }
    }

    /** The server's handler for requests Netty could not decode: our error contract, then the connection is closed. */
    public static void invalidRequest(HttpServerRequest request) {
        DecoderResult result = request.decoderResult();
        Throwable cause = result == null ? null : result.cause();
        ApiException error;
        if (cause instanceof AmbiguousLength) {
            error = ApiException.badRequest("ambiguous_length", "请求同时带有 Content-Length 和 Transfer-Encoding",
                    "the request has both Content-Length and Transfer-Encoding");
        } else if (cause instanceof TooLongHttpLineException) {
            error = new ApiException(414, "uri_too_long", "请求行过长", "the request line is too long");
        } else if (cause instanceof TooLongHttpHeaderException) {
            error = new ApiException(431, "headers_too_large", "请求头过大", "the request headers are too large");
        } else {
            error = ApiException.badRequest("bad_request", "请求格式错误", "malformed request");
        }
        respondAndClose(request, error);
    }

    /**
     * For the server's request handler, before routing: transfer codings other than plain
     * {@code chunked} (Netty reads such a body by its Content-Length, a proxy by its coding).
     * True when the request was answered.
     */
    static boolean refused(HttpServerRequest request) {
        String te = request.getHeader("Transfer-Encoding");
        if (te == null) return false;
        if (te.trim().equalsIgnoreCase("chunked") && request.getHeader("Content-Length") == null) return false;
        respondAndClose(request, ApiException.badRequest("ambiguous_length",
                "只接受 Transfer-Encoding: chunked，且不能同时带 Content-Length",
                "only Transfer-Encoding: chunked is accepted, and never with Content-Length"));
        return true;
    }

    private static void respondAndClose(HttpServerRequest request, ApiException error) {
        HttpServerResponse response = request.response();
        if (!response.headWritten()) {
            Http.secure(response, false);
            response.setStatusCode(error.status()).putHeader("Content-Type", Http.JSON).putHeader("Connection", "close")
                    .end(error.toJson().encode());
        }
        request.connection().close();
    }

    /** First route of the router: refuses paths that normalise to something else than they say. */
    public static void checkPath(RoutingContext ctx) {
        String path = ctx.request().path();
        if (path == null || !path.startsWith("/") || path.indexOf('\\') >= 0) {
            ctx.fail(badPath());
            return;
        }
        for (String segment : path.split("/", -1)) {
            String decoded;
            try {
                decoded = segment.indexOf('%') < 0 ? segment : URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                ctx.fail(badPath());
                return;
            }
            if (decoded.equals(".") || decoded.equals("..") || decoded.indexOf('/') >= 0 || decoded.indexOf('\\') >= 0) {
                ctx.fail(badPath());
                return;
            }
        }
        ctx.next();
    }

    private static ApiException badPath() {
        return ApiException.badRequest("bad_path", "路径中不能有 . 或 .. 段、编码的斜杠或反斜杠",
                "the path must not hold '.' or '..' segments, encoded slashes or backslashes");
    }
}
