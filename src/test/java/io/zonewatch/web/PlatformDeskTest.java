package io.zonewatch.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonewatch.config.Config;
import io.zonewatch.demo.DemoDataGenerator;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.Browser;
import io.zonewatch.testing.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.zonewatch.web.PlatformPageTest.displayed;
import static io.zonewatch.web.PlatformPageTest.fixed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The platforms' page beyond the year-end ranking (issue 13): what the data-quality gate did to the
 * platform's own values (held, imputed, capped, outlier; an override's reason), the provisional
 * quarterly standing (临时排名) of an incomplete quarter, the warnings with their acknowledgement and
 * comment, 序时进度 against the annual targets, the own values of the last eight quarters, the
 * history's axis and the A4 print. Each test opens the page afresh with its own token: no test
 * depends on another's run.
 *
 * <p>Planted on the demo, as {@code DashboardsTest} does: {@link #HELD}'s 2025Q4 tax revenue sent
 * again 10,000x too large (a critical suspect_unit warning), mu_benefit 2025 recomputed and published
 * with {@link #OVERRIDE_REASON}; provisional mu_benefit runs of 2025Q2 and of 2025Q3 (forced: the
 * demo's missing 2025Q3 submission puts the quarter below a 99 % completeness threshold).
 */
class PlatformDeskTest {
    private static final int WIDTH = 390;
    private static final int HEIGHT = 844;
    static final String HELD = DemoDataGenerator.RD_OUTLIER_PLATFORM;
    static final String ACK_PLATFORM = DemoDataGenerator.MISSING_SUBMISSION_PLATFORM;
    static final String OVERRIDE_REASON = "税收单位误报已电话核实，更正件在途；按插补值发布";
    private static final Path SHOTS = Path.of("target/browser");

    private static TestService service;
    private static Browser browser;
    private static String pageUrl;
    private static String heldToken;
    private static long plantedAlert;
    private static Map<String, JsonObject> indicators;

    @BeforeAll
    static void start() throws IOException {
        if (!Browser.requireOrSkip()) return;
        service = TestService.start(Map.of(Config.DEMO, "true", Config.RANKING_COMPLETENESS, "99"));
        pageUrl = "http://127.0.0.1:" + service.zoneWatch.port() + "/platform";
        String bureau = service.token("bureau", null);
        String tax = service.text("SELECT value FROM observation_current WHERE platform_code = '" + HELD
                + "' AND indicator_code = 'tax_revenue' AND period = '2025-10-01'");
        Api.Response fed = service.api.feed(bureau, "platform_code,indicator_code,period,value\n" + HELD
                + ",tax_revenue,2025Q4," + new BigDecimal(tax).multiply(BigDecimal.valueOf(10_000)).toPlainString() + "\n", null);
        assertEquals(201, fed.status(), fed.toString());
        service.evaluateAlerts();
        plantedAlert = service.scalar("SELECT id FROM alert WHERE rule = 'suspect_unit' AND platform_code = '" + HELD
                + "' AND indicator_code = 'tax_revenue' AND period = '2025-10-01' AND state = 'open'");

        Api.Response run = service.api.post("/api/v1/rankings/2025/runs?scheme=mu_benefit", bureau, null, new byte[0]);
        assertEquals(201, run.status(), run.toString());
        Api.Response published = service.api.postJson("/api/v1/rankings/2025/runs/" + run.json().getLong("runId") + "/publish",
                TestService.ADMIN, new JsonObject().put("override", true).put("reason", OVERRIDE_REASON));
        assertEquals(200, published.status(), published.toString());
        Api.Response q2 = service.api.post("/api/v1/rankings/2025/runs?scheme=mu_benefit&quarter=2", bureau, null, new byte[0]);
        assertEquals(201, q2.status(), q2.toString());
        Api.Response refused = service.api.post("/api/v1/rankings/2025/runs?scheme=mu_benefit&quarter=3", bureau, null, new byte[0]);
        assertEquals(422, refused.status(), "2025Q3 lacks a submission: " + refused);
        Api.Response q3 = service.api.post("/api/v1/rankings/2025/runs?scheme=mu_benefit&quarter=3&force=true", bureau, null, new byte[0]);
        assertEquals(201, q3.status(), q3.toString());

        heldToken = service.token("platform", HELD);
        indicators = new java.util.HashMap<>();
        service.api.get("/api/v1/indicators", TestService.ADMIN).json().getJsonArray("indicators")
                .forEach(i -> indicators.put(((JsonObject) i).getString("code"), (JsonObject) i));
        browser = Browser.start(WIDTH, HEIGHT, "chromedriver-desk");
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
        assumeTrue(Browser.available() && browser != null, Browser.MISSING);
    }

    // ------------------------------------------------------------------ the tests

    @Test
    void heldCappedAndOutlierValuesAndTheOverrideAreSaid() {
        JsonObject r = api("/api/v1/me/ranking?scheme=mu_benefit", heldToken);
        open(heldToken);
        waitForRanking();

        // preconditions from the API: the planted unit error is held (and imputed), R&D capped and an outlier
        JsonObject tax = item(r, "tax_per_mu");
        assertTrue(tax.getBoolean("held") && tax.getBoolean("imputed"), tax.encode());
        assertEquals(plantedAlert, tax.getLong("heldBy"));
        JsonObject rd = item(r, "rd_intensity");
        assertTrue(rd.getBoolean("capped") && rd.getBoolean("outlier"), rd.encode());

        // every bar carries exactly the flags the API gives, in words
        for (Object o : r.getJsonArray("breakdown")) {
            JsonObject b = (JsonObject) o;
            WebElement bar = browser.one("#breakdown li[data-indicator='" + b.getString("indicator") + "']");
            Set<String> shown = bar.findElements(By.cssSelector(".bar-name .marker")).stream()
                    .map(m -> m.getAttribute("data-flag")).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(flags(b), shown, b.getString("indicator"));
        }
        WebElement taxBar = browser.one("#breakdown li[data-indicator='tax_per_mu']");
        assertTrue(taxBar.getText().contains("暂不采用") && taxBar.getText().contains("预警 #" + plantedAlert), taxBar.getText());
        assertTrue(taxBar.getText().contains("补齐值"), "an imputed value is not called the platform's value: " + taxBar.getText());
        WebElement rdBar = browser.one("#breakdown li[data-indicator='rd_intensity']");
        assertTrue(rdBar.getText().contains("封顶：超过基准值的 2 倍按上限计分"), rdBar.getText());
        assertTrue(rdBar.getText().contains("横向偏离") && rdBar.getText().contains("预警 #" + rd.getLong("outlierAlert")), rdBar.getText());
        assertTrue(browser.all("[data-testid=no-flags]").isEmpty(), "no claim that nothing was treated");
        assertFalse(browser.byId("breakdown").getText().contains("无插补"), browser.byId("breakdown").getText());

        // the override's reason and the held value, above the breakdown
        assertTrue(browser.text("summary-override").contains("越过数据质量检查") && browser.text("summary-override").contains(OVERRIDE_REASON),
                browser.text("summary-override"));
        List<WebElement> held = browser.all("#summary-held [data-testid=held-value]");
        assertEquals(r.getJsonArray("heldValues").size(), held.size());
        WebElement heldTax = browser.one("#summary-held li[data-alert-id='" + plantedAlert + "']");
        assertEquals("tax_revenue", heldTax.getAttribute("data-indicator"), "the stored value held, through it the ratio");
        String said = heldTax.getText();
        assertTrue(said.contains(name("tax_revenue") + "（2025年第4季度）") && said.contains("疑似单位错误预警 #" + plantedAlert)
                && said.contains("影响 ") && said.contains(name("tax_per_mu")), said);
        assertTrue(browser.fitsTheWidth(), "no horizontal scrolling at " + WIDTH + " px");
        browser.screenshot(SHOTS.resolve("platform-desk-flags.png"));
        browser.assertNoConsoleErrors();
    }

    @Test
    void theQuarterlyStandingIsProvisionalAndSaysTheQuarterIsIncomplete() {
        JsonObject q = api("/api/v1/me/ranking?scheme=mu_benefit&quarter=latest", heldToken);
        assertEquals(3, q.getInteger("quarter"));
        assertTrue(q.getBoolean("incomplete"), q.encode());
        open(heldToken);
        WebElement section = browser.until(ExpectedConditions.attributeToBe(By.id("quarterly"), "data-period", "2025Q3"))
                ? browser.byId("quarterly") : null;
        assertNotNull(section);
        assertTrue(browser.text("quarterly-title").contains("2025年第3季度"), browser.text("quarterly-title"));
        assertTrue(browser.one("[data-testid=quarterly-label]").getText().contains("临时排名"));
        assertTrue(browser.one("[data-testid=quarterly-label]").getText().contains("非正式"));
        WebElement banner = browser.one("#quarterly [data-testid=incomplete-banner]");
        assertTrue(banner.getText().contains("报送率 " + fixed(q.getDouble("reportingShare") * 100, 1) + "%"), banner.getText());
        if (q.getInteger("rank") != null) {
            assertEquals("ready", section.getAttribute("data-state"));
            assertEquals(String.valueOf(q.getInteger("rank")), browser.text("quarterly-rank"));
            assertTrue(section.getText().contains("/ 共 " + q.getInteger("ranked") + " 个"), section.getText());
            JsonObject previous = q.getJsonObject("previousPeriod");
            assertNotNull(previous, "the 2025Q2 run is the previous period");
            assertEquals(2, previous.getInteger("quarter"));
            Integer change = q.getInteger("changeFromPreviousPeriod");
            String move = change == null ? "无法比较" : change > 0 ? "上升 " + change + " 位" : change < 0 ? "下降 " + -change + " 位" : "名次持平";
            String text = browser.one("[data-testid=quarterly-previous]").getText();
            assertTrue(text.contains("2025年第2季度") && text.contains(move), text);
        } else {
            assertEquals("not-ranked", section.getAttribute("data-state"));
        }
        browser.screenshot(SHOTS.resolve("platform-desk-quarterly.png"));
        browser.assertNoConsoleErrors();
    }

    @Test
    void aWarningIsAcknowledgedWithAComment() {
        String token = service.token("platform", ACK_PLATFORM);
        JsonArray open = api("/api/v1/me/alerts?state=open&limit=200", token).getJsonArray("alerts");
        long important = open.stream().map(JsonObject.class::cast).filter(a -> !"info".equals(a.getString("severity"))).count();
        assertTrue(important > 0, "the demo gives " + ACK_PLATFORM + " an open warning");
        open(token);
        browser.until(ExpectedConditions.attributeToBe(By.id("alerts"), "data-state", "ready"));
        assertEquals("待处理 " + open.size() + " 条", browser.one("[data-testid=alerts-open-count]").getText());
        List<WebElement> listed = browser.all("#alerts [data-testid=alerts-open] > li");
        assertEquals(Math.min(important, 8), listed.size(), "the first eight warnings, the rest behind a summary");
        WebElement item = listed.get(0);
        long id = Long.parseLong(item.getAttribute("data-alert-id"));
        JsonObject target = open.stream().map(JsonObject.class::cast).filter(a -> a.getLong("id") == id).findFirst().orElseThrow();
        assertEquals("open", item.getAttribute("data-state"));
        assertTrue(item.getText().contains(target.getJsonObject("message").getString("zh")), item.getText());

        String comment = "已电话核实：第三季度报表在补报中";
        item.findElement(By.cssSelector("[data-testid=ack-comment]")).sendKeys(comment);
        item.findElement(By.cssSelector("[data-testid=ack-button]")).click();
        WebElement done = browser.until(d -> {
            List<WebElement> els = d.findElements(By.cssSelector("#alerts li[data-alert-id='" + id + "'][data-state=acknowledged]"));
            return els.isEmpty() ? null : els.get(0);
        });
        assertTrue(done.getText().contains(comment), done.getText());
        assertEquals("待处理 " + (open.size() - 1) + " 条", browser.one("[data-testid=alerts-open-count]").getText());

        JsonObject stored = api("/api/v1/me/alerts?state=acknowledged&limit=200", token).getJsonArray("alerts").stream()
                .map(JsonObject.class::cast).filter(a -> a.getLong("id") == id).findFirst().orElseThrow();
        assertEquals(comment, stored.getString("acknowledgedComment"));
        assertEquals("acknowledged", stored.getString("state"));
        browser.screenshot(SHOTS.resolve("platform-desk-alerts.png"));
        browser.assertNoConsoleErrors();
    }

    @Test
    void progressAgainstTheTargetsAndTheOwnValuesOfEightQuarters() {
        JsonObject progress = api("/api/v1/platforms/" + HELD + "/progress", heldToken);
        JsonArray inds = progress.getJsonArray("indicators");
        assertFalse(inds.isEmpty(), "the demo sets annual targets");
        open(heldToken);
        browser.until(ExpectedConditions.attributeToBe(By.id("progress"), "data-state", "ready"));
        assertEquals(String.valueOf(progress.getInteger("year")), browser.byId("progress").getAttribute("data-year"));
        assertEquals(inds.size(), browser.all("#progress-table tbody tr").size());
        int cells = 0;
        for (Object o : inds) {
            JsonObject ind = (JsonObject) o;
            for (Object qo : ind.getJsonArray("quarters")) {
                JsonObject q = (JsonObject) qo;
                if (q.getDouble("progressPct") == null) continue;
                WebElement cell = browser.one("#progress-table tr[data-indicator='" + ind.getString("indicator")
                        + "'] td[data-quarter='" + q.getInteger("quarter") + "']");
                assertEquals(fixed(q.getDouble("lag"), 1), cell.getAttribute("data-lag"));
                assertEquals(q.getString("severity") == null ? "none" : q.getString("severity"), cell.getAttribute("data-severity"));
                assertTrue(cell.getText().startsWith(fixed(q.getDouble("progressPct"), 1) + "%"), cell.getText());
                cells++;
            }
        }
        assertTrue(cells >= 4, "the demo's year has quarters against its targets");

        // own values: the latest eight quarters with data, the values as the API gives them
        browser.until(ExpectedConditions.attributeToBe(By.id("values"), "data-state", "ready"));
        List<String> periods = List.of(browser.byId("values").getAttribute("data-periods").split(","));
        assertEquals(8, periods.size(), periods.toString());
        LocalDate today = LocalDate.now();
        int quarterIndex = today.getYear() * 4 + (today.getMonthValue() - 1) / 3 - 11;
        String from = (quarterIndex / 4) + "Q" + (quarterIndex % 4 + 1);
        JsonArray obs = api("/api/v1/platforms/" + HELD + "/observations?indicator=tax_revenue&indicator=tax_per_mu&from=" + from
                + "&to=" + today.getYear() + "Q4", heldToken).getJsonArray("observations");
        TreeSet<String> all = obs.stream().map(o -> ((JsonObject) o).getString("period")).collect(Collectors.toCollection(TreeSet::new));
        List<String> latest = new ArrayList<>(all).subList(Math.max(0, all.size() - 8), all.size());
        assertEquals(latest, periods);
        for (Object o : obs) {
            JsonObject v = (JsonObject) o;
            if (!periods.contains(v.getString("period"))) continue;
            WebElement cell = browser.one("#values-table tr[data-indicator='" + v.getString("indicator") + "'] td[data-period='"
                    + v.getString("period") + "']");
            assertEquals(displayed(v.getDouble("value")), cell.getText(), v.encode());
        }
        assertTrue(browser.one("#values-table tr[data-indicator='tax_revenue'] th").getText().contains("年内累计"));
        browser.screenshot(SHOTS.resolve("platform-desk-progress.png"));
        browser.assertNoConsoleErrors();
    }

    @Test
    void theHistoryAxisRunsFromFirstToTheNumberRanked() {
        JsonObject r = api("/api/v1/me/ranking?scheme=mu_benefit", heldToken);
        int most = r.getJsonArray("history").stream().map(JsonObject.class::cast)
                .mapToInt(h -> h.getInteger("ranked") == null ? 0 : h.getInteger("ranked")).max().orElseThrow();
        open(heldToken);
        waitForRanking();
        WebElement svg = browser.one("#history-chart svg");
        assertEquals("1", svg.getAttribute("data-rank-min"));
        assertEquals(String.valueOf(most), svg.getAttribute("data-rank-max"));
        for (Object o : r.getJsonArray("history")) {
            JsonObject h = (JsonObject) o;
            WebElement row = browser.one("#history-table tr[data-year='" + h.getInteger("year") + "']");
            assertEquals(h.getInteger("ranked") == null ? "—" : String.valueOf(h.getInteger("ranked")),
                    row.findElement(By.className("h-ranked")).getText());
        }
    }

    @Test
    void theRankingSheetPrintsOnA4WithoutTheControls() {
        open(heldToken);
        waitForRanking();
        browser.until(ExpectedConditions.attributeToBe(By.id("quarterly"), "data-period", "2025Q3"));
        browser.media("print");
        try {
            for (String hidden : List.of("token-panel", "session-bar", "alerts")) {
                assertEquals("none", css(hidden, "display"), hidden + " is not printed");
            }
            assertEquals("none", browser.driver.executeScript("return getComputedStyle(document.querySelector('.topbar')).display"));
            assertFalse("none".equals(css("quarterly", "display")), "the quarterly standing is printed");
            assertFalse("none".equals(css("breakdown", "display")), "the breakdown is printed");
            browser.screenshot(SHOTS.resolve("platform-desk-print.png"));
        } finally {
            browser.media(null);
        }
        byte[] pdf = browser.printToPdf(SHOTS.resolve("platform-desk.pdf"));
        String raw = new String(pdf, StandardCharsets.ISO_8859_1);
        Matcher box = Pattern.compile("/MediaBox\\s*\\[\\s*0 0 ([0-9.]+) ([0-9.]+)\\s*]").matcher(raw);
        assertTrue(box.find(), "the PDF has a page box");
        // A4 is 210 x 297 mm = 595.3 x 841.9 pt; Chromium rounds to whole CSS pixels (794 x 1123 px).
        assertEquals(595.3, Double.parseDouble(box.group(1)), 1.0, "A4 width");
        assertEquals(841.9, Double.parseDouble(box.group(2)), 1.5, "A4 height");
        int pages = 0;
        Matcher page = Pattern.compile("/Type\\s*/Page[^s]").matcher(raw);
        while (page.find()) pages++;
        assertTrue(pages >= 1 && pages <= 6, "a ranking sheet of a few pages, not " + pages);
    }

    /**
     * The page names each stock system's Chinese font, and on a machine with a Chinese font (here Noto
     * Sans CJK, Debian's fonts-noto-cjk, which CI installs) its Chinese text is drawn as glyphs, not
     * boxes: the same text drawn on a canvas in the page's font differs from characters no font has
     * (private-use code points, drawn as the .notdef box).
     */
    @Test
    void chineseTextIsDrawnWithTheSystemsChineseFont() {
        open(heldToken);
        waitForRanking();
        String family = (String) browser.driver.executeScript("return getComputedStyle(document.body).fontFamily");
        for (String stock : List.of("PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC")) {
            assertTrue(family.contains(stock), stock + " in " + family);
        }
        assertTrue(family.trim().endsWith("sans-serif"), family);
        assertFalse(family.contains("system-ui"), "system-ui would draw Chinese in a Japanese or Korean locale's forms");
        Path noto = Path.of("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc");
        if (!java.nio.file.Files.exists(noto)) {
            if ("true".equalsIgnoreCase(System.getenv("ZONEWATCH_REQUIRE_TOOLS"))) {
                org.junit.jupiter.api.Assertions.fail("the rendering check needs a Chinese font: install the Debian package fonts-noto-cjk");
            }
            assumeTrue(false, "no Chinese font on this machine (Debian package fonts-noto-cjk): glyphs not checked");
        }
        Object glyphs = browser.driver.executeScript("""
                const font = '32px ' + getComputedStyle(document.body).fontFamily;
                const draw = (text) => {
                  const c = document.createElement('canvas');
                  c.width = 200; c.height = 48;
                  const g = c.getContext('2d');
                  g.fillStyle = '#fff'; g.fillRect(0, 0, 200, 48);
                  g.font = font; g.fillStyle = '#000'; g.textBaseline = 'top';
                  g.fillText(text, 4, 6);
                  return c.toDataURL();
                };
                return draw('综合排名') !== draw('\uE000\uE001\uE002\uE003') && draw('综合排名') !== draw('预警提示');
                """);
        assertEquals(Boolean.TRUE, glyphs, "Chinese drawn as glyphs, distinct text distinct");
        browser.driver.executeScript("window.scrollTo(0, 0)");
        browser.screenshot(SHOTS.resolve("platform-desk-fonts.png"));
    }

    // ------------------------------------------------------------------ helpers

    private static JsonObject api(String path, String token) {
        Api.Response r = service.api.get(path, token);
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    private static JsonObject item(JsonObject ranking, String indicator) {
        return ranking.getJsonArray("breakdown").stream().map(JsonObject.class::cast)
                .filter(b -> b.getString("indicator").equals(indicator)).findFirst().orElseThrow();
    }

    private static String name(String indicator) {
        return indicators.get(indicator).getString("name");
    }

    private static Set<String> flags(JsonObject b) {
        Set<String> out = new TreeSet<>();
        for (String f : List.of("held", "imputed", "capped", "treated", "outlier")) if (Boolean.TRUE.equals(b.getBoolean(f))) out.add(f);
        return out;
    }

    /** The page afresh with nothing stored, the token pasted. */
    private static void open(String token) {
        // Storage is cleared on another page of the origin: the platform page, while it loads, would store
        // the token it found again.
        browser.driver.get(pageUrl.replace("/platform", "/static/favicon.svg"));
        browser.driver.executeScript("sessionStorage.clear(); localStorage.clear();");
        browser.driver.get(pageUrl);
        WebElement input = browser.until(ExpectedConditions.visibilityOfElementLocated(By.id("token-input")));
        input.clear();
        input.sendKeys(token);
        browser.byId("token-submit").click();
    }

    private static void waitForRanking() {
        browser.until(d -> "ready".equals(browser.byId("app").getAttribute("data-state")) && browser.byId("result").isDisplayed());
    }

    private static String css(String id, String property) {
        return (String) browser.driver.executeScript("return getComputedStyle(document.getElementById(arguments[0]))[arguments[1]]", id, property);
    }
}
