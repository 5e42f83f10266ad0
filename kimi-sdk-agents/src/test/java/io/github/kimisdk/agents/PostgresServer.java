package io.github.kimisdk.agents;

import io.github.kimisdk.agents.cli.TestDataSources;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL server for tests, started from the machine's own binaries ({@code initdb},
 * {@code pg_ctl}) in a temporary directory on a free loopback port, and stopped after. Root may not
 * run PostgreSQL: as root, the server runs as the {@code postgres} user (which Debian's package
 * creates), through {@code runuser}.
 */
final class PostgresServer implements AutoCloseable {
  private final Path home;
  private final Path bin;
  private final String user;
  private final int port;

  private PostgresServer(Path home, Path bin, String user, int port) {
    this.home = home;
    this.bin = bin;
    this.user = user;
    this.port = port;
  }

  /** The directory of {@code initdb} and {@code pg_ctl}, or null when this machine has none. */
  static Path binaries() {
    List<Path> candidates = new ArrayList<>();
    Path lib = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(lib)) {
      try (Stream<Path> versions = Files.list(lib)) {
        versions.sorted(Comparator.reverseOrder()).forEach(v -> candidates.add(v.resolve("bin")));
      } catch (IOException e) {
        // no versions listed: the PATH may still have them
      }
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir));
      }
    }
    for (Path c : candidates) {
      if (Files.isExecutable(c.resolve("initdb")) && Files.isExecutable(c.resolve("pg_ctl"))) {
        return c;
      }
    }
    return null;
  }

  /** Why no server can start here, or null when one can. */
  static String unavailable() {
    if (binaries() == null) {
      return "no PostgreSQL server binaries (initdb, pg_ctl) on this machine; .ci/run installs"
          + " them (apt-get install postgresql)";
    }
    return null;
  }

  /**
   * One server for a test class, registered as a static {@code @RegisterExtension} field: started
   * before the class's {@code @BeforeAll} methods (the class is skipped, with the reason, where
   * this machine has no PostgreSQL), stopped after its last test.
   */
  static final class PerClass implements BeforeAllCallback, AfterAllCallback {
    private PostgresServer server;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
      String why = unavailable();
      Assumptions.assumeTrue(why == null, why);
      server = start(false);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
      if (server != null) {
        server.close();
        server = null;
      }
    }

    /** The running server. */
    PostgresServer server() {
      if (server == null) {
        throw new IllegalStateException("the server runs from the class's start to its end");
      }
      return server;
    }
  }

  static PostgresServer start(boolean durable) throws IOException, InterruptedException {
    Path bin = binaries();
    boolean root = "root".equals(System.getProperty("user.name"));
    String user = root ? "postgres" : null;
    Path home = Files.createTempDirectory("kimi-pg-");
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path data = home.resolve("data");
    Path sockets = home.resolve("sockets");
    Files.createDirectories(sockets);
    if (root) {
      run(List.of("chown", "-R", user, home.toString()), Duration.ofSeconds(30));
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    PostgresServer server = new PostgresServer(home, bin, user, port);
    server.as(
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            "kimi",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync"),
        Duration.ofMinutes(2));
    String options =
        "-p "
            + port
            + " -k "
            + sockets
            + " -c listen_addresses=127.0.0.1"
            + (durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
    server.as(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            data.toString(),
            "-o",
            options,
            "-l",
            home.resolve("server.log").toString(),
            "-w",
            "-t",
            "60",
            "start"),
        Duration.ofSeconds(90));
    return server;
  }

  DataSource dataSource() {
    return TestDataSources.of("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "kimi");
  }

  /** The JDBC URL of the server's {@code postgres} database. */
  String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  private void as(List<String> command, Duration timeout) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (user != null) {
      full.addAll(List.of("runuser", "-u", user, "--"));
    }
    full.addAll(command);
    run(full, timeout);
  }

  private static void run(List<String> command, Duration timeout)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(
          String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
    }
  }

  @Override
  public void close() throws IOException {
    try {
      as(
          List.of(
              bin.resolve("pg_ctl").toString(),
              "-D",
              home.resolve("data").toString(),
              "-m",
              "immediate",
              "-w",
              "stop"),
          Duration.ofSeconds(60));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try (Stream<Path> all = Files.walk(home)) {
        all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
