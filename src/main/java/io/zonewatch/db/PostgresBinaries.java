package io.zonewatch.db;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The PostgreSQL programs of the embedded mode: the archive that ships in the jar (zonky's binaries
 * artifact) unpacked once into a directory named after the archive's digest, so that every start, and
 * every process on the machine, uses the same complete copy. Unpacking goes to a private directory
 * first and is renamed into place whole, so a start killed half-way never leaves a partial copy.
 */
public final class PostgresBinaries {
    private final Path home;
    private final boolean unshare;

    private PostgresBinaries(Path home, boolean unshare) {
        this.home = home;
        this.unshare = unshare;
    }

    /** Unpacks (or finds unpacked) the binaries for this machine under {@code cacheRoot}. */
    public static PostgresBinaries prepare(Path cacheRoot) {
        try {
            byte[] archive;
            try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(os(), architecture())) {
                archive = in.readAllBytes();
            }
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(archive)).substring(0, 16);
            Path home = cacheRoot.resolve("pg-" + digest);
            if (!Files.isExecutable(home.resolve("bin/postgres"))) unpack(archive, home);
            return new PostgresBinaries(home, UserNamespace.needed());
        } catch (IOException e) {
            throw new UncheckedIOException("could not unpack the embedded PostgreSQL into " + cacheRoot, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The command line of one of the programs (initdb, pg_ctl, postgres), run in a user namespace when we are root. */
    public List<String> command(String program, String... args) {
        List<String> cmd = new ArrayList<>();
        if (unshare) cmd.addAll(UserNamespace.PREFIX);
        cmd.add(home.resolve("bin").resolve(program).toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    public Path home() {
        return home;
    }

    private static void unpack(byte[] archive, Path home) throws IOException {
        Files.createDirectories(home.getParent());
        Path staging = Files.createTempDirectory(home.getParent(), home.getFileName() + ".unpacking-");
        try {
            try (TarArchiveInputStream tar = new TarArchiveInputStream(
                    new XZCompressorInputStream(new BufferedInputStream(new ByteArrayInputStream(archive))))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path target = staging.resolve(entry.getName()).normalize();
                    if (!target.startsWith(staging)) throw new IOException("archive entry outside its directory: " + entry.getName());
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                    } else if (entry.isSymbolicLink()) {
                        Files.createDirectories(target.getParent());
                        Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                        if ((entry.getMode() & 0100) != 0) {
                            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(target);
                            perms.add(PosixFilePermission.OWNER_EXECUTE);
                            perms.add(PosixFilePermission.GROUP_EXECUTE);
                            perms.add(PosixFilePermission.OTHERS_EXECUTE);
                            Files.setPosixFilePermissions(target, perms);
                        }
                    }
                }
            }
            try {
                Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
                // Another process unpacked the same archive first: its copy is as good as ours.
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename " + staging + " into place", e);
            }
        } finally {
            if (Files.exists(staging)) deleteTree(staging);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static String os() {
        String name = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        if (name.contains("linux")) return "Linux";
        if (name.contains("mac")) return "Darwin";
        if (name.contains("win")) return "Windows";
        return name;
    }

    private static String architecture() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm_64";
            default -> arch;
        };
    }

    /**
     * PostgreSQL refuses to run as root. When the service is root (a container's default user), its
     * PostgreSQL runs in a new user namespace ({@code unshare -U}), where it is an unprivileged user.
     */
    static final class UserNamespace {
        static final List<String> PREFIX = List.of("unshare", "-U");

        private UserNamespace() {
        }

        static boolean needed() {
            if (!isRoot()) return false;
            try {
                Process p = new ProcessBuilder(List.of("unshare", "-U", "id", "-u")).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes()).trim();
                if (p.waitFor() == 0 && !"0".equals(out)) return true;
            } catch (IOException e) {
                // no unshare on this machine
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("the embedded PostgreSQL cannot run as root and 'unshare -U' is not available here: "
                    + "run ZoneWatch as an unprivileged user, or set ZONEWATCH_DB_URL to a PostgreSQL server of your own");
        }

        private static boolean isRoot() {
            try {
                Process p = new ProcessBuilder(List.of("id", "-u")).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes()).trim();
                return p.waitFor() == 0 && "0".equals(out);
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
