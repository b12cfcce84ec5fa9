package io.zonewatch.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A blocking HTTP client for tests (test threads are not event loops). */
public final class Api {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public Api(int port) {
        this.base = "http://localhost:" + port;
    }

    public record Response(int status, String text, HttpHeaders headers) {
        public JsonObject json() {
            return new JsonObject(text);
        }

        public JsonArray array(String field) {
            return json().getJsonArray(field);
        }

        @Override
        public String toString() {
            return status + " " + text;
        }
    }

    public Response get(String path, String token) {
        return send(request(path, token).GET());
    }

    /** A GET that gives up after {@code timeout}: for probing a service that is still starting. */
    public Response probe(String path, Duration timeout) {
        return send(request(path, null).timeout(timeout).GET());
    }

    public Response delete(String path, String token) {
        return send(request(path, token).DELETE());
    }

    public Response post(String path, String token, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder b = request(path, token).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) b.header("Content-Type", contentType);
        for (int i = 0; i + 1 < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return send(b);
    }

    public Response post(String path, String token, String contentType, String body, String... headers) {
        return post(path, token, contentType, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    public Response postJson(String path, String token, JsonObject body) {
        return post(path, token, "application/json", body.encode());
    }

    public Response put(String path, String token, JsonObject body) {
        return send(request(path, token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body.encode())));
    }

    /** A PUT with a body as given (e.g. JSON a JsonObject could not hold, such as a key given twice). */
    public Response putRaw(String path, String token, String contentType, String body) {
        return send(request(path, token).header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** POST /api/v1/feeds with a CSV body. */
    public Response feed(String token, String csv, String query) {
        return post("/api/v1/feeds" + (query == null ? "" : "?" + query), token, "text/csv", csv);
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return b;
    }

    private Response send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
