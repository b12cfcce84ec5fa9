package io.zonewatch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The layering rules the code keeps, checked on its sources: {@code http} (routing infrastructure and
 * the error mapping) depends on no feature; services, repositories and Sql classes import nothing of
 * {@code http} (they throw {@code errors.Problem}s); services and repositories are constructed only by the
 * composition root ({@link Wiring}); advisory locks and event addresses are not written as literals
 * outside their one definition; SQL text is only in Sql classes.
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/io/zonewatch");
    private static final Set<String> FEATURES = Set.of("alerts", "audit", "auth", "catalog", "demo", "events", "ingest",
            "observations", "ops", "ranking", "reporting", "targets");

    private static List<Path> sources(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void httpDependsOnNoFeature() {
        List<String> found = new ArrayList<>();
        Pattern imp = Pattern.compile("import (?:static )?io\\.zonewatch\\.([a-z]+)\\.");
        for (Path p : sources(MAIN.resolve("http"))) {
            Matcher m = imp.matcher(read(p));
            while (m.find()) if (FEATURES.contains(m.group(1))) found.add(p.getFileName() + " imports " + m.group(1));
        }
        assertEquals(List.of(), found);
    }

    @Test
    void servicesAndRepositoriesSpeakNoHttp() {
        List<String> found = new ArrayList<>();
        Pattern layer = Pattern.compile("(Service|Repository|Sql|Views)\\.java$");
        for (Path p : sources(MAIN)) {
            if (!layer.matcher(p.getFileName().toString()).find()) continue;
            if (read(p).contains("import io.zonewatch.http.")) found.add(p.getFileName() + " imports io.zonewatch.http");
        }
        assertEquals(List.of(), found);
    }

    @Test
    void onlyTheCompositionRootConstructsServicesAndRepositories() {
        List<String> found = new ArrayList<>();
        Pattern ctor = Pattern.compile("new ([A-Z][A-Za-z]*(?:Service|Repository))\\(");
        for (Path p : sources(MAIN)) {
            if (p.getFileName().toString().equals("Wiring.java")) continue;
            Matcher m = ctor.matcher(read(p));
            while (m.find()) {
                // The token service is process-wide (one cache for every event loop): built with the shared part.
                if (m.group(1).equals("TokenService") && p.getFileName().toString().equals("ZoneWatch.java")) continue;
                found.add(p.getFileName() + " constructs " + m.group(1));
            }
        }
        assertEquals(List.of(), found);
    }

    /** SQL text lives in the features' Sql classes (and AdvisoryLock, which writes the lock statements), never elsewhere. */
    @Test
    void noSqlOutsideTheSqlClasses() {
        List<String> found = new ArrayList<>();
        Pattern sql = Pattern.compile("\"(?:\"\"\\s*)?\\s*(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|ALTER|DROP|GRANT|REVOKE|TRUNCATE|ANALYZE)\\s");
        for (Path p : sources(MAIN)) {
            String name = p.getFileName().toString();
            if (name.endsWith("Sql.java") || name.equals("AdvisoryLock.java")) continue;
            Matcher m = sql.matcher(read(p));
            if (m.find()) found.add(name + ": " + m.group(1));
        }
        assertEquals(List.of(), found);
    }

    @Test
    void advisoryLocksAndEventAddressesAreDefinedOnce() {
        List<String> found = new ArrayList<>();
        Pattern lock = Pattern.compile("pg_(?:try_)?advisory_xact_lock\\(\\d");
        Pattern event = Pattern.compile("publish\\(\"|consumer\\(\"");
        for (Path p : sources(MAIN)) {
            String name = p.getFileName().toString();
            String text = read(p);
            if (!name.equals("AdvisoryLock.java") && lock.matcher(text).find()) found.add(name + " writes an advisory lock id");
            if (!name.equals("Events.java") && event.matcher(text).find()) found.add(name + " names an event-bus address inline");
        }
        assertEquals(List.of(), found);
    }
}
