package io.zonewatch.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The PostgreSQL server ZoneWatch runs itself when no ZONEWATCH_DB_URL is given: the README's default,
 * so a real single-node deployment, held to the same promises as an external server.
 * <ul>
 * <li><b>Durable.</b> fsync, synchronous commit and full-page writes are on, given on the server's command
 * line so that no configuration file can turn them off: a feed that was answered 201 survives the
 * server being killed right after.</li>
 * <li><b>Crash-safe start.</b> A server left running by a service that was killed (SIGKILL, OOM) is
 * stopped; processes of a killed server still attached to the data directory are ended; a stale
 * {@code postmaster.pid} is removed; then the server starts and recovers from its WAL. The first start
 * after any crash comes up by itself. A second ZoneWatch on the same data directory is refused (a lock
 * file), never allowed to stop the first one's server.</li>
 * <li><b>No trust login.</b> Both roles have generated passwords ({@link EmbeddedCredentials}); the
 * server listens on 127.0.0.1 only, without a Unix socket, and accepts only SCRAM-SHA-256 password
 * logins. The service connects as the owner role {@code zonewatch}, which is not a superuser: it cannot
 * run programs ({@code COPY ... TO PROGRAM}), read server files or switch the append-only triggers off
 * for other roles. A data directory from a version that used trust logins is converted at its first
 * start: the superuser gets a password, the database {@code postgres} holding the data becomes the
 * database {@code zonewatch}, and its objects pass to the owner role.</li>
 * </ul>
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
    public static final String OWNER = "zonewatch";
    public static final String DATABASE = "zonewatch";
    static final String SUPERUSER = "postgres";
    static final String LOCK_FILE = "zonewatch.lock";
    private static final int START_TIMEOUT_S = 600;   // crash recovery of a large WAL may take minutes
    private static final int STOP_TIMEOUT_S = 60;

    private final PostgresBinaries binaries;
    private final Path pgData;
    private final int port;
    private final EmbeddedCredentials credentials;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private boolean closed;

    private EmbeddedDatabase(PostgresBinaries binaries, Path pgData, int port, EmbeddedCredentials credentials,
                             FileChannel lockChannel, FileLock lock) {
        this.binaries = binaries;
        this.pgData = pgData;
        this.port = port;
        this.credentials = credentials;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    public static EmbeddedDatabase start(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        FileChannel lockChannel = null;
        FileLock lock = null;
        try {
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ);
            try {
                lock = lockChannel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                String holder = Files.readString(dir.resolve(LOCK_FILE)).trim();
                throw new IllegalStateException("another ZoneWatch (" + (holder.isEmpty() ? "pid unknown" : holder)
                        + ") is running with ZONEWATCH_DATA_DIR " + dir + ": stop it first, or give this one a data directory of its own");
            }
            lockChannel.truncate(0).write(java.nio.ByteBuffer.wrap(("pid " + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));

            PostgresBinaries binaries = PostgresBinaries.prepare(dir.resolve("postgres-binaries"));
            Path pgData = dir.resolve("postgres");
            EmbeddedCredentials credentials = EmbeddedCredentials.loadOrCreate(dir);
            Cluster cluster = new Cluster(binaries, pgData);
            if (!Files.exists(pgData.resolve("PG_VERSION"))) {
                cluster.initdb(credentials.superuserPassword());
            } else {
                cluster.checkVersion();
                cluster.stopLeftovers();
                if (credentials.createdNow()) {
                    // A data directory without our credentials: one from a version with trust logins, or one
                    // whose credentials file was deleted. Set the superuser's password with the server down.
                    LOG.info("Setting new passwords for the embedded PostgreSQL in {}", pgData);
                    cluster.singleUser(DbSql.setPassword(SUPERUSER, credentials.superuserPassword()) + ";");
                }
            }
            cluster.writeHba();
            int port = cluster.start();
            EmbeddedDatabase db = new EmbeddedDatabase(binaries, pgData, port, credentials, lockChannel, lock);
            try {
                db.ensureOwner();
            } catch (RuntimeException e) {
                db.close();
                throw e;
            }
            LOG.info("Embedded PostgreSQL started on 127.0.0.1:{} with data in {} (fsync, synchronous commit and full-page writes on)",
                    port, pgData);
            return db;
        } catch (IOException e) {
            release(lockChannel, lock);
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            release(lockChannel, lock);
            throw e;
        }
    }

    /** The service's connection: the owner role, not a superuser. */
    public DbTarget target() {
        return new DbTarget("127.0.0.1", port, DATABASE, OWNER, credentials.ownerPassword(), "disable");
    }

    /** The superuser's connection (start-up and tests only). */
    DbTarget superuser(String database) {
        return new DbTarget("127.0.0.1", port, database, SUPERUSER, credentials.superuserPassword(), "disable");
    }

    public int port() {
        return port;
    }

    public Path dataDirectory() {
        return pgData;
    }

    /** Fast shutdown (open sessions are rolled back, the server checkpoints and exits), then the lock is released. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            new Cluster(binaries, pgData).stop("fast");
        } catch (RuntimeException e) {
            LOG.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        } finally {
            release(lockChannel, lock);
        }
    }

    /**
     * Tests: what a killed service leaves, a running server and a free data directory (the lock goes
     * with the process that dies; here it is released by hand, and the server is left running).
     */
    synchronized void abandon() {
        closed = true;
        release(lockChannel, lock);
    }

    private static void release(FileChannel channel, FileLock lock) {
        try {
            if (lock != null && lock.isValid()) lock.release();
            if (channel != null) channel.close();
        } catch (IOException ignored) {
            // the process is giving the directory up either way
        }
    }

    /**
     * As the superuser: the owner role (with the password from the credentials file), the reader role
     * the migrations grant to, and the database; a data directory from a version that kept the data in
     * the database {@code postgres} under the superuser is converted. Idempotent: runs at every start.
     */
    private void ensureOwner() {
        try (Connection c = connect(superuser("template1")); Statement s = c.createStatement()) {
            if (!exists(s, DbSql.roleExists(OWNER))) s.execute(DbSql.createRole(OWNER));
            s.execute(DbSql.ownerRole(OWNER, credentials.ownerPassword()));
            // Grafana's read-only role (sql/V4 grants it the reporting views); a non-superuser owner may not create roles.
            if (!exists(s, DbSql.roleExists(DbSql.READER))) s.execute(DbSql.createRole(DbSql.READER) + " NOLOGIN");
            if (!exists(s, DbSql.databaseExists(DATABASE))) {
                if (legacyData()) {
                    LOG.warn("Moving the data of the database postgres (kept by the superuser, as earlier versions did) "
                            + "to the database {} owned by the role {}", DATABASE, OWNER);
                    s.execute(DbSql.renameDatabase("postgres", DATABASE));
                    s.execute(DbSql.createDatabase("postgres", null));
                } else {
                    s.execute(DbSql.createDatabase(DATABASE, OWNER));
                }
            }
            s.execute(DbSql.databaseOwner(DATABASE, OWNER));
            s.execute(DbSql.revokePublic(DATABASE));
            s.execute(DbSql.grantConnect(DATABASE, DbSql.READER));
        } catch (SQLException e) {
            throw new IllegalStateException("could not prepare the embedded database's roles: " + e.getMessage(), e);
        }
        try (Connection c = connect(superuser(DATABASE)); Statement s = c.createStatement()) {
            s.execute(DbSql.TRANSFER_OWNERSHIP);
        } catch (SQLException e) {
            throw new IllegalStateException("could not pass the embedded database's objects to the role " + OWNER + ": " + e.getMessage(), e);
        }
    }

    /** Does the database postgres hold ZoneWatch's tables (a data directory from before the owner role)? */
    private boolean legacyData() throws SQLException {
        try (Connection c = connect(superuser("postgres")); Statement s = c.createStatement()) {
            return exists(s, DbSql.FLYWAY_HISTORY_EXISTS);
        } catch (SQLException e) {
            if ("3D000".equals(e.getSQLState())) return false;   // no database postgres
            throw e;
        }
    }

    private static boolean exists(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            return rs.next();
        }
    }

    static Connection connect(DbTarget target) throws SQLException {
        return DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
    }

    /** The server's programs run against one data directory. */
    static final class Cluster {
        private final PostgresBinaries bin;
        private final Path pgData;

        Cluster(PostgresBinaries bin, Path pgData) {
            this.bin = bin;
            this.pgData = pgData;
        }

        /**
         * A new cluster, made in a directory beside the final one and renamed into place when complete:
         * an initdb killed half-way leaves no data directory that looks usable.
         */
        void initdb(String superuserPassword) throws IOException {
            Path staging = pgData.resolveSibling(pgData.getFileName() + ".initdb");
            if (Files.exists(staging)) PostgresBinaries.deleteTree(staging);
            if (Files.exists(pgData)) {
                try (Stream<Path> entries = Files.list(pgData)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalStateException(pgData + " exists but holds no PostgreSQL data directory (no PG_VERSION): "
                                + "move it away or point ZONEWATCH_DATA_DIR elsewhere");
                    }
                }
                Files.delete(pgData);
            }
            Path pwfile = pgData.resolveSibling("initdb.pw");
            Files.deleteIfExists(pwfile);
            Files.createFile(pwfile, PosixFilePermissions.asFileAttribute(EmbeddedCredentials.OWNER_ONLY));
            try {
                Files.writeString(pwfile, superuserPassword + "\n");
                run(bin.command("initdb", "-D", staging.toString(), "-U", SUPERUSER, "--pwfile=" + pwfile,
                        "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C"), "initdb", 300);
            } finally {
                Files.deleteIfExists(pwfile);
            }
            Files.move(staging, pgData, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("Created the embedded PostgreSQL data directory {}", pgData);
        }

        void checkVersion() throws IOException {
            String data = Files.readString(pgData.resolve("PG_VERSION")).trim();
            String binaries = run(bin.command("postgres", "--version"), "postgres --version", 30).replaceAll("(?s).*?(\\d+)\\..*", "$1").trim();
            if (!data.equals(binaries)) {
                throw new IllegalStateException("the embedded data directory " + pgData + " was made by PostgreSQL " + data
                        + ", this ZoneWatch ships PostgreSQL " + binaries + ": upgrade it with pg_upgrade, or dump and restore it");
            }
        }

        /** Runs SQL in single-user mode (the server must be down); no login, so it can set the superuser's password. */
        void singleUser(String sql) throws IOException {
            Process p = new ProcessBuilder(bin.command("postgres", "--single", "-D", pgData.toString(), "template1"))
                    .redirectErrorStream(true).start();
            try (var in = p.getOutputStream()) {
                in.write((sql + "\n").getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!waitFor(p, 120) || p.exitValue() != 0 || out.contains("ERROR:") || out.contains("FATAL:")) {
                throw new IllegalStateException("PostgreSQL single-user mode failed in " + pgData + ": " + tail(out, 10));
            }
        }

        /**
         * Only password logins over 127.0.0.1 (the server has no Unix socket). Rewritten at every start:
         * the file is ZoneWatch's, and a data directory from a version with trust logins is converted.
         */
        void writeHba() throws IOException {
            Files.writeString(pgData.resolve("pg_hba.conf"), """
                    # Written by ZoneWatch at every start of its embedded PostgreSQL; changes here are overwritten.
                    # Password logins (SCRAM-SHA-256) from this machine only; no trust, no peer, no Unix socket.
                    # TYPE  DATABASE  USER  ADDRESS       METHOD
                    host    all       all   127.0.0.1/32  scram-sha-256
                    """);
        }

        /** Starts the server on a free port of 127.0.0.1 (another free port if that one is taken meanwhile). */
        int start() throws IOException {
            Path log = pgData.resolve("log");
            Files.createDirectories(log);
            IllegalStateException last = null;
            for (int attempt = 0; attempt < 5; attempt++) {
                int port = freePort();
                String options = String.join(" ",
                        "-p", String.valueOf(port),
                        "-c", "listen_addresses=127.0.0.1",
                        "-c", "unix_socket_directories=''",
                        // Durability: explicit, and on the command line, where no configuration file overrides it.
                        "-c", "fsync=on",
                        "-c", "synchronous_commit=on",
                        "-c", "full_page_writes=on",
                        "-c", "password_encryption=scram-sha-256",
                        "-c", "max_connections=200",
                        "-c", "timezone=UTC",
                        // A week of logs at most: one file per weekday, overwritten a week later.
                        "-c", "logging_collector=on",
                        "-c", "log_directory=log",
                        "-c", "log_filename=postgresql-%a.log",
                        "-c", "log_truncate_on_rotation=on",
                        "-c", "log_rotation_age=1440",
                        "-c", "log_rotation_size=0");
                Path startLog = log.resolve("start.log");
                long before = Files.exists(startLog) ? Files.size(startLog) : 0;
                try {
                    run(bin.command("pg_ctl", "start", "-D", pgData.toString(), "-w", "-t", String.valueOf(START_TIMEOUT_S),
                            "-l", startLog.toString(), "-o", options), "pg_ctl start", START_TIMEOUT_S + 30);
                    return port;
                } catch (IllegalStateException e) {
                    String said = newLines(startLog, before) + latestServerLog(log);
                    if (said.contains("could not bind") || said.contains("Address already in use")) {
                        last = e;
                        continue;
                    }
                    throw new IllegalStateException("the embedded PostgreSQL in " + pgData + " did not start. Its log says:\n"
                            + tail(said, 15) + "\nHint: the full logs are in " + log
                            + "; if another program manages this data directory, stop it or give ZoneWatch its own ZONEWATCH_DATA_DIR", e);
                }
            }
            throw new IllegalStateException("the embedded PostgreSQL found no free port on 127.0.0.1", last);
        }

        void stop(String mode) {
            if (!Files.exists(pgData.resolve("postmaster.pid"))) return;
            run(bin.command("pg_ctl", "stop", "-D", pgData.toString(), "-m", mode, "-w", "-t", String.valueOf(STOP_TIMEOUT_S)),
                    "pg_ctl stop", STOP_TIMEOUT_S + 30);
        }

        /**
         * What a crash leaves behind: a server still running for a service that was killed, the server's
         * own processes when the postmaster itself was killed, a stale postmaster.pid. Called with the data
         * directory's lock held, so nothing found here belongs to a running ZoneWatch.
         */
        void stopLeftovers() throws IOException {
            Path pidFile = pgData.resolve("postmaster.pid");
            Optional<ProcessHandle> postmaster = Optional.empty();
            if (Files.exists(pidFile)) {
                List<String> lines = Files.readAllLines(pidFile);
                if (!lines.isEmpty() && lines.get(0).trim().matches("\\d+")) {
                    postmaster = ProcessHandle.of(Long.parseLong(lines.get(0).trim())).filter(this::usesDataDirectory);
                }
            }
            if (postmaster.isPresent()) {
                LOG.warn("A PostgreSQL server left running by an earlier ZoneWatch (pid {}) uses {}: stopping it", postmaster.get().pid(), pgData);
                try {
                    stop("fast");
                } catch (RuntimeException e) {
                    LOG.warn("It did not stop in {} s ({}): stopping it at once", STOP_TIMEOUT_S, e.getMessage());
                    try {
                        stop("immediate");
                    } catch (RuntimeException again) {
                        postmaster.get().destroyForcibly();
                    }
                }
            }
            List<ProcessHandle> left = processesUsingDataDirectory();
            if (!left.isEmpty()) {
                LOG.warn("{} processes of a killed PostgreSQL server still use {} (pids {}): ending them", left.size(), pgData,
                        left.stream().map(h -> String.valueOf(h.pid())).toList());
                for (ProcessHandle h : left) h.destroyForcibly();
                for (ProcessHandle h : left) {
                    try {
                        h.onExit().get(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException("process " + h.pid() + " of an earlier PostgreSQL server in " + pgData
                                + " does not exit: end it by hand (kill -9 " + h.pid() + ")");
                    }
                }
            }
            if (Files.deleteIfExists(pidFile)) LOG.info("Removed the stale {}", pidFile);
        }

        List<ProcessHandle> processesUsingDataDirectory() {
            try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
                return all.filter(h -> h.pid() != ProcessHandle.current().pid()).filter(this::usesDataDirectory).toList();
            }
        }

        /** PostgreSQL's processes all run in the data directory: /proc/PID/cwd tells whose they are. */
        private boolean usesDataDirectory(ProcessHandle h) {
            try {
                Path cwd = Files.readSymbolicLink(Path.of("/proc", String.valueOf(h.pid()), "cwd"));
                return cwd.equals(pgData.toRealPath()) && h.isAlive();
            } catch (IOException | SecurityException | UnsupportedOperationException e) {
                return false;   // gone, or not ours to look at
            }
        }

        private String run(List<String> command, String what, int timeoutSeconds) {
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                // The output is small; read it whole (pg_ctl's server runs detached, with its own log).
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!waitFor(p, timeoutSeconds)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(what + " did not finish in " + timeoutSeconds + " s");
                }
                if (p.exitValue() != 0) throw new IllegalStateException(what + " failed (exit " + p.exitValue() + "): " + tail(out, 10));
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(what + " could not run", e);
            }
        }

        private static boolean waitFor(Process p, int seconds) {
            try {
                return p.waitFor(seconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        private static String newLines(Path file, long from) {
            try {
                if (!Files.exists(file)) return "";
                byte[] all = Files.readAllBytes(file);
                return new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }

        private static String latestServerLog(Path dir) {
            try (Stream<Path> files = Files.list(dir)) {
                Optional<Path> latest = files.filter(p -> p.getFileName().toString().startsWith("postgresql-"))
                        .max(java.util.Comparator.comparingLong(p -> p.toFile().lastModified()));
                return latest.isPresent() ? tail(Files.readString(latest.get()), 15) : "";
            } catch (IOException e) {
                return "";
            }
        }
    }

    static String tail(String text, int lines) {
        List<String> all = new ArrayList<>(List.of(text.strip().split("\n")));
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
