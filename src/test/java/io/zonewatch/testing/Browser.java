package io.zonewatch.testing;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Headless Chromium driven through chromedriver, at a phone's viewport, for the pages' browser tests.
 * Needs the Debian packages chromium and chromium-driver: {@link #available()} says whether they are
 * there, {@link #requireOrSkip()} fails instead when ZONEWATCH_REQUIRE_BROWSER=true (CI).
 */
public final class Browser implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    public static final Duration WAIT = Duration.ofSeconds(20);
    public static final String MISSING = "the browser tests need headless Chromium: install the Debian packages "
            + "'chromium' and 'chromium-driver' (" + CHROMIUM + ", " + CHROMEDRIVER + ")";

    /** Kept referenced so their levels stick: Selenium warns that it has no CDP binding for this Chromium (none is used). */
    private static final java.util.logging.Logger[] QUIET = {
            java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder"),
            java.util.logging.Logger.getLogger("org.openqa.selenium.chromium.ChromiumDriver")};

    public final ChromeDriver driver;
    public final int width;
    public final int height;
    private final ChromeDriverService driverService;
    private final Path userDataDir;

    public static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /** True when the browser is there; false (the tests skip) when not, unless CI requires it (then fails). */
    public static boolean requireOrSkip() {
        if (available()) return true;
        if ("true".equalsIgnoreCase(System.getenv("ZONEWATCH_REQUIRE_BROWSER"))) fail(MISSING);
        return false;
    }

    public static Browser start(int width, int height, String logName) throws IOException {
        return new Browser(width, height, logName);
    }

    private Browser(int width, int height, String logName) throws IOException {
        this.width = width;
        this.height = height;
        // Never let Selenium Manager look for (or download) a driver: the executable is given.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        userDataDir = Files.createTempDirectory("zonewatch-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=" + width + "," + height, "--user-data-dir=" + userDataDir);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        Files.createDirectories(Path.of("target"));
        driverService = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(new File("target/" + logName + ".log"))
                .build();
        for (java.util.logging.Logger logger : QUIET) logger.setLevel(Level.SEVERE);
        ChromeDriver started = null;
        try {
            started = new ChromeDriver(driverService, options);
            started.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
        } catch (RuntimeException e) {
            if (driverService.isRunning()) driverService.stop();
            deleteTree(userDataDir);
            throw e;
        }
        driver = started;
        // Headless Chromium keeps windows at least 500 px wide whatever --window-size says: emulate the
        // phone's viewport itself (chromedriver's own CDP endpoint, independent of Selenium's CDP bindings).
        viewport(width, height);
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try {
                if (driverService.isRunning()) driverService.stop();
            } finally {
                deleteTree(userDataDir);
            }
        }
    }

    public void viewport(int w, int h) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", w, "height", h, "deviceScaleFactor", 1, "mobile", false));
    }

    /** Emulates the print media type (null: back to the screen). */
    public void media(String media) {
        driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", media == null ? "" : media));
    }

    /** The whole page, not just the viewport: the viewport grows to the page's height for the shot. */
    public void screenshot(Path to) {
        long h = ((Number) driver.executeScript("return document.documentElement.scrollHeight")).longValue();
        try {
            Files.createDirectories(to.toAbsolutePath().getParent());
            viewport(width, (int) Math.min(Math.max(h, height), 10_000));
            Files.write(to, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            viewport(width, height);
        }
    }

    /** The page printed as Chromium prints it (the page's own @page size), written to {@code to}; its bytes. */
    public byte[] printToPdf(Path to) {
        Map<String, Object> answer = driver.executeCdpCommand("Page.printToPDF",
                Map.of("preferCSSPageSize", true, "printBackground", true));
        byte[] pdf = Base64.getDecoder().decode((String) answer.get("data"));
        try {
            Files.createDirectories(to.toAbsolutePath().getParent());
            Files.write(to, pdf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pdf;
    }

    public boolean fitsTheWidth() {
        return Boolean.TRUE.equals(driver.executeScript("return document.documentElement.scrollWidth <= window.innerWidth"));
    }

    /** Console errors (CSP violations, script errors, failed requests other than the expected 401/403/404s). */
    public void assertNoConsoleErrors() {
        List<String> errors = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() < Level.SEVERE.intValue()) continue;
            String m = entry.getMessage();
            if (m.contains("status of 401") || m.contains("status of 403") || m.contains("status of 404")) continue;
            errors.add(m);
        }
        assertTrue(errors.isEmpty(), "browser console errors: " + errors);
    }

    public WebElement byId(String id) {
        return driver.findElement(By.id(id));
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    public WebElement one(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public String text(String id) {
        return byId(id).getText().trim();
    }

    public <T> T until(Function<? super WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT).until(condition);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
