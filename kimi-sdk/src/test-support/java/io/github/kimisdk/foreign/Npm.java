package io.github.kimisdk.foreign;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Pinned npm packages for tests against servers and clients we did not write: each set of packages
 * is installed once per machine into a cache folder, and a test that needs one is skipped (never
 * failed) with a message saying why when Node, npm or the registry is missing.
 *
 * <p>The cache is {@code ~/.cache/kimi-sdk-http-tests/npm/<hash of the specs>} unless the system
 * property or environment variable {@code KIMI_SDK_NPM_CACHE} names another folder. Set {@code
 * KIMI_SDK_NO_NPM=1} to skip every such test without trying. Installs from several JVMs at once
 * (two worktrees, two CI steps) are serialised by a file lock.
 */
public final class Npm {

  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
  private static final ConcurrentHashMap<String, Path> INSTALLED = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<String, String> FAILED = new ConcurrentHashMap<>();

  private Npm() {}

  /**
   * Refuses {@code specs} unless each pins an exact version ({@code name@version}); {@link
   * #install} checks them so before it starts npm.
   */
  static void requirePinned(String... specs) {
    if (specs.length == 0) {
      throw new IllegalArgumentException("no package to install");
    }
    for (String s : specs) {
      int at = s.lastIndexOf('@');
      if (at <= 0 || at == s.length() - 1) {
        throw new IllegalArgumentException("pin an exact version (name@version): " + s);
      }
    }
  }

  /**
   * Returns the install folder of {@code specs} (each pinned, such as {@code
   * "@modelcontextprotocol/server-everything@2026.8.31"}), installing them on first use; aborts the
   * calling test (JUnit assumption) when they cannot be had.
   */
  public static Path install(String... specs) {
    requirePinned(specs);
    String key = String.join(" ", specs);
    return once(key, () -> doInstall(key, specs));
  }

  /** What installs a set of packages; throws the reason when it cannot. */
  @FunctionalInterface
  private interface Installer {
    Path install() throws SkipReason;
  }

  /**
   * Installs once per JVM what {@code key} names (and once per machine: the installer's marker
   * file), or aborts the calling test with the reason it cannot be had, now and on every later
   * call.
   */
  private static Path once(String key, Installer installer) {
    String skip = setting("KIMI_SDK_NO_NPM");
    Assumptions.assumeTrue(
        skip == null || skip.isEmpty() || skip.equals("0"),
        "KIMI_SDK_NO_NPM is set: skipping the test that needs " + key);
    String failed = FAILED.get(key);
    Assumptions.assumeTrue(failed == null, () -> failed);
    Path done = INSTALLED.get(key);
    if (done != null) {
      return done;
    }
    synchronized (Npm.class) {
      done = INSTALLED.get(key);
      if (done != null) {
        return done;
      }
      try {
        Path dir = installer.install();
        INSTALLED.put(key, dir);
        return dir;
      } catch (SkipReason e) {
        FAILED.put(key, e.getMessage());
        Assumptions.abort(e.getMessage());
        throw new AssertionError("unreachable");
      }
    }
  }

  /**
   * Returns the executable {@code node_modules/.bin/name} of an install folder; aborts the test
   * when the package did not install one.
   */
  public static Path bin(Path installDir, String name) {
    Path p = installDir.resolve("node_modules").resolve(".bin").resolve(name);
    Assumptions.assumeTrue(
        Files.isExecutable(p), "npm installed no executable " + name + " in " + installDir);
    return p;
  }

  /** Returns the {@code node} executable, aborting the test when there is none. */
  public static String node() {
    Assumptions.assumeTrue(runs("node", "--version"), "node is not on the PATH");
    return "node";
  }

