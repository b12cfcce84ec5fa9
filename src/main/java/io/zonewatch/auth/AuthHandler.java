package io.zonewatch.auth;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.zonewatch.http.ApiException;

import java.util.EnumSet;
import java.util.Set;

/**
 * Bearer-token authentication and role checks. {@link #authenticate()} runs for every /api route and
 * puts the {@link Principal} into the context; {@link #allow(Role...)} guards one route.
 */
public final class AuthHandler {
    private static final String PRINCIPAL = "zonewatch.principal";

    private final TokenService tokens;

    public AuthHandler(TokenService tokens) {
        this.tokens = tokens;
    }

    public Handler<RoutingContext> authenticate() {
        return ctx -> {
            String header = ctx.request().getHeader("Authorization");
            String secret = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
            if (secret == null || secret.isEmpty()) {
                ctx.fail(unauthorized("缺少令牌：请使用 Authorization: Bearer <token>",
                        "missing token: send Authorization: Bearer <token>"));
                return;
            }
            tokens.authenticate(secret).onSuccess(principal -> {
                if (principal == null) {
                    ctx.fail(unauthorized("令牌无效或已被吊销", "the token is unknown or revoked"));
                } else {
                    ctx.put(PRINCIPAL, principal);
                    ctx.next();
                }
            }).onFailure(ctx::fail);
        };
    }

    public static Handler<RoutingContext> allow(Role... roles) {
        Set<Role> allowed = EnumSet.noneOf(Role.class);
        allowed.addAll(Set.of(roles));
        return ctx -> {
            Principal p = principal(ctx);
            if (allowed.contains(p.role())) {
                ctx.next();
            } else {
                ctx.fail(ApiException.forbidden());
            }
        };
    }

    public static Principal principal(RoutingContext ctx) {
        Principal p = ctx.get(PRINCIPAL);
        if (p == null) throw new IllegalStateException("route is not behind authenticate()");
        return p;
    }

    private static ApiException unauthorized(String zh, String en) {
        return new ApiException(401, "unauthorized", zh, en);
    }
}
