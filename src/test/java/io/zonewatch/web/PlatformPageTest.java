package io.zonewatch.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonewatch.config.Config;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.Browser;
import io.zonewatch.testing.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The platforms' page (/platform) end to end: the demo service, real headless Chromium through
 * chromedriver, a platform official pasting a token. What the page shows is checked against what
 * GET /api/v1/me/ranking answers for the same token.
 *
 * Needs the Debian packages chromium and chromium-driver (see {@link Browser}); without them the test is skipped, unless
 * ZONEWATCH_REQUIRE_BROWSER=true (CI), where it fails. Each test opens the page afresh, nothing stored in
 * the browser, and pastes its token.
 */
class PlatformPageTest {
    private static final int WIDTH = 390;
    private static final int HEIGHT = 844;

    private static TestService service;
    private static Browser browser;
    private static ChromeDriver driver;
    private static String pageUrl;

    /** A platform ranked, not first, in 2025 (mu_benefit), whose zone_development rank differs. */
    private static String platform;
    private static String platformToken;
    private static JsonObject muRanking;
    private static JsonObject zoneRanking;
    private static Map<String, JsonObject> indicators;

    @BeforeAll
    static void start() throws IOException {
        if (!Browser.requireOrSkip()) return; // each test is skipped, with the reason (see skipWithoutBrowser)
        service = TestService.start(Map.of(Config.DEMO, "true"));
        pageUrl = "http://127.0.0.1:" + service.zoneWatch.port() + "/platform";
        indicators = indicatorsByCode();
        pickPlatform();
        platformToken = service.token("platform", platform);
        muRanking = myRanking(platformToken, "mu_benefit");
        zoneRanking = myRanking(platformToken, "zone_development");
        browser = Browser.start(WIDTH, HEIGHT, "chromedriver");
        driver = browser.driver;
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (browser != null) browser.close();
        } finally {
            if (service != null) service.close();
        }
    }

    @BeforeEach
    void skipWithoutBrowser() {
        assumeTrue(Browser.available() && driver != null, Browser.MISSING);
    }

    // ------------------------------------------------------------------ the tests

    @Test
    void showsTheRankingOfThePastedToken() {
        openWithoutToken();
        assertEquals(WIDTH, ((Number) driver.executeScript("return window.innerWidth")).intValue(), "a phone-sized viewport");
        assertEquals("rgb(31, 95, 191)", driver.executeScript("return getComputedStyle(document.querySelector('.topbar')).backgroundColor"),
                "the stylesheet is applied");
        assertEquals("idle", app().getAttribute("data-state"), "nothing is shown before a token is given");
        assertTrue(fitsTheWidth(), "no horizontal scrolling at " + WIDTH + " px (token form)");
        WebElement label = driver.findElement(By.cssSelector("label[for=token-input]"));
        assertTrue(label.getText().contains("平台令牌"), "the token input has a label");

        enterToken(platformToken);
        waitForResult("ready", "mu_benefit");
        JsonObject r = muRanking;

        assertEquals(r.getString("name"), text("platform-name"));
        assertEquals(platform, text("platform-code"));
        assertEquals("mu_benefit", new Select(byId("scheme-select")).getFirstSelectedOption().getAttribute("value"));
        assertEquals(String.valueOf(r.getInteger("year")), new Select(byId("year-select")).getFirstSelectedOption().getAttribute("value"));

        assertEquals(String.valueOf(r.getInteger("rank")), text("rank"));
        assertEquals(String.valueOf(r.getInteger("ranked")), text("ranked"));
        assertTrue(byId("summary").getText().contains("第 " + r.getInteger("rank") + " 名 / 共 " + r.getInteger("ranked") + " 个"));
        assertEquals(r.getString("class"), text("class-badge"));
        assertEquals(fixed(r.getDouble("score"), 2), text("score"));
        JsonArray interval = r.getJsonArray("rankInterval");
        assertEquals(interval.getInteger(0) + "–" + interval.getInteger(1), text("rank-interval"));
        assertTrue(text("interval-note").contains("500 次"), text("interval-note"));
        assertEquals(r.getBoolean("published") ? "正式发布" : "未发布 · 最新计算", text("published"));
        assertFalse(text("data-as-of").isBlank());

        // the breakdown: one bar per indicator, Chinese names, contributions as the page rounds them
        JsonArray breakdown = r.getJsonArray("breakdown");
        List<WebElement> bars = driver.findElements(By.cssSelector("#breakdown [data-testid=breakdown-bar]"));
        assertEquals(breakdown.size(), bars.size());
        JsonObject first = breakdown.getJsonObject(0);
        WebElement bar = driver.findElement(By.cssSelector("#breakdown li[data-indicator='" + first.getString("indicator") + "']"));
        assertEquals(fixed(first.getDouble("contribution"), 2), bar.findElement(By.cssSelector("[data-testid=contribution]")).getText());
        JsonObject indicator = indicators.get(first.getString("indicator"));
        assertTrue(bar.getText().contains(indicator.getString("name")), bar.getText());
        assertTrue(bar.getText().contains(indicator.getString("unit")), bar.getText());
        assertEquals(fixed(first.getDouble("normalized"), 2), bar.findElement(By.className("bar-normalized")).getText());

        // the gap to the platform above, with the value of one indicator that alone would close it
        JsonObject gap = r.getJsonObject("gapToNext");
        assertNotNull(gap, "the chosen platform is not first");
        assertEquals(gap.getString("platform"), text("gap-platform"));
        assertEquals(fixed(gap.getDouble("scoreGap"), 2), text("gap-score"));
        assertEquals(platformName(gap.getString("platform")), text("gap-platform-name"));
        JsonObject closing = gap.getJsonObject("closingValues");
        String closer = closing.fieldNames().stream().filter(k -> closing.getValue(k) != null).sorted().findFirst().orElseThrow();
        WebElement closerRow = driver.findElement(By.cssSelector("#gap-table tr[data-indicator='" + closer + "']"));
        assertEquals(displayed(closing.getDouble(closer)), closerRow.findElement(By.className("closing-value")).getText());
        assertEquals(closing.size(), driver.findElements(By.cssSelector("#gap-table tbody tr")).size());

        // the history: chart and table
        JsonArray history = r.getJsonArray("history");
        assertEquals(history.size(), driver.findElements(By.cssSelector("#history-table tbody tr")).size());
        JsonObject oldest = history.getJsonObject(0);
        WebElement row = driver.findElement(By.cssSelector("#history-table tr[data-year='" + oldest.getInteger("year") + "']"));
        assertEquals(String.valueOf(oldest.getInteger("rank")), row.findElement(By.className("h-rank")).getText());
        assertEquals(history.size(), driver.findElements(By.cssSelector("#history-chart svg circle.dot")).size());
        assertEquals(history.size(), new Select(byId("year-select")).getOptions().size());

        assertTrue(fitsTheWidth(), "no horizontal scrolling at " + WIDTH + " px (ranking)");
        screenshot(Path.of("target/platform-page.png"));
        assertNoConsoleErrors();
    }

    @Test
    void switchingSchemeAndYearShowsTheirRanking() {
        assertNotEquals(muRanking.getInteger("rank"), zoneRanking.getInteger("rank"), "precondition: the schemes rank the platform differently");
        open(platformToken);
        waitForResult("ready", "mu_benefit");
        new Select(byId("scheme-select")).selectByValue("zone_development");
        waitForResult("ready", "zone_development");
        assertEquals(String.valueOf(zoneRanking.getInteger("rank")), text("rank"));
        assertEquals(fixed(zoneRanking.getDouble("score"), 2), text("score"));
        Set<String> dimensions = new LinkedHashSet<>();
        zoneRanking.getJsonArray("breakdown").forEach(b -> dimensions.add(((JsonObject) b).getString("dimension")));
        assertEquals(dimensions.size(), driver.findElements(By.cssSelector("#breakdown [data-testid=dimension-group]")).size(),
                "bars grouped by dimension");
        assertEquals(zoneRanking.getJsonArray("breakdown").size(), driver.findElements(By.cssSelector("[data-testid=breakdown-bar]")).size());
        JsonObject closing = zoneRanking.getJsonObject("gapToNext") == null ? new JsonObject()
                : zoneRanking.getJsonObject("gapToNext").getJsonObject("closingValues");
        closing.fieldNames().stream().filter(k -> closing.getValue(k) == null).findFirst().ifPresent(k ->
                assertEquals("单项无法追平", driver.findElement(By.cssSelector("#gap-table tr[data-indicator='" + k + "'] .closing-value")).getText()));
        assertTrue(fitsTheWidth(), "no horizontal scrolling at " + WIDTH + " px (zone_development)");

        // an earlier year of the same scheme
        JsonObject earlier = zoneRanking.getJsonArray("history").getJsonObject(0);
        new Select(byId("year-select")).selectByValue(String.valueOf(earlier.getInteger("year")));
        wait(ExpectedConditions.attributeToBe(By.id("result"), "data-year", String.valueOf(earlier.getInteger("year"))));
        waitForResult("ready", "zone_development");
        JsonObject expected = service.api.get("/api/v1/me/ranking?scheme=zone_development&year=" + earlier.getInteger("year"), platformToken).json();
        assertEquals(String.valueOf(expected.getInteger("rank")), text("rank"));
        assertEquals(String.valueOf(earlier.getInteger("rank")), text("rank"));
        assertEquals(expected.getJsonArray("breakdown").size(), driver.findElements(By.cssSelector("[data-testid=breakdown-bar]")).size());
        assertNoConsoleErrors();
    }

    @Test
    void theTokenIsKeptForTheSessionUnlessRememberedAndGoneWhenForgotten() {
        open(platformToken);
        waitForResult("ready", "mu_benefit");
        // Not ticked (the default): kept for this browser session only, never on the device.
        assertEquals(platformToken, driver.executeScript("return sessionStorage.getItem('zonewatch.platformToken')"));
        assertEquals(null, driver.executeScript("return localStorage.getItem('zonewatch.platformToken')"));
        driver.navigate().refresh();
        waitForResult("ready", "mu_benefit");
        assertEquals(String.valueOf(muRanking.getInteger("rank")), text("rank"));
        assertTrue(byId("session-bar").isDisplayed());
        assertFalse(byId("token-panel").isDisplayed(), "the session's token was used without asking");

        // Ticked: kept on the device (localStorage), and the session copy goes.
        byId("change-token").click();
        WebElement remember = wait(ExpectedConditions.visibilityOfElementLocated(By.id("remember-token")));
        assertFalse(remember.isSelected(), "not remembered unless the user asks");
        remember.click();
        enterToken(platformToken);
        waitForResult("ready", "mu_benefit");
        assertEquals(platformToken, driver.executeScript("return localStorage.getItem('zonewatch.platformToken')"));
        assertEquals(null, driver.executeScript("return sessionStorage.getItem('zonewatch.platformToken')"));
        driver.navigate().refresh();
        waitForResult("ready", "mu_benefit");
        screenshot(Path.of("target/platform-page-remembered.png"));

        byId("forget-token").click();
        wait(ExpectedConditions.visibilityOfElementLocated(By.id("token-input")));
        assertNoRankingShown();
        assertEquals(null, driver.executeScript("return localStorage.getItem('zonewatch.platformToken')"));
        assertEquals(null, driver.executeScript("return sessionStorage.getItem('zonewatch.platformToken')"));
        driver.navigate().refresh();
        wait(ExpectedConditions.visibilityOfElementLocated(By.id("token-input")));
        assertEquals("idle", app().getAttribute("data-state"));
    }

    @Test
    void aLeaderTokenIsNotAPlatformToken() {
        open(platformToken);
        waitForResult("ready", "mu_benefit");
        String leader = service.token("leader", null);
        byId("change-token").click();
        enterToken(leader);
        WebElement error = wait(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
        assertTrue(error.getText().contains("该令牌不是平台令牌"), error.getText());
        assertEquals("error", app().getAttribute("data-state"));
        assertNoRankingShown();
    }

    @Test
    void aWrongTokenIsInvalid() {
        open("zw_" + "x".repeat(43));
        wait(ExpectedConditions.attributeToBe(By.id("error"), "data-status", "401"));
        WebElement error = byId("error");
        assertTrue(error.isDisplayed());
        assertTrue(error.getText().contains("令牌无效"), error.getText());
        assertNoRankingShown();
        assertTrue(fitsTheWidth(), "no horizontal scrolling at " + WIDTH + " px (error)");
    }

    @Test
    void theLeaderIsFirstAndAnInactivePlatformIsNotRanked() {
        JsonArray entries = service.api.get("/api/v1/rankings/2025", TestService.ADMIN).json().getJsonArray("entries");
        String top = entries.getJsonObject(0).getString("platform");
        assertEquals(1, entries.getJsonObject(0).getInteger("rank"));
        open(service.token("platform", top));
        waitForResult("ready", "mu_benefit");
        assertEquals("1", text("rank"));
        assertTrue(text("gap-first").contains("第一"), text("gap-first"));

        // a platform closed before the latest ranking year: the page says why it is not ranked
        String closed = null;
        for (Object p : service.api.get("/api/v1/platforms", TestService.ADMIN).json().getJsonArray("platforms")) {
            JsonObject platform = (JsonObject) p;
            if (platform.getString("activeTo") != null && platform.getString("activeTo").compareTo("2025-01-01") < 0) {
                closed = platform.getString("code");
                break;
            }
        }
        assumeTrue(closed != null, "the demo data has a platform closed before 2025");
        String closedToken = service.token("platform", closed);
        JsonObject expected = myRanking(closedToken, "mu_benefit");
        byId("change-token").click();
        enterToken(closedToken);
        waitForResult("not-ranked", "mu_benefit");
        // one Chinese sentence with the date, never the server's bilingual reason or its code
        String activeTo = platformJson(closed).getString("activeTo");
        java.time.LocalDate to = java.time.LocalDate.parse(activeTo);
        String sentence = "本平台已于 " + to.getYear() + "年" + to.getMonthValue() + "月" + to.getDayOfMonth() + "日 撤并，不再参加排名。";
        assertNotNull(expected.getJsonObject("notRanked"));
        assertEquals(sentence, text("not-ranked-reason"));
        assertEquals(sentence, text("closed-notice"));
        assertFalse(byId("result").getText().contains(expected.getJsonObject("notRanked").getString("code")), "no raw reason code");
        assertTrue(driver.findElements(By.id("rank")).isEmpty(), "no rank for a platform not ranked");
        assertEquals(expected.getJsonArray("history").size(), driver.findElements(By.cssSelector("#history-table tbody tr")).size());
        assertNoConsoleErrors();
    }

    @Test
    void aSchemeWithoutRankingSaysSo() {
        // a new scheme of this test's own (a copy of mu_benefit) that has no run yet
        JsonObject mu = service.api.get("/api/v1/schemes/mu_benefit", TestService.ADMIN).json();
        JsonObject trial = new JsonObject().put("name", "试行方案").put("nameEn", "Trial scheme");
        for (String field : List.of("method", "winsorize", "minCoverage", "classes", "monteCarlo", "dimensions", "group")) {
            trial.put(field, mu.getValue(field));
        }
        Api.Response put = service.api.put("/api/v1/schemes/trial", TestService.ADMIN, trial);
        assertEquals(201, put.status(), put.toString());
        Api.Response none = service.api.get("/api/v1/me/ranking?scheme=trial", platformToken);
        assertEquals(404, none.status());

        open(platformToken);
        waitForResult("ready", "mu_benefit");
        new Select(byId("scheme-select")).selectByValue("trial");
        wait(ExpectedConditions.attributeToBe(By.id("error"), "data-status", "404"));
        assertTrue(byId("error").getText().contains(none.json().getString("messageZh")), byId("error").getText());
        assertFalse(byId("result").isDisplayed(), "no ranking of another scheme stays on screen");

        new Select(byId("scheme-select")).selectByValue("mu_benefit");
        waitForResult("ready", "mu_benefit");
        assertFalse(byId("error").isDisplayed());
        assertEquals(String.valueOf(muRanking.getInteger("rank")), text("rank"));
        assertNoConsoleErrors();
    }

    // ------------------------------------------------------------------ helpers

    private static void pickPlatform() {
        Api.Response table = service.api.get("/api/v1/rankings/2025?scheme=mu_benefit", TestService.ADMIN);
        assertEquals(200, table.status(), table.toString());
        List<JsonObject> candidates = new ArrayList<>();
        table.json().getJsonArray("entries").forEach(e -> candidates.add((JsonObject) e));
        int ranked = table.json().getInteger("ranked");
        // Prefer the middle of the table: a typical platform, neither first nor last.
        candidates.sort(Comparator.comparingInt(e -> Math.abs(e.getInteger("rank") - ranked / 2)));
        for (JsonObject e : candidates) {
            if (e.getInteger("rank") <= 1) continue;
            String code = e.getString("platform");
            JsonObject mu = service.api.get("/api/v1/platforms/" + code + "/ranking?scheme=mu_benefit", TestService.ADMIN).json();
            JsonObject zone = service.api.get("/api/v1/platforms/" + code + "/ranking?scheme=zone_development", TestService.ADMIN).json();
            if (mu.getJsonObject("gapToNext") == null || zone.getInteger("rank") == null) continue;
            if (mu.getInteger("rank").equals(zone.getInteger("rank"))) continue;
            if (zone.getInteger("rank") == 1) continue;
            platform = code;
            return;
        }
        fail("no demo platform ranked, not first, and ranked differently by the two schemes in 2025");
    }

    private static JsonObject myRanking(String token, String scheme) {
        Api.Response r = service.api.get("/api/v1/me/ranking?scheme=" + scheme, token);
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    private static Map<String, JsonObject> indicatorsByCode() {
        Map<String, JsonObject> out = new java.util.HashMap<>();
        service.api.get("/api/v1/indicators", TestService.ADMIN).json().getJsonArray("indicators")
                .forEach(i -> out.put(((JsonObject) i).getString("code"), (JsonObject) i));
        return out;
    }

    private static String platformName(String code) {
        return platformJson(code).getString("name");
    }

    private static JsonObject platformJson(String code) {
        return service.api.get("/api/v1/platforms/" + code, TestService.ADMIN).json();
    }

    /** The page afresh with nothing stored: the token form. */
    private static void openWithoutToken() {
        // Storage is cleared on another page of the origin: the platform page, while it loads, would store
        // the token it found again.
        driver.get(pageUrl.replace("/platform", "/static/favicon.svg"));
        driver.executeScript("sessionStorage.clear(); localStorage.clear();");
        driver.get(pageUrl);
    }

    /** The page afresh with nothing stored, the token pasted. */
    private static void open(String token) {
        openWithoutToken();
        enterToken(token);
    }

    private static void enterToken(String token) {
        WebElement input = wait(ExpectedConditions.visibilityOfElementLocated(By.id("token-input")));
        input.clear();
        input.sendKeys(token);
        byId("token-submit").click();
    }

    private static void waitForResult(String state, String scheme) {
        wait(d -> state.equals(app().getAttribute("data-state"))
                && scheme.equals(byId("result").getAttribute("data-scheme"))
                && byId("result").isDisplayed());
    }

    private static void assertNoRankingShown() {
        assertFalse(byId("result").isDisplayed(), "no ranking stays on screen");
        assertTrue(driver.findElements(By.cssSelector("#result *")).isEmpty(), "the previous token's ranking is gone");
        assertFalse(byId("platform-head").isDisplayed(), "the previous token's platform is gone");
        assertEquals("", byId("platform-name").getAttribute("textContent"));
    }

    private static boolean fitsTheWidth() {
        return browser.fitsTheWidth();
    }

    private static void screenshot(Path to) {
        browser.screenshot(to);
    }

    private static void assertNoConsoleErrors() {
        browser.assertNoConsoleErrors();
    }

    private static WebElement app() {
        return byId("app");
    }

    private static WebElement byId(String id) {
        return driver.findElement(By.id(id));
    }

    private static String text(String id) {
        return byId(id).getText().trim();
    }

    private static <T> T wait(java.util.function.Function<? super WebDriver, T> condition) {
        return browser.until(condition);
    }

    /** As the page shows a number with {@code digits} decimals: rounded half away from zero, grouped by thousands. */
    static String fixed(double v, int digits) {
        BigDecimal rounded = new BigDecimal(v).setScale(digits, RoundingMode.HALF_UP);
        String pattern = digits == 0 ? "#,##0" : "#,##0." + "0".repeat(digits);
        return new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.ROOT)).format(rounded);
    }

    /** As the page shows an indicator value: fewer decimals for larger values. */
    static String displayed(double v) {
        double a = Math.abs(v);
        int digits = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 1 ? 2 : a >= 0.01 ? 3 : 4;
        return fixed(v, digits);
    }
}
