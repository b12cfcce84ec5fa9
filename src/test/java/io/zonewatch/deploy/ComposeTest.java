package io.zonewatch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.zonewatch.config.Config;
import io.zonewatch.db.DbTarget;
import io.zonewatch.testing.TestDatabase;
import io.zonewatch.testing.TestService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Keeps the docker-compose stack in agreement with itself and with the service: docker-compose.yml,
 * .env.example, the Dockerfile, deploy/, prometheus/ and (when present) Grafana's provisioning files
 * under dashboards/provisioning/, against the variables Config reads, the port the service listens
 * on and the roles the migrations grant. No Docker engine is needed: the files are parsed, promtool
 * checks the Prometheus files, psql runs the database init script against the test server.
 *
 * <p>What the dashboards engineer's files or an absent tool would leave unchecked is skipped with a
 * message, and fails instead when ZONEWATCH_REQUIRE_TOOLS=true (CI).
 */
class ComposeTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final boolean REQUIRE = "true".equals(System.getenv("ZONEWATCH_REQUIRE_TOOLS"));
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    /** ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}; $${ is a literal. */
    private static final Pattern COMPOSE_VAR =
            Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");
    private static final Set<String> ONE_SHOT_CONDITIONS = Set.of("service_completed_successfully");

    private static String composeText;
    private static JsonNode compose;
    private static JsonNode services;
    private static Map<String, String> envExample;

    @BeforeAll
    static void load() throws IOException {
        composeText = Files.readString(Path.of("docker-compose.yml"));
        compose = YAML.readTree(composeText);
        services = compose.path("services");
        envExample = readEnvFile(Path.of(".env.example"));
    }

    // ---- compose: services, images, health ------------------------------------------------------

    @Test
    void composeHasTheFourServicesWithTheAgreedImages() {
        for (String name : List.of("timescaledb", "zonewatch", "prometheus", "grafana")) {
            assertTrue(services.has(name), "docker-compose.yml has no service " + name);
        }
        Matcher ts = Pattern.compile("timescale/timescaledb:(\\d+)\\.(\\d+)\\.(\\d+)-pg17")
                .matcher(services.path("timescaledb").path("image").asText());
        assertTrue(ts.matches(), "timescaledb: a pinned x.y.z-pg17 tag of timescale/timescaledb");
        int major = Integer.parseInt(ts.group(1));
        int minor = Integer.parseInt(ts.group(2));
        assertTrue(major > 2 || major == 2 && minor >= 17, "TimescaleDB >= 2.17");
        assertTrue(services.path("prometheus").path("image").asText().matches("prom/prometheus:v[23]\\.\\d+\\.\\d+"),
                "prometheus: prom/prometheus pinned to a v2.x.y or v3.x.y tag");
        assertTrue(services.path("grafana").path("image").asText().matches("grafana/grafana:1[12]\\.\\d+\\.\\d+"),
                "grafana: grafana/grafana pinned to an 11.x.y or 12.x.y tag");
        JsonNode build = services.path("zonewatch").path("build");
        String context = build.isTextual() ? build.asText() : build.path("context").asText();
        assertEquals(".", context, "zonewatch is built from this repository");
        String dockerfile = build.path("dockerfile").asText("Dockerfile");
        assertTrue(Files.isRegularFile(Path.of(dockerfile)), dockerfile);
    }

    @Test
    void everyImageIsPinned() throws IOException {
        for (Map.Entry<String, JsonNode> s : fields(services)) {
            String image = s.getValue().path("image").asText("");
            if (image.isEmpty()) {
                assertTrue(s.getValue().has("build"), s.getKey() + ": neither image nor build");
                continue;
            }
            assertPinned(s.getKey(), image, s.getValue().has("build"));
        }
        for (String line : Files.readAllLines(Path.of("Dockerfile"))) {
            Matcher from = Pattern.compile("^FROM\\s+(\\S+)", Pattern.CASE_INSENSITIVE).matcher(line.trim());
            if (from.find()) assertPinned("Dockerfile", from.group(1), false);
        }
    }

    private static void assertPinned(String where, String image, boolean built) {
        String withoutDigest = image.replaceFirst("@sha256:[0-9a-f]{64}$", "");
        int slash = withoutDigest.lastIndexOf('/');
        int colon = withoutDigest.lastIndexOf(':');
        assertTrue(colon > slash, where + ": image " + image + " has no tag");
        String tag = withoutDigest.substring(colon + 1);
        assertFalse(tag.equalsIgnoreCase("latest") || tag.startsWith("latest-"), where + ": " + image + " is not pinned");
        // An image pulled from a registry names a version; the locally built one may be called anything.
        if (!built) assertTrue(tag.matches(".*\\d+\\.\\d+.*"), where + ": " + image + " does not name a version");
    }

    @Test
    void everyLongRunningServiceHasAHealthcheckAndOneShotStepsAreMarked() {
        for (Map.Entry<String, JsonNode> s : fields(services)) {
            if (oneShot(s.getValue())) continue;
            JsonNode test = s.getValue().path("healthcheck").path("test");
            assertFalse(test.isMissingNode() || test.isNull(), s.getKey() + " has no healthcheck");
            assertFalse(s.getValue().path("healthcheck").path("disable").asBoolean(false), s.getKey() + ": healthcheck disabled");
            String joined = healthcheck(s.getValue());
            assertFalse(joined.equals("NONE"), s.getKey() + ": healthcheck NONE");
        }
        assertTrue(healthcheck(services.path("timescaledb")).contains("pg_isready"), "timescaledb: pg_isready");
        assertTrue(healthcheck(services.path("zonewatch")).contains("/ready"), "zonewatch: /ready");
        assertTrue(healthcheck(services.path("prometheus")).contains("/-/ready"), "prometheus: /-/ready");
        assertTrue(healthcheck(services.path("grafana")).contains("/api/health"), "grafana: /api/health");
    }

    /** A one-shot step (restart "no") runs to completion; others wait for it with service_completed_successfully. */
    private static boolean oneShot(JsonNode service) {
        return "no".equals(service.path("restart").asText(""));
    }

    @Test
    void dependenciesWaitForHealthyServicesAndFormNoCycle() {
        Map<String, List<String>> edges = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> s : fields(services)) {
            List<String> targets = new ArrayList<>();
            JsonNode deps = s.getValue().path("depends_on");
            assertFalse(deps.isArray(), s.getKey() + ": depends_on must use the long form with a condition");
            for (Map.Entry<String, JsonNode> d : fields(deps)) {
                assertTrue(services.has(d.getKey()), s.getKey() + " depends on unknown service " + d.getKey());
                String condition = d.getValue().path("condition").asText("");
                String expected = oneShot(services.path(d.getKey())) ? "service_completed_successfully" : "service_healthy";
                assertEquals(expected, condition, s.getKey() + " -> " + d.getKey());
                if (ONE_SHOT_CONDITIONS.contains(condition)) {
                    assertTrue(oneShot(services.path(d.getKey())), d.getKey() + " is waited for to complete but restarts");
                }
                targets.add(d.getKey());
            }
            edges.put(s.getKey(), targets);
        }
        // Start order exists: repeatedly remove services whose dependencies are all removed.
        Set<String> started = new LinkedHashSet<>();
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Map.Entry<String, List<String>> e : edges.entrySet()) {
                if (!started.contains(e.getKey()) && started.containsAll(e.getValue())) {
                    started.add(e.getKey());
                    progress = true;
                }
            }
        }
        assertEquals(edges.keySet(), started, "depends_on has a cycle");
        assertTrue(edges.get("zonewatch").contains("timescaledb"), "zonewatch waits for the database");
        assertTrue(edges.get("grafana").contains("timescaledb"), "grafana waits for the database");
    }

    // ---- the service's configuration ------------------------------------------------------------

    /** Every ZONEWATCH_* name Config reads, from its public static final String constants. */
    private static Set<String> variablesTheServiceReads() throws IllegalAccessException {
        Set<String> names = new TreeSet<>();
        for (Field f : Config.class.getFields()) {
            int m = f.getModifiers();
            if (Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == String.class) {
                String v = (String) f.get(null);
                if (v.startsWith("ZONEWATCH_")) names.add(v);
            }
        }
        assertTrue(names.size() > 10, "Config's constants were not found: " + names);
        return names;
    }

    @Test
    void zonewatchEnvironmentNamesOnlyVariablesTheServiceReads() throws Exception {
        Set<String> known = variablesTheServiceReads();
        Map<String, String> env = environment(services.path("zonewatch"));
        String entrypoint = Files.readString(Path.of("deploy/zonewatch-entrypoint.sh"));
        for (String name : env.keySet()) {
            if (name.startsWith("ZONEWATCH_")) {
                assertTrue(known.contains(name), name + " is not read by the service (Config.java): " + known);
            } else {
                assertTrue(entrypoint.contains(name), name + " is neither a ZONEWATCH_ variable nor read by deploy/zonewatch-entrypoint.sh");
            }
        }
        for (String needed : List.of(Config.DB_URL, Config.DB_USER, Config.DB_PASSWORD, Config.GRAFANA_URL,
                Config.GRAFANA_TOKEN, Config.PUBLIC_URL)) {
            assertTrue(env.containsKey(needed), "zonewatch's environment lacks " + needed);
        }
        // With the values .env.example gives, the service accepts its configuration.
        Map<String, String> resolved = new LinkedHashMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith("ZONEWATCH_")) resolved.put(k, interpolate(v));
        });
        Config config = Config.from(resolved);
        assertFalse(config.embeddedDatabase(), "compose gives a database URL");
        assertTrue(config.grafanaUrl().isPresent(), "annotation push is configured");
    }

    @Test
    void databaseSettingsAgreeAcrossServices() throws IOException {
        Map<String, String> db = environment(services.path("timescaledb"));
        Map<String, String> zw = environment(services.path("zonewatch"));
        DbTarget target = DbTarget.parse(interpolate(zw.get(Config.DB_URL)),
                Optional.ofNullable(zw.get(Config.DB_USER)).map(ComposeTest::interpolate),
                Optional.ofNullable(zw.get(Config.DB_PASSWORD)).map(ComposeTest::interpolate));
        assertEquals("timescaledb", target.host(), "ZONEWATCH_DB_URL names the database service");
        assertEquals(5432, target.port());
        assertEquals("zonewatch", db.get("POSTGRES_DB"));
        assertEquals("zonewatch", db.get("POSTGRES_USER"));
        assertEquals(db.get("POSTGRES_DB"), target.database(), "database name");
        assertEquals(db.get("POSTGRES_USER"), target.user(), "owner user");
        assertEquals(variableOf(db.get("POSTGRES_PASSWORD")), variableOf(zw.get(Config.DB_PASSWORD)),
                "the service uses the owner's password from .env");
        String health = healthcheck(services.path("timescaledb"));
        assertTrue(health.contains("-U zonewatch") && health.contains("-d zonewatch") && health.contains("-h 127.0.0.1"),
                "pg_isready over TCP as the owner on the database: " + health);

        // The init script: mounted as one file next to the image's own init scripts, and it creates
        // the Grafana login as a member of the role the migration grants the reporting views to.
        String mount = volumes(services.path("timescaledb")).stream()
                .filter(v -> v.contains("/docker-entrypoint-initdb.d/")).findFirst()
                .orElseThrow(() -> new AssertionError("timescaledb mounts no init script"));
        String source = mount.split(":")[0];
        assertTrue(source.endsWith(".sql") && Files.isRegularFile(Path.of(source)), mount);
        String sql = Files.readString(Path.of(source));
        String v4 = Files.readString(Path.of("sql/V4__reporting_views.sql"));
        assertTrue(v4.contains("zonewatch_reader"), "the migration grants to zonewatch_reader");
        assertTrue(sql.contains("GRANT zonewatch_reader TO zonewatch_grafana"), "zonewatch_grafana is a member of zonewatch_reader");
        assertTrue(sql.contains("\\getenv grafana_password ZONEWATCH_GRAFANA_DB_PASSWORD"), "the password comes from the environment");
        assertTrue(db.containsKey("ZONEWATCH_GRAFANA_DB_PASSWORD"), "timescaledb receives ZONEWATCH_GRAFANA_DB_PASSWORD");
        assertEquals(variableOf(db.get("ZONEWATCH_GRAFANA_DB_PASSWORD")),
                variableOf(environment(services.path("grafana")).get("ZONEWATCH_GRAFANA_DB_PASSWORD")),
                "database and Grafana read the reader's password from the same .env entry");
    }

    @Test
    void portsAgreeWithTheServiceDockerfileAndPrometheus() throws IOException {
        Map<String, String> zwEnv = environment(services.path("zonewatch"));
        Map<String, String> resolved = new LinkedHashMap<>();
        zwEnv.forEach((k, v) -> {
            if (k.startsWith("ZONEWATCH_")) resolved.put(k, interpolate(v));
        });
        int port = Config.from(resolved).httpPort();
        assertEquals(8080, port, "the stack uses the service's default port");

        assertEquals(List.of(port), containerPorts(services.path("zonewatch")), "zonewatch publishes its HTTP port");
        assertTrue(healthcheck(services.path("zonewatch")).contains("127.0.0.1:" + port + "/ready"));
        assertEquals(List.of(3000), containerPorts(services.path("grafana")));
        assertEquals(List.of(9090), containerPorts(services.path("prometheus")));
        assertTrue(healthcheck(services.path("grafana")).contains(":3000/api/health"));
        assertTrue(healthcheck(services.path("prometheus")).contains(":9090/-/ready"));
        assertTrue(containerPorts(services.path("timescaledb")).isEmpty(), "the database is not published on the host");
        for (String s : List.of("zonewatch", "grafana", "prometheus")) {
            for (JsonNode p : services.path(s).path("ports")) {
                String raw = p.asText();
                assertTrue(raw.startsWith("127.0.0.1:") || raw.matches("\\$\\{[A-Z_]+:-127\\.0\\.0\\.1}:.*"),
                        s + ": ports are bound to 127.0.0.1 by default: " + raw);
                assertTrue(interpolate(raw).startsWith("127.0.0.1:"), s + ": .env.example keeps 127.0.0.1: " + raw);
            }
        }

        URI grafana = URI.create(interpolate(zwEnv.get(Config.GRAFANA_URL)));
        assertEquals("grafana", grafana.getHost(), "annotations go to the grafana service");
        assertEquals(3000, grafana.getPort());

        String dockerfile = Files.readString(Path.of("Dockerfile"));
        assertTrue(dockerfile.contains("EXPOSE " + port), "Dockerfile exposes " + port);
        assertTrue(dockerfile.contains("/ready"), "Dockerfile's HEALTHCHECK asks /ready");

        JsonNode prom = YAML.readTree(Path.of("prometheus/prometheus.yml").toFile());
        JsonNode job = null;
        for (JsonNode j : prom.path("scrape_configs")) {
            if ("zonewatch".equals(j.path("job_name").asText())) job = j;
        }
        assertNotNull(job, "prometheus.yml has a zonewatch job");
        assertEquals("/metrics", job.path("metrics_path").asText("/metrics"));
        assertEquals("15s", job.path("scrape_interval").asText(prom.path("global").path("scrape_interval").asText()));
        List<String> targets = new ArrayList<>();
        job.path("static_configs").forEach(c -> c.path("targets").forEach(t -> targets.add(t.asText())));
        assertEquals(List.of("zonewatch:" + port), targets, "Prometheus scrapes the zonewatch service on its port");
    }

    /** The container runs with the memory profile the benchmarks measured (bench/lib.sh, bench/RESULTS.md). */
    @Test
    void theContainerHasTheBenchmarkedMemoryProfile() throws IOException {
        String d = Files.readString(Path.of("Dockerfile"));
        String lib = Files.readString(Path.of("bench/lib.sh"));
        Matcher limit = Pattern.compile("^(\\d+)m$").matcher(services.path("zonewatch").path("mem_limit").asText());
        assertTrue(limit.find(), "a memory limit in MiB on the zonewatch service");
        Matcher percent = Pattern.compile("-XX:MaxRAMPercentage=([\\d.]+)").matcher(d);
        assertTrue(percent.find());
        long heap = Math.round(Integer.parseInt(limit.group(1)) * Double.parseDouble(percent.group(1)) / 100);
        Matcher profile = Pattern.compile("JAVA_MEMORY_PROFILE=\"([^\"]*)\"").matcher(lib);
        assertTrue(profile.find(), "bench/lib.sh names its JVM memory profile");
        assertTrue(profile.group(1).contains("-Xmx" + heap + "m"), "the benchmarks' heap is the container's: " + heap + " MiB");
        for (String option : profile.group(1).split(" ")) {
            if (!option.startsWith("-Xmx")) assertTrue(d.contains("\"" + option + "\""), "the Dockerfile runs java with " + option);
        }
        assertTrue(d.contains("ENV MALLOC_ARENA_MAX=2") && lib.contains("MALLOC_ARENA_MAX:-2"), "two malloc arenas in both");
    }

    @Test
    void dockerfileBuildsInTwoStagesAndRunsAsANonRootUser() throws IOException {
        String d = Files.readString(Path.of("Dockerfile"));
        assertEquals(2, Pattern.compile("(?m)^FROM ").matcher(d).results().count(), "multi-stage: build and run");
        assertTrue(d.contains("dependency:go-offline"), "dependencies are cached in their own layer");
        assertTrue(d.contains("mvn -B -q package -DskipTests"));
        Matcher user = Pattern.compile("(?m)^USER\\s+(\\S+)").matcher(d);
        assertTrue(user.find(), "a USER line");
        assertFalse(user.group(1).startsWith("root") || user.group(1).startsWith("0"), "runs as a non-root user");
        assertTrue(d.contains("-XX:MaxRAMPercentage"), "heap sized from the container's memory limit");
        assertTrue(d.contains("\"java\""), "the entrypoint execs java");
        assertTrue(d.contains("deploy/zonewatch-entrypoint.sh"));
        Matcher env = Pattern.compile("(?m)^ENV\\s+(ZONEWATCH_[A-Z0-9_]+)").matcher(d);
        while (env.find()) {
            try {
                assertTrue(variablesTheServiceReads().contains(env.group(1)), "Dockerfile sets " + env.group(1) + ", which Config does not read");
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        // The uid the token file is handed to is the image's user.
        Matcher uid = Pattern.compile("ARG ZONEWATCH_UID=(\\d+)").matcher(d);
        assertTrue(uid.find());
        String owner = environment(services.path("grafana-init")).get("TOKEN_OWNER");
        assertEquals(uid.group(1) + ":" + uid.group(1), owner, "grafana-init hands the token to the image's uid");

        List<String> ignored = Files.readAllLines(Path.of(".dockerignore")).stream().map(String::trim).toList();
        for (String entry : List.of("target/", "data/", ".git", ".env")) {
            assertTrue(ignored.contains(entry), ".dockerignore excludes " + entry);
        }
        for (String needed : List.of("pom.xml", "src", "sql", "deploy")) {
            assertFalse(ignored.contains(needed) || ignored.contains(needed + "/"), ".dockerignore keeps " + needed);
        }
    }

    @Test
    void grafanaTokenIsHandedOverThroughASharedVolume() {
        JsonNode init = services.path("grafana-init");
        assertTrue(oneShot(init), "grafana-init is a one-shot step");
        Map<String, String> initEnv = environment(init);
        Map<String, String> zwEnv = environment(services.path("zonewatch"));
        String file = zwEnv.get("GRAFANA_TOKEN_FILE");
        assertNotNull(file, "zonewatch's entrypoint is told where the token is");
        assertEquals(file, initEnv.get("TOKEN_FILE"), "grafana-init writes where zonewatch reads");
        String volume = null;
        for (String v : volumes(services.path("zonewatch"))) {
            String[] parts = v.split(":");
            if (file.startsWith(parts[1] + "/")) volume = parts[0];
        }
        assertNotNull(volume, "the token file lies in a volume of zonewatch");
        final String shared = volume;
        assertTrue(volumes(init).stream().anyMatch(v -> v.startsWith(shared + ":") && file.startsWith(v.split(":")[1] + "/")),
                "grafana-init mounts the same volume at the same place");
        assertTrue(compose.path("volumes").has(shared), "named volume " + shared + " is declared");
        assertEquals("http://grafana:3000", initEnv.get("GRAFANA_URL"));
        assertEquals(variableOf(environment(services.path("grafana")).get("GF_SECURITY_ADMIN_PASSWORD")),
                variableOf(initEnv.get("GRAFANA_ADMIN_PASSWORD")), "grafana-init logs in with Grafana's admin password");
        assertTrue(String.join(" ", texts(init.path("entrypoint"))).contains("/deploy/grafana-init.sh"));
    }

    // ---- .env.example ---------------------------------------------------------------------------

    @Test
    void envExampleDefinesEveryVariableComposeUsesAndNoSecret() {
        Set<String> used = new TreeSet<>();
        Matcher m = COMPOSE_VAR.matcher(composeText);
        while (m.find()) used.add(m.group(1));
        assertFalse(used.isEmpty());
        for (String name : used) assertTrue(envExample.containsKey(name), ".env.example does not define " + name);
        for (String name : envExample.keySet()) assertTrue(used.contains(name), ".env.example defines " + name + ", which compose never uses");
        assertFalse(Pattern.compile("(?<!\\$)\\$[A-Za-z_]").matcher(composeText).find(),
                "compose uses only the ${VAR} form (a bare $ is ambiguous); write $$ for a literal dollar");
        envExample.forEach((name, value) -> {
            if (name.contains("PASSWORD")) {
                assertTrue(value.startsWith("change-me"), name + " in .env.example must be a change-me placeholder");
                assertTrue(value.matches("[A-Za-z0-9_-]+"), name + ": letters, digits, - and _ only ($ is expanded by Grafana)");
            }
            if (name.endsWith("_TOKEN")) assertEquals("", value, name + " in .env.example stays empty");
        });
        assertTrue(Files.exists(Path.of(".dockerignore")));
    }

    // ---- mounts ---------------------------------------------------------------------------------

    @Test
    void everyMountedFileExistsAndEveryNamedVolumeIsDeclared() {
        List<String> missingDashboards = new ArrayList<>();
        for (Map.Entry<String, JsonNode> s : fields(services)) {
            for (String v : volumes(s.getValue())) {
                String source = v.split(":")[0];
                if (source.startsWith(".") || source.startsWith("/")) {
                    Path p = Path.of(source).normalize();
                    assertFalse(p.isAbsolute() || p.startsWith(".."), s.getKey() + ": mounts from outside the repository: " + v);
                    if (p.startsWith("dashboards") && !Files.exists(p)) {
                        missingDashboards.add(s.getKey() + ": " + source);
                        continue;
                    }
                    assertTrue(Files.exists(p), s.getKey() + ": " + source + " does not exist in the repository");
                } else {
                    assertTrue(compose.path("volumes").has(source), s.getKey() + ": volume " + source + " is not declared");
                }
            }
        }
        for (String named : List.of("timescaledb-data", "grafana-data", "prometheus-data")) {
            assertTrue(compose.path("volumes").has(named), "named volume " + named);
        }
        List<String> grafana = volumes(services.path("grafana"));
        assertTrue(grafana.contains("./dashboards/provisioning:/etc/grafana/provisioning:ro"), "provisioning mount: " + grafana);
        assertTrue(grafana.contains("./dashboards:/var/lib/grafana/dashboards:ro"), "dashboards mount: " + grafana);
        skipOrFailWhenMissing(missingDashboards, "dashboards/ (written by the dashboards engineer) is not there yet: " + missingDashboards);
    }

    // ---- Grafana provisioning (dashboards/provisioning/) -------------------------------------------

    @Test
    void datasourceProvisioningPointsAtTheComposeServices() throws IOException {
        List<Path> files = yamlFiles(Path.of("dashboards/provisioning/datasources"));
        skipOrFailWhenMissing(files.isEmpty() ? List.of("datasources") : List.of(),
                "no data source provisioning under dashboards/provisioning/datasources yet");
        Map<String, JsonNode> byUid = new LinkedHashMap<>();
        for (Path f : files) {
            for (JsonNode ds : YAML.readTree(f.toFile()).path("datasources")) byUid.put(ds.path("uid").asText(), ds);
        }
        Map<String, String> zwEnv = environment(services.path("zonewatch"));
        DbTarget db = DbTarget.parse(interpolate(zwEnv.get(Config.DB_URL)), Optional.empty(), Optional.empty());
        Map<String, String> grafanaEnv = environment(services.path("grafana"));

        JsonNode ts = byUid.get("zonewatch-timescaledb");
        assertNotNull(ts, "a data source with uid zonewatch-timescaledb: " + byUid.keySet());
        assertTrue(Set.of("postgres", "grafana-postgresql-datasource").contains(ts.path("type").asText()), "PostgreSQL type");
        assertEquals(db.host() + ":" + db.port(), ts.path("url").asText(), "url is the database service and port");
        String database = ts.path("jsonData").path("database").asText(ts.path("database").asText());
        assertEquals(db.database(), database, "database");
        assertEquals("zonewatch_grafana", ts.path("user").asText(), "the read-only login of the init script");
        assertTrue(ts.path("jsonData").path("timescaledb").asBoolean(false), "jsonData.timescaledb: true");
        String password = ts.path("secureJsonData").path("password").asText();
        assertTrue(password.equals("$ZONEWATCH_GRAFANA_DB_PASSWORD") || password.equals("${ZONEWATCH_GRAFANA_DB_PASSWORD}"),
                "the password comes from ZONEWATCH_GRAFANA_DB_PASSWORD: " + password);

        JsonNode prom = byUid.get("zonewatch-prometheus");
        assertNotNull(prom, "a data source with uid zonewatch-prometheus");
        assertEquals("prometheus", prom.path("type").asText());
        URI url = URI.create(prom.path("url").asText());
        assertEquals("prometheus", url.getHost(), "the prometheus service");
        assertEquals(containerPorts(services.path("prometheus")).get(0), url.getPort());

        for (Path f : files) assertGrafanaEnvironmentDefines(Files.readString(f), grafanaEnv, f);
    }

    @Test
    void dashboardAndAlertingProvisioningAgreeWithTheMountsAndDataSources() throws IOException {
        List<Path> providers = yamlFiles(Path.of("dashboards/provisioning/dashboards"));
        skipOrFailWhenMissing(providers.isEmpty() ? List.of("dashboards") : List.of(),
                "no dashboard provider under dashboards/provisioning/dashboards yet");
        String target = volumes(services.path("grafana")).stream().filter(v -> v.startsWith("./dashboards:"))
                .map(v -> v.split(":")[1]).findFirst().orElseThrow();
        for (Path f : providers) {
            for (JsonNode p : YAML.readTree(f.toFile()).path("providers")) {
                String path = p.path("options").path("path").asText();
                assertTrue(path.equals(target) || path.startsWith(target + "/"),
                        f + ": provider path " + path + " is not inside the mount " + target);
                assertTrue(Files.isDirectory(Path.of("dashboards").resolve(path.substring(target.length()).replaceFirst("^/", ""))),
                        f + ": " + path + " has no directory in the repository");
            }
        }

        Set<String> uids = new LinkedHashSet<>(List.of("__expr__", "-100"));
        for (Path f : yamlFiles(Path.of("dashboards/provisioning/datasources"))) {
            YAML.readTree(f.toFile()).path("datasources").forEach(ds -> uids.add(ds.path("uid").asText()));
        }
        Map<String, String> grafanaEnv = environment(services.path("grafana"));
        for (Path f : yamlFiles(Path.of("dashboards/provisioning/alerting"))) {
            JsonNode doc = YAML.readTree(f.toFile());
            for (JsonNode group : doc.path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    for (JsonNode q : rule.path("data")) {
                        String uid = q.path("datasourceUid").asText();
                        assertTrue(uids.contains(uid), f + ": rule " + rule.path("title").asText() + " uses data source " + uid);
                    }
                }
            }
            // Only contact points are interpolated from the environment here (rule models are not,
            // and $A in math expressions is a reference, not a variable).
            if (doc.has("contactPoints")) {
                assertGrafanaEnvironmentDefines(YAML.writeValueAsString(doc.path("contactPoints")), grafanaEnv, f);
            }
        }
    }

    /** $NAME / ${NAME} (upper case: environment variables, not Grafana macros) must reach Grafana's container. */
    private static void assertGrafanaEnvironmentDefines(String text, Map<String, String> grafanaEnv, Path file) {
        Matcher m = Pattern.compile("(?<!\\$)\\$\\{?([A-Z][A-Z0-9_]*)}?").matcher(text);
        while (m.find()) {
            assertTrue(grafanaEnv.containsKey(m.group(1)), file + " reads $" + m.group(1) + ", which docker-compose.yml does not pass to grafana");
        }
    }

    // ---- Prometheus ----------------------------------------------------------------------------

    @Test
    void promtoolAcceptsTheConfigurationAndTheRulesAndTheirTests() throws Exception {
        if (!Files.isExecutable(PROMTOOL)) {
            assertFalse(REQUIRE, "promtool is required here: apt-get install prometheus");
            org.junit.jupiter.api.Assumptions.abort("promtool not installed (Debian package prometheus)");
        }
        List<Path> rules = yamlFiles(Path.of("prometheus/rules"));
        assertFalse(rules.isEmpty(), "prometheus/rules has rule files");
        promtool("check", "config", "prometheus/prometheus.yml");
        List<String> check = new ArrayList<>(List.of("check", "rules"));
        rules.forEach(r -> check.add(r.toString()));
        promtool(check.toArray(String[]::new));
        for (Path t : yamlFiles(Path.of("prometheus/tests"))) promtool("test", "rules", t.toString());
    }

    private static void promtool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(PROMTOOL.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool timed out");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + output);
    }

    @Test
    void rulesNameOnlyMetricsTheServiceExports() throws IOException {
        Set<String> named = new TreeSet<>();
        Pattern metric = Pattern.compile("\\b((?:zonewatch|vertx|jvm|process)_[a-zA-Z0-9_]+)\\b");
        for (Path f : yamlFiles(Path.of("prometheus/rules"))) {
            for (JsonNode group : YAML.readTree(f.toFile()).path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    Matcher m = metric.matcher(rule.path("expr").asText());
                    while (m.find()) named.add(m.group(1));
                }
            }
        }
        assertFalse(named.isEmpty());

        Set<String> exported = new TreeSet<>();
        try (TestService service = TestService.start()) {
            service.platforms("CT,组合区,county,other,丽水市,,,\n");
            service.api.feed(ADMIN, "platform_code,indicator_code,period,value\nCT,tax_revenue,2024Q1,1\n", null);
            service.zoneWatch.alertWorker().refreshGauges().toCompletionStage().toCompletableFuture().join();
            service.api.get("/health", null);
            for (String line : service.api.get("/metrics", null).text().split("\n")) {
                if (line.isBlank() || line.startsWith("#")) continue;
                exported.add(line.split("[{ ]", 2)[0]);
            }
        }
        // Counters appear with their first increment (a failed delivery, say): take them from the source.
        Matcher counters = Pattern.compile("Counter\\.builder\\(\"([a-z0-9_]+)\"\\)")
                .matcher(Files.readString(Path.of("src/main/java/io/zonewatch/ops/ServiceMetrics.java")));
        while (counters.find()) exported.add(counters.group(1) + "_total");

        for (String name : named) assertTrue(exported.contains(name), "a rule names " + name + ", which /metrics does not export");
    }

    // ---- the database init script against a real server -------------------------------------------

    @Test
    void initScriptGivesGrafanaReadAccessToTheReportingViewsOnly() throws Exception {
        Optional<Path> psql = psql();
        if (psql.isEmpty()) {
            assertFalse(REQUIRE, "psql is required here: apt-get install postgresql-client");
            org.junit.jupiter.api.Assumptions.abort("psql not installed: the init script is not run");
        }
        String script = volumes(services.path("timescaledb")).stream()
                .filter(v -> v.contains("/docker-entrypoint-initdb.d/")).findFirst().orElseThrow().split(":")[0];
        DbTarget db = TestDatabase.newDatabase();

        // Without the password the script refuses to run.
        assertThrows(AssertionError.class, () -> runPsql(psql.get(), db, script, null));
        // As the image runs it: before the service's first start, twice (it is idempotent).
        runPsql(psql.get(), db, script, "compose-test-pw");
        runPsql(psql.get(), db, script, "compose-test-pw");

        try (TestService service = TestService.startOn(db, Map.of(), Clock.systemUTC());
             Connection grafana = DriverManager.getConnection(db.jdbcUrl(), "zonewatch_grafana", "compose-test-pw");
             Statement s = grafana.createStatement()) {
            assertNotNull(service);
            List<String> views = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'reporting' ORDER BY 1")) {
                while (rs.next()) views.add(rs.getString(1));
            }
            assertTrue(views.contains("platforms") && views.contains("rankings"), "reporting views visible: " + views);
            for (String view : views) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM reporting." + view)) {
                    assertTrue(rs.next());
                }
            }
            SQLException denied = assertThrows(SQLException.class, () -> s.executeQuery("SELECT count(*) FROM platform"));
            assertEquals("42501", denied.getSQLState(), "base tables are not readable: " + denied.getMessage());
            SQLException readOnly = assertThrows(SQLException.class, () -> s.execute("CREATE TABLE public.grafana_was_here (i int)"));
            assertTrue(Set.of("25006", "42501").contains(readOnly.getSQLState()), readOnly.getMessage());
        }
    }

    private static void runPsql(Path psql, DbTarget db, String script, String grafanaPassword) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(psql.toString(), "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-q",
                "-h", db.host(), "-p", String.valueOf(db.port()), "-U", db.user(), "-d", db.database(), "-f", script)
                .redirectErrorStream(true);
        pb.environment().remove("ZONEWATCH_GRAFANA_DB_PASSWORD");
        if (grafanaPassword != null) pb.environment().put("ZONEWATCH_GRAFANA_DB_PASSWORD", grafanaPassword);
        if (!db.password().isEmpty()) pb.environment().put("PGPASSWORD", db.password());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "psql timed out");
        assertEquals(0, p.exitValue(), "psql -f " + script + ":\n" + output);
    }

    /** psql 15 or later (the script uses \getenv): on the PATH or in the newest /usr/lib/postgresql. */
    private static Optional<Path> psql() throws IOException {
        List<Path> candidates = new ArrayList<>();
        Path lib = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> versions = Files.list(lib)) {
                versions.filter(v -> v.getFileName().toString().matches("\\d+") && Integer.parseInt(v.getFileName().toString()) >= 15)
                        .sorted((a, b) -> Integer.compare(Integer.parseInt(b.getFileName().toString()), Integer.parseInt(a.getFileName().toString())))
                        .map(v -> v.resolve("bin/psql")).forEach(candidates::add);
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty()) candidates.add(Path.of(dir, "psql"));
        }
        for (Path c : candidates) {
            if (!Files.isExecutable(c)) continue;
            try {
                Process p = new ProcessBuilder(c.toString(), "--version").redirectErrorStream(true).start();
                String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor(10, TimeUnit.SECONDS);
                Matcher m = Pattern.compile("(\\d+)(?:\\.\\d+)?").matcher(v.replaceFirst("^\\D*", ""));
                if (m.lookingAt() && Integer.parseInt(m.group(1)) >= 15) return Optional.of(c);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    // ---- deploy/grafana-init.sh against a stand-in for Grafana's HTTP API ------------------------------

    /**
     * Runs the token step against a small server that answers like Grafana's documented service-account
     * API (compact JSON, basic auth): creates the account and a token once, keeps a token that still
     * works, replaces one that is refused (deleting the lost ones) and refuses a wrong admin password.
     */
    @Test
    void grafanaInitCreatesTheServiceAccountTokenOnceAndKeepsAWorkingOne() throws Exception {
        Optional<Path> sh = executable("sh");
        Optional<Path> curl = executable("curl");
        if (sh.isEmpty() || curl.isEmpty()) {
            assertFalse(REQUIRE, "sh and curl are required here to run deploy/grafana-init.sh");
            org.junit.jupiter.api.Assumptions.abort("sh or curl not installed: deploy/grafana-init.sh is not run");
        }
        FakeGrafana grafana = new FakeGrafana("admin", "grafana-admin-pw");
        Path dir = Files.createTempDirectory("zonewatch-grafana-init");
        Path tokenFile = dir.resolve("run/grafana-token");
        try {
            String owner = uidGid();
            Map<String, String> env = new LinkedHashMap<>(Map.of(
                    "GRAFANA_URL", grafana.url(), "GRAFANA_ADMIN_USER", "admin", "GRAFANA_ADMIN_PASSWORD", "grafana-admin-pw",
                    "TOKEN_FILE", tokenFile.toString(), "TOKEN_OWNER", owner));

            assertEquals(0, runInit(sh.get(), env).exitCode(), "first start");
            assertEquals(1, grafana.accounts.size() - 1, "one service account created beside the decoy");
            io.vertx.core.json.JsonObject account = grafana.accounts.get(grafana.accounts.size() - 1);
            assertEquals("zonewatch", account.getString("name"));
            assertEquals("Editor", account.getString("role"), "Editor may create annotations");
            String first = Files.readString(tokenFile);
            assertTrue(grafana.validKeys().contains(first), "the file holds the issued key");
            assertEquals("r--------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(tokenFile)), "only its owner may read the token");

            assertEquals(0, runInit(sh.get(), env).exitCode(), "second start");
            assertEquals(first, Files.readString(tokenFile), "a working token is kept");
            assertEquals(1, grafana.tokenCount(account.getLong("id")));

            tokenFile.toFile().setWritable(true);
            Files.writeString(tokenFile, "glsa_revoked_by_someone");
            assertEquals(0, runInit(sh.get(), env).exitCode(), "start with a refused token");
            String second = Files.readString(tokenFile);
            assertFalse(second.equals(first) || second.equals("glsa_revoked_by_someone"));
            assertEquals(Set.of(second), grafana.validKeys(), "the lost tokens are deleted");
            assertEquals(1, grafana.accounts.size() - 1, "no second service account");

            Files.delete(tokenFile);
            env.put("GRAFANA_ADMIN_PASSWORD", "not-the-admin-password");
            InitRun refused = runInit(sh.get(), env);
            assertTrue(refused.exitCode() != 0, "a wrong admin password fails the step");
            assertTrue(refused.output().contains("GRAFANA_ADMIN_PASSWORD"), refused.output());
            assertFalse(Files.exists(tokenFile));
        } finally {
            grafana.close();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private record InitRun(int exitCode, String output) {
    }

    private static InitRun runInit(Path sh, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(sh.toString(), "deploy/grafana-init.sh").redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "grafana-init.sh timed out");
        return new InitRun(p.exitValue(), output);
    }

    /** "uid:gid" of this process: the owner the step hands the token file to in the test. */
    private static String uidGid() throws Exception {
        return command("id", "-u") + ":" + command("id", "-g");
    }

    private static String command(String... args) throws Exception {
        Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", args) + ": " + out);
        return out;
    }

    private static Optional<Path> executable(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) return Optional.of(Path.of(dir, name));
        }
        return Optional.empty();
    }

    /** The service-account part of Grafana's HTTP API, as documented, on a local port. */
    private static final class FakeGrafana implements AutoCloseable {
        final List<io.vertx.core.json.JsonObject> accounts = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Map<Long, List<io.vertx.core.json.JsonObject>> tokens = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.concurrent.atomic.AtomicLong ids = new java.util.concurrent.atomic.AtomicLong(10);
        private final String basic;
        private final com.sun.net.httpserver.HttpServer server;

        FakeGrafana(String user, String password) throws IOException {
            basic = "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            // A decoy whose name contains "zonewatch": the step must not take it for its own account.
            accounts.add(new io.vertx.core.json.JsonObject().put("id", 3L).put("name", "zonewatch-old").put("role", "Viewer"));
            server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", this::handle);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        Set<String> validKeys() {
            Set<String> keys = new TreeSet<>();
            tokens.values().forEach(list -> list.forEach(t -> keys.add(t.getString("key"))));
            return keys;
        }

        int tokenCount(long account) {
            return tokens.getOrDefault(account, List.of()).size();
        }

        private void handle(com.sun.net.httpserver.HttpExchange x) throws IOException {
            try (x) {
                String method = x.getRequestMethod();
                String path = x.getRequestURI().getPath();
                String query = Optional.ofNullable(x.getRequestURI().getQuery()).orElse("");
                String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String auth = Optional.ofNullable(x.getRequestHeaders().getFirst("Authorization")).orElse("");
                if (path.equals("/api/health")) {
                    answer(x, 200, "{\"commit\":\"fake\",\"database\":\"ok\",\"version\":\"12.2.0\"}");
                } else if (path.equals("/api/annotations")) {
                    boolean valid = auth.startsWith("Bearer ") && validKeys().contains(auth.substring(7));
                    answer(x, valid ? 200 : 401, valid ? "[]" : "{\"message\":\"invalid API key\"}");
                } else if (!auth.equals(basic)) {
                    answer(x, 401, "{\"message\":\"Invalid username or password\"}");
                } else if (path.equals("/api/org")) {
                    answer(x, 200, "{\"id\":1,\"name\":\"Main Org.\"}");
                } else if (path.equals("/api/serviceaccounts/search") && method.equals("GET")) {
                    Matcher q = Pattern.compile("(?:^|&)query=([^&]*)").matcher(query);
                    String name = q.find() ? q.group(1) : "";
                    io.vertx.core.json.JsonArray found = new io.vertx.core.json.JsonArray();
                    for (io.vertx.core.json.JsonObject a : accounts) {
                        if (a.getString("name").contains(name)) {
                            found.add(new io.vertx.core.json.JsonObject().put("id", a.getLong("id")).put("name", a.getString("name"))
                                    .put("login", "sa-1-" + a.getString("name")).put("orgId", 1).put("isDisabled", false)
                                    .put("role", a.getString("role")).put("tokens", tokenCount(a.getLong("id")))
                                    .put("avatarUrl", "/avatar/0").put("accessControl", new io.vertx.core.json.JsonObject()
                                            .put("serviceaccounts:read", true).put("serviceaccounts:write", true)));
                        }
                    }
                    answer(x, 200, new io.vertx.core.json.JsonObject().put("totalCount", found.size())
                            .put("serviceAccounts", found).put("page", 1).put("perPage", 100).encode());
                } else if (path.equals("/api/serviceaccounts") && method.equals("POST")) {
                    io.vertx.core.json.JsonObject in = new io.vertx.core.json.JsonObject(body);
                    io.vertx.core.json.JsonObject a = new io.vertx.core.json.JsonObject().put("id", ids.incrementAndGet())
                            .put("name", in.getString("name")).put("role", in.getString("role"));
                    accounts.add(a);
                    answer(x, 201, a.copy().put("login", "sa-1-" + a.getString("name")).put("orgId", 1)
                            .put("isDisabled", false).put("teams", new io.vertx.core.json.JsonArray()).encode());
                } else {
                    Matcher m = Pattern.compile("/api/serviceaccounts/(\\d+)/tokens(?:/(\\d+))?").matcher(path);
                    if (!m.matches()) {
                        answer(x, 404, "{\"message\":\"Not found\"}");
                        return;
                    }
                    List<io.vertx.core.json.JsonObject> list =
                            tokens.computeIfAbsent(Long.parseLong(m.group(1)), k -> new java.util.concurrent.CopyOnWriteArrayList<>());
                    if (method.equals("GET") && m.group(2) == null) {
                        io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
                        list.forEach(t -> out.add(new io.vertx.core.json.JsonObject().put("id", t.getLong("id"))
                                .put("name", t.getString("name")).put("role", "Editor").put("created", "2025-01-01T00:00:00Z")
                                .putNull("expiration").put("secondsUntilExpiration", 0).put("hasExpired", false)));
                        answer(x, 200, out.encode());
                    } else if (method.equals("DELETE") && m.group(2) != null) {
                        list.removeIf(t -> t.getLong("id") == Long.parseLong(m.group(2)));
                        answer(x, 200, "{\"message\":\"API key deleted\"}");
                    } else if (method.equals("POST") && m.group(2) == null) {
                        String name = new io.vertx.core.json.JsonObject(body).getString("name");
                        if (list.stream().anyMatch(t -> t.getString("name").equals(name))) {
                            answer(x, 409, "{\"message\":\"service account token with given name already exists in the organization\"}");
                            return;
                        }
                        long id = ids.incrementAndGet();
                        io.vertx.core.json.JsonObject t = new io.vertx.core.json.JsonObject().put("id", id).put("name", name)
                                .put("key", "glsa_" + java.util.UUID.randomUUID().toString().replace("-", "") + "_" + id);
                        list.add(t);
                        answer(x, 200, t.encode());
                    } else {
                        answer(x, 405, "{\"message\":\"Method not allowed\"}");
                    }
                }
            }
        }

        private static void answer(com.sun.net.httpserver.HttpExchange x, int status, String json) throws IOException {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "application/json");
            x.sendResponseHeaders(status, bytes.length);
            x.getResponseBody().write(bytes);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static void skipOrFailWhenMissing(List<String> missing, String message) {
        if (missing.isEmpty()) return;
        if (REQUIRE) fail(message + " (ZONEWATCH_REQUIRE_TOOLS=true)");
        org.junit.jupiter.api.Assumptions.abort(message);
    }

    private static List<Map.Entry<String, JsonNode>> fields(JsonNode node) {
        List<Map.Entry<String, JsonNode>> list = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) list.add(it.next());
        return list;
    }

    /** A service's environment, map or list form, values uninterpolated. */
    private static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode e = service.path("environment");
        if (e.isArray()) {
            for (JsonNode item : e) {
                String[] kv = item.asText().split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        } else {
            for (Map.Entry<String, JsonNode> f : fields(e)) env.put(f.getKey(), f.getValue().isNull() ? "" : f.getValue().asText());
        }
        return env;
    }

    private static List<String> volumes(JsonNode service) {
        List<String> list = new ArrayList<>();
        for (JsonNode v : service.path("volumes")) {
            assertTrue(v.isTextual(), "volumes in the short form: " + v);
            list.add(v.asText());
        }
        return list;
    }

    private static List<String> texts(JsonNode node) {
        List<String> list = new ArrayList<>();
        if (node.isArray()) node.forEach(n -> list.add(n.asText()));
        else if (!node.isMissingNode()) list.add(node.asText());
        return list;
    }

    private static String healthcheck(JsonNode service) {
        List<String> test = texts(service.path("healthcheck").path("test"));
        if (!test.isEmpty() && Set.of("CMD", "CMD-SHELL").contains(test.get(0))) test = test.subList(1, test.size());
        return String.join(" ", test);
    }

    /** Container ports of "host:port:container" / "port:container" entries. */
    private static List<Integer> containerPorts(JsonNode service) {
        List<Integer> ports = new ArrayList<>();
        for (JsonNode p : service.path("ports")) {
            String[] parts = interpolate(p.asText()).split(":");
            ports.add(Integer.parseInt(parts[parts.length - 1].replaceFirst("/tcp$", "")));
        }
        return ports;
    }

    /** The .env variable a value like ${NAME:?message} takes its value from. */
    private static String variableOf(String value) {
        assertNotNull(value);
        Matcher m = COMPOSE_VAR.matcher(value);
        assertTrue(m.find(), value + " takes no value from .env");
        return m.group(1);
    }

    /** Compose's interpolation, with the values of .env.example. */
    private static String interpolate(String value) {
        Matcher m = COMPOSE_VAR.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String op = m.group(2);
            String v = envExample.get(name);
            String replacement;
            if (op == null) replacement = v == null ? "" : v;
            else if (op.equals(":-")) replacement = v == null || v.isEmpty() ? m.group(3) : v;
            else if (op.equals("-")) replacement = v == null ? m.group(3) : v;
            else {
                if (v == null || op.equals(":?") && v.isEmpty()) fail(name + " is required by docker-compose.yml: " + m.group(3));
                replacement = v;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString().replace("$$", "$");
    }

    private static Map<String, String> readEnvFile(Path file) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String l = line.trim();
            if (l.isEmpty() || l.startsWith("#")) continue;
            int eq = l.indexOf('=');
            assertTrue(eq > 0, file + ": not NAME=value: " + line);
            String name = l.substring(0, eq);
            assertTrue(name.matches("[A-Z_][A-Z0-9_]*"), file + ": bad name " + name);
            assertFalse(env.containsKey(name), file + ": " + name + " twice");
            env.put(name, l.substring(eq + 1));
        }
        return env;
    }

    private static List<Path> yamlFiles(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
