package io.zonewatch.http;

import io.zonewatch.testing.Api;
import io.zonewatch.testing.ServiceTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every API endpoint refuses a query parameter it does not know, and one given twice, instead of ignoring it. */
class UnknownParametersTest extends ServiceTest {
    private static String platformToken;

    @BeforeAll
    static void setUp() {
        service.platforms("P1,一区,county,other,衢州市,,,\n");
        platformToken = service.token("platform", "P1");
    }

    private static Api.Response call(String method, String path, String token) {
        return switch (method) {
            case "GET" -> service.api.get(path, token);
            case "DELETE" -> service.api.delete(path, token);
            case "POST" -> service.api.post(path, token, "application/json", "{}");
            case "PUT" -> service.api.putRaw(path, token, "application/json", "{}");
            default -> throw new IllegalArgumentException(method);
        };
    }

    @Test
    void everyEndpointRefusesAnUnknownParameter() {
        List<String> checked = new ArrayList<>();
        for (String endpoint : service.zoneWatch.endpoints()) {
            String[] parts = endpoint.split(" ", 2);
            if (!parts[1].startsWith("/api/v1/")) continue;
            String path = parts[1].replace("{code}", "P1").replace("{year}", "2025").replace("{id}", "1")
                    .replace("{rule}", "suspect_unit");
            String token = path.startsWith("/api/v1/me/") ? platformToken : ADMIN;
            Api.Response r = call(parts[0], path + "?sheme=mu_benefit", token);
            assertEquals(400, r.status(), endpoint + ": " + r);
            assertEquals("unknown_parameter", r.json().getString("error"), endpoint);
            assertEquals("sheme", r.json().getString("parameter"), endpoint);
            checked.add(endpoint);
        }
        assertTrue(checked.size() >= 30, "all API endpoints were tried: " + checked);
        Api.Response twice = service.api.get("/api/v1/rankings/2025?scheme=mu_benefit&scheme=zone_development", ADMIN);
        assertEquals(400, twice.status());
        assertEquals("duplicate_parameter", twice.json().getString("error"));
        Api.Response quarter = service.api.get("/api/v1/me/ranking?quarter=3&year=2025&scheme=mu_benefit", platformToken);
        assertEquals(404, quarter.status(), "known parameters pass; no such run yet: " + quarter);
    }
}
