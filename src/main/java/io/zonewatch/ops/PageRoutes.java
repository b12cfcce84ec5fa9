package io.zonewatch.ops;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The platforms' page (/platform) and its assets (/static/...), served from the jar: the page must
 * work where the service has no internet, so nothing comes from a CDN. The page itself holds no data;
 * it calls /api/v1/me and /api/v1/me/ranking with the token the user pastes.
 */
public final class PageRoutes {
    public void mount(Router router) {
        StaticHandler assets = StaticHandler.create("web")
                .setCachingEnabled(true)
                .setMaxAgeSeconds(300)
                .setDirectoryListing(false)
                .setIncludeHidden(false);
        router.get("/platform").handler(ctx -> ctx.reroute("/static/platform.html"));
        router.get("/static/*").handler(assets);
    }
}
