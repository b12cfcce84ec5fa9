# ZoneWatch service image. Two stages: Maven builds target/zonewatch.jar, a slim JRE runs it.
#   docker build -t zonewatch .          (docker-compose.yml builds it as the service "zonewatch")
# Base images are pinned to exact tags; ComposeTest refuses untagged or ":latest" images.

# ---- build ------------------------------------------------------------------------------------
FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /build

# Dependencies first, in their own layer: it is rebuilt only when pom.xml changes.
COPY pom.xml ./
RUN mvn -B -q dependency:go-offline

# Sources (tests are compiled by -DskipTests, not run), migrations packaged from sql/.
COPY src ./src
COPY sql ./sql
RUN mvn -B -q package -DskipTests

# ---- run --------------------------------------------------------------------------------------
# Ubuntu 24.04 based JRE image; it ships curl (used by the HEALTHCHECK below).
FROM eclipse-temurin:17.0.16_8-jre-noble

# A fixed non-root uid: deploy/grafana-init.sh hands the Grafana token file to this uid
# (GRAFANA_TOKEN_OWNER in docker-compose.yml; ComposeTest keeps the two equal).
ARG ZONEWATCH_UID=10001
RUN groupadd --system --gid ${ZONEWATCH_UID} zonewatch \
    && useradd --system --uid ${ZONEWATCH_UID} --gid zonewatch --home-dir /opt/zonewatch --shell /usr/sbin/nologin zonewatch \
    && mkdir -p /opt/zonewatch/data \
    && chown zonewatch:zonewatch /opt/zonewatch/data

WORKDIR /opt/zonewatch
COPY --from=build /build/target/zonewatch.jar /opt/zonewatch/zonewatch.jar
COPY deploy/zonewatch-entrypoint.sh /opt/zonewatch/zonewatch-entrypoint.sh
RUN chmod 0755 /opt/zonewatch/zonewatch-entrypoint.sh

# Only used when no ZONEWATCH_DB_URL is given (embedded PostgreSQL); compose always gives one.
ENV ZONEWATCH_DATA_DIR=/opt/zonewatch/data
USER zonewatch:zonewatch
EXPOSE 8080

# /ready: database reachable and migrations applied. The first start migrates (and, with
# ZONEWATCH_DEMO=true, loads the demo data) before it listens, hence the long start period.
HEALTHCHECK --interval=15s --timeout=5s --start-period=180s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${ZONEWATCH_HTTP_PORT:-8080}/ready" || exit 1

# The entrypoint only exports ZONEWATCH_GRAFANA_TOKEN from $GRAFANA_TOKEN_FILE when that is set
# (docker-compose.yml), then execs java, so java is PID 1 and receives SIGTERM for the graceful
# shutdown. Memory: the benchmarks' profile (bench/RESULTS.md: peak RSS under 512 MiB through a
# million-row feed, its warning evaluation and the read benchmarks): heap half the container's
# limit (320 MiB of docker-compose.yml's 640 MiB), bounded metaspace and code cache, two malloc
# arenas instead of eight per core, and the C heap trimmed every 5 s (the JIT's freed memory stayed
# in glibc's arenas: 60 MiB of RSS under read load). An OutOfMemoryError ends the process so the restart policy
# brings up a clean one.
ENV MALLOC_ARENA_MAX=2
ENTRYPOINT ["/opt/zonewatch/zonewatch-entrypoint.sh", "java", \
    "-XX:MaxRAMPercentage=50.0", "-XX:+UseSerialGC", "-XX:MaxMetaspaceSize=96m", "-XX:ReservedCodeCacheSize=64m", \
    "-XX:TrimNativeHeapInterval=5000", \
    "-XX:+ExitOnOutOfMemoryError", "-Dfile.encoding=UTF-8", \
    "-jar", "/opt/zonewatch/zonewatch.jar"]
