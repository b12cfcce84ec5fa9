package io.zonewatch.auth;

import io.vertx.ext.web.Router;
import io.zonewatch.http.Http;

import static io.zonewatch.auth.AuthHandler.allow;
import static io.zonewatch.auth.AuthHandler.principal;

/** POST/GET /api/v1/tokens and DELETE /api/v1/tokens/{id} (admin only). */
public final class TokenRoutes {
    private final TokenService tokens;

    public TokenRoutes(TokenService tokens) {
        this.tokens = tokens;
    }

    public void mount(Router router) {
        router.post(Http.API + "/tokens").handler(allow(Role.ADMIN)).handler(Http.params())
                .handler(Http.json(201, ctx -> tokens.create(principal(ctx), Http.bodyObject(ctx))));
        router.get(Http.API + "/tokens").handler(allow(Role.ADMIN)).handler(Http.params())
                .handler(Http.json(200, ctx -> tokens.list()));
        router.delete(Http.API + "/tokens/:id").handler(allow(Role.ADMIN)).handler(Http.params())
                .handler(Http.json(200, ctx -> tokens.revoke(principal(ctx), Http.idParam(ctx, "id"))));
    }
}