  /**
   * Returns the install folder of the npm project whose {@code package.json} and {@code
   * package-lock.json} are in {@code project} (every version, transitive ones included, pinned by
   * the lock file), installed with {@code npm ci} once per machine into the cache under a folder
   * named by the two files' digest; aborts the calling test (JUnit assumption) when it cannot be
   * had. The project's other files are not copied: run its scripts from where they are, with the
   * returned folder's {@code node_modules} (for Node's module resolution, a symbolic link or
   * {@code NODE_PATH}).
   */
  public static Path installLocked(Path project) {
    byte[] manifest;
    byte[] lock;
    try {
      manifest = Files.readAllBytes(project.resolve("package.json"));
      lock = Files.readAllBytes(project.resolve("package-lock.json"));
    } catch (IOException e) {
      throw new UncheckedIOException("no npm project with a lock file in " + project, e);
    }
    String key = "npm ci " + project.getFileName() + " " + digest(manifest) + digest(lock);
    Path dir = cacheRoot().resolve(hash(key));
    return once(
        key,
        () ->
            doInstall(
                key,
                dir,
                List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"),
                () -> {
                  Files.write(dir.resolve("package.json"), manifest);
                  Files.write(dir.resolve("package-lock.json"), lock);
                }));
  }

  private static String digest(byte[] bytes) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Writes what an install needs into its folder. */
  @FunctionalInterface
  private interface Prepare {
    void run() throws IOException;
  }

  private static Path doInstall(String key, String[] specs) throws SkipReason {
    Path dir = cacheRoot().resolve(hash(key));
    List<String> cmd = new ArrayList<>();
    cmd.add("npm");
    cmd.add("install");
    cmd.add("--no-audit");
    cmd.add("--no-fund");
    cmd.add("--no-save");
    cmd.add("--no-package-lock");
    cmd.add("--loglevel=error");
    cmd.add("--prefix");
    cmd.add(dir.toString());
    cmd.addAll(List.of(specs));
    return doInstall(
        key,
        dir,
        cmd,
        () -> Files.writeString(dir.resolve("package.json"), "{\"private\":true}\n"));
  }

  private static Path doInstall(String key, Path dir, List<String> cmd, Prepare prepare)
      throws SkipReason {
    if (!runs("npm", "--version")) {
      throw new SkipReason("npm is not on the PATH: cannot install " + key);
    }
    Path marker = dir.resolve(".kimi-sdk-installed");
    try {
      Files.createDirectories(dir);
      try (FileChannel ch =
          FileChannel.open(
              dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        FileLock lock = ch.lock(); // released when the channel closes
        assert lock.isValid();
        if (Files.isRegularFile(marker)
            && Files.readString(marker, StandardCharsets.UTF_8).equals(key)) {
          return dir;
        }
        prepare.run();
        Process p =
            new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("npm-install.log").toFile())
                .start();
        p.getOutputStream().close();
        if (!p.waitFor(INSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new SkipReason(
              "npm install "
                  + key
                  + " did not finish within "
                  + INSTALL_TIMEOUT.toMinutes()
                  + " min (no registry?); see "
                  + dir.resolve("npm-install.log"));
        }
        if (p.exitValue() != 0) {
          throw new SkipReason(
              "npm install "
                  + key
                  + " failed (exit "
                  + p.exitValue()
                  + "): "
                  + tail(dir.resolve("npm-install.log")));
        }
        Files.writeString(marker, key, StandardCharsets.UTF_8);
        return dir;
      }
    } catch (IOException e) {
      throw new SkipReason("cannot install " + key + " with npm: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SkipReason("interrupted while installing " + key);
    }
  }

  private static Path cacheRoot() {
    String s = setting("KIMI_SDK_NPM_CACHE");
    if (s != null && !s.isEmpty()) {
      return Path.of(s);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "kimi-sdk-http-tests", "npm");
  }

  private static String setting(String name) {
    String p = System.getProperty(name);
    return p != null ? p : System.getenv(name);
  }

  private static boolean runs(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      try (InputStream in = p.getInputStream()) {
        in.readAllBytes();
      }
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String tail(Path log) {
    try {
      String s = Files.readString(log, StandardCharsets.UTF_8).strip();
      return s.length() > 600 ? "..." + s.substring(s.length() - 600) : s;
    } catch (IOException | UncheckedIOException e) {
      return "(no log)";
    }
  }

  private static String hash(String key) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      String name = key.replaceAll("[^A-Za-z0-9.@-]+", "_").toLowerCase(Locale.ROOT);
      if (name.length() > 60) {
        name = name.substring(0, 60);
      }
      return name + "-" + HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Why a package cannot be had here; the test is skipped with this message. */
  private static final class SkipReason extends Exception {
    private static final long serialVersionUID = 1L;

    SkipReason(String message) {
      super(message);
    }
  }
}
