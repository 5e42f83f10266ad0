package io.github.kimisdk.agents;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps runs in a directory, one subdirectory per run: no setup, for one machine (or a local file
 * system its workers share; not NFS, whose locks are not to be relied on). Each record is a file
 * written whole to a temporary file, forced to disk, moved over the old one atomically, and its
 * directory forced too: a write that returns survives a crash of the process or the machine, and a
 * reader never sees half a record.
 *
 * <p><b>The claim</b> is an operating-system lock on the run's {@code claim.lock} file, held by the
 * worker's process for the claim's whole life, and a {@code claim} file naming the holder, its
 * fencing token and the end of its lease. The system releases the lock the moment the holder's
 * process dies (a {@code kill -9} included), so another worker claims the run at once: a crash
 * costs no lease. A holder that is alive but stopped renewing (stuck) is taken over when its lease
 * lapses, and fenced out as in every store. The claim file is read and changed only under a short
 * lock on the run's {@code lock} file and, within this process, a lock of its own.
 *
 * <pre>{@code
 * Agent agent = Agent.builder(kimi, "kimi-k3")
 *     .store(FileRunStore.of(Path.of("runs")))
 *     .key(RunKey.fromEnv("KIMI_AGENT_KEY"))
 *     .tool(transfer)
 *     .build();
 * }</pre>
 *
 * <p>Layout: {@code DIR/RUN_ID/claim} (the holder, its token and the end of its lease, JSON),
 * {@code DIR/RUN_ID/claim.lock} (what the holder's process locks), {@code DIR/RUN_ID/lock} (the
 * short lock around reading and changing the claim), {@code DIR/RUN_ID/state.rec} (the saved {@link
 * RunState}), {@code DIR/RUN_ID/call_000003_0001.rec} (one tool call's record). Thread-safe.
 */
public final class FileRunStore implements RunStore {
  private static final ReentrantLock[] STRIPES = new ReentrantLock[64];

  static {
    for (int i = 0; i < STRIPES.length; i++) {
      STRIPES[i] = new ReentrantLock();
    }
  }

  /**
   * The operating-system locks this process holds on runs' {@code claim.lock} files, by file, with
   * the token of the claim each serves: the system allows one lock per file per process, so a claim
   * taken over within the process keeps it.
   */
  private static final java.util.Map<Path, OsLock> HELD = new java.util.HashMap<>(); // guarded

  private record OsLock(FileLock lock, String token) {}

  private final Path dir;

  private FileRunStore(Path dir) {
    this.dir = dir;
  }

  /**
   * Returns a store that keeps runs under {@code dir}, created when missing.
   *
   * @param dir the directory
   * @return the store
   * @throws NullPointerException if {@code dir} is null
   * @throws RunStoreException if the directory cannot be created
   */
  public static FileRunStore of(Path dir) {
    Objects.requireNonNull(dir, "dir must not be null");
    Path abs = dir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(abs);
    } catch (IOException e) {
      throw new RunStoreException("cannot create the run store's directory " + abs, e);
    }
    return new FileRunStore(abs);
  }

  /**
   * Returns the directory.
   *
   * @return the absolute directory
   */
  public Path directory() {
    return dir;
  }

  @Override
  public Claim claim(String runId, String owner, Instant now, Instant until) {
    Objects.requireNonNull(owner, "owner must not be null");
    return locked(
        Ids.runId(runId),
        run -> {
          Held current = readClaim(run);
          boolean lapsed = current == null || current.until <= now.toEpochMilli();
          Path lockFile = run.resolve("claim.lock");
          synchronized (HELD) {
            boolean ours = HELD.containsKey(lockFile);
            if (!ours && !lapsed && !tryHold(lockFile)) {
              return new Claim.Taken(runId, current.owner, Instant.ofEpochMilli(current.until));
            }
            if (ours && !lapsed) {
              // a live claim of this process: taken, as in any store
              return new Claim.Taken(runId, current.owner, Instant.ofEpochMilli(current.until));
            }
            if (!HELD.containsKey(lockFile)) {
              tryHold(lockFile); // a lapsed holder may still hold it: then the lease alone fences
            }
            Claim.Held held = new Claim.Held(runId, owner, Ids.newToken(), until);
            OsLock l = HELD.get(lockFile);
            if (l != null) {
              HELD.put(lockFile, new OsLock(l.lock(), held.token()));
            }
            writeClaim(run, held);
            return held;
          }
        });
  }

  /**
   * Takes the operating-system lock on a run's claim file unless another process holds it; true
   * when this process holds it now. Called under HELD's monitor.
   */
  private static boolean tryHold(Path lockFile) throws IOException {
    FileChannel ch =
        FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      ch.close();
      return false;
    }
    HELD.put(lockFile, new OsLock(lock, ""));
    return true;
  }

  /** Lets go of the operating-system lock this process holds for a claim, if it holds one. */
  private static void letGo(Path run, Claim.Held claim) throws IOException {
    Path lockFile = run.resolve("claim.lock");
    OsLock l;
    synchronized (HELD) {
      l = HELD.get(lockFile);
      if (l == null || !l.token().equals(claim.token())) {
        return;
      }
      HELD.remove(lockFile);
    }
    l.lock().acquiredBy().close(); // closing the channel releases its lock
  }

  @Override
  public boolean renew(Claim.Held claim, Instant until) {
    return locked(
        claim.runId(),
        run -> {
          if (!holds(run, claim)) {
            return false;
          }
          writeClaim(run, claim.renewed(until));
          return true;
        });
  }

  @Override
  public void release(Claim.Held claim) {
    locked(
        claim.runId(),
        run -> {
          if (holds(run, claim)) {
            Files.deleteIfExists(run.resolve("claim"));
            force(run);
          }
          letGo(run, claim);
          return null;
        });
  }

  @Override
  public void put(Claim.Held claim, String key, byte[] value) {
    Ids.key(key);
    Objects.requireNonNull(value, "value must not be null");
    locked(
        claim.runId(),
        run -> {
          if (!holds(run, claim)) {
            throw new ClaimLostException(claim.runId());
          }
          write(run, fileName(key), value);
          return null;
        });
  }

  @Override
  public byte[] get(String runId, String key) {
    Path file = dir.resolve(Ids.runId(runId)).resolve(fileName(Ids.key(key)));
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new RunStoreException("cannot read " + file, e);
    }
  }

  @Override
  public void putState(Claim.Held claim, byte[] state, RunSummary summary) {
    Objects.requireNonNull(state, "state must not be null");
    byte[] found = summary.toJson().getBytes(StandardCharsets.UTF_8);
    locked(
        claim.runId(),
        run -> {
          if (!holds(run, claim)) {
            throw new ClaimLostException(claim.runId());
          }
          write(run, fileName(Ids.STATE), state);
          write(run, "summary.json", found);
          return null;
        });
  }

  /**
   * Lists runs by reading each run's summary and claim: time linear in the runs the directory
   * holds, memory bounded by the page (a fleet that lists often keeps its runs in a database).
   */
  @Override
  public RunPage list(RunQuery query) {
    java.util.PriorityQueue<RunSummary> best =
        new java.util.PriorityQueue<>(java.util.Comparator.comparing(RunQuery::token).reversed());
    try (java.nio.file.DirectoryStream<Path> runs = Files.newDirectoryStream(dir)) {
      for (Path run : runs) {
        RunSummary s = listed(run);
        if (s == null || !query.afterToken(s) || !query.matches(s)) {
          continue;
        }
        best.add(s);
        if (best.size() > query.limit() + 1) {
          best.poll();
        }
      }
    } catch (IOException e) {
      throw new RunStoreException("the run store at " + dir + " could not list its runs", e);
    }
    java.util.List<RunSummary> sorted = new java.util.ArrayList<>(best);
    sorted.sort(java.util.Comparator.comparing(RunQuery::token));
    return RunPage.of(sorted, query.limit());
  }

  /** A run's summary with its claim as it stands: none when its holder's process died. */
  private RunSummary listed(Path run) throws IOException {
    String runId = run.getFileName().toString();
    if (!Ids.isRunId(runId) || !Files.isDirectory(run)) {
      return null;
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(run.resolve("summary.json"));
    } catch (NoSuchFileException e) {
      return null; // a run saved before summaries, or being created
    }
    RunSummary s;
    try {
      s = RunSummary.fromJson(new String(bytes, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return null;
    }
    Held c = locked(runId, this::liveClaim);
    return c == null ? s : s.claimed(c.owner, Instant.ofEpochMilli(c.until));
  }

  /** The run's claim while its holder's process lives; null when there is none or it died. */
  private Held liveClaim(Path run) throws IOException {
    Held c = readClaim(run);
    if (c == null) {
      return null;
    }
    Path lockFile = run.resolve("claim.lock");
    synchronized (HELD) {
      if (HELD.containsKey(lockFile)) {
        return c;
      }
      if (tryHold(lockFile)) { // its holder's process is gone: let go again at once
        OsLock l = HELD.remove(lockFile);
        l.lock().acquiredBy().close();
        return null;
      }
    }
    return c;
  }

  @Override
  public boolean delete(String runId, Instant now) {
    return locked(
        Ids.runId(runId),
        run -> {
          Held c = liveClaim(run);
          if (c != null && c.until > now.toEpochMilli()) {
            return false;
          }
          boolean had =
              Files.exists(run.resolve("summary.json")) || Files.exists(run.resolve("state.rec"));
          try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(run)) {
            for (Path f : files) {
              if (!f.getFileName().toString().equals("lock")) {
                Files.deleteIfExists(f);
              }
            }
          }
          force(run);
          return had;
        });
  }

  @Override
  public boolean release(String runId, String holder) {
    Objects.requireNonNull(holder, "holder must not be null");
    return locked(
        Ids.runId(runId),
        run -> {
          Held c = readClaim(run);
          if (c == null || !c.owner.equals(holder)) {
            return false;
          }
          Files.delete(run.resolve("claim"));
          force(run);
          return true;
        });
  }

  @Override
  public boolean forceRelease(String runId) {
    return locked(
        Ids.runId(runId),
        run -> {
          boolean had = Files.deleteIfExists(run.resolve("claim"));
          force(run);
          return had;
        });
  }

  private static String fileName(String key) {
    return key.replace('/', '_') + ".rec";
  }

  /** A claim as its file holds it. */
  private record Held(String owner, String token, long until) {}

  private static Held readClaim(Path run) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(run.resolve("claim"));
    } catch (NoSuchFileException e) {
      return null;
    }
    JsonValue v = Json.parse(bytes);
    return new Held(v.get("owner").asString(), v.get("token").asString(), v.get("until").asLong());
  }

  private static void writeClaim(Path run, Claim.Held claim) throws IOException {
    JsonObject o =
        JsonObject.builder()
            .put("owner", JsonString.of(claim.owner()))
            .put("token", JsonString.of(claim.token()))
            .put("until", claim.until().toEpochMilli())
            .build();
    write(run, "claim", Json.write(o).getBytes(StandardCharsets.UTF_8));
  }

  private static boolean holds(Path run, Claim.Held claim) throws IOException {
    Held current = readClaim(run);
    return current != null && current.token.equals(claim.token());
  }

  /** Writes a file whole and durably: a forced temporary file, moved atomically, its dir forced. */
  private static void write(Path run, String name, byte[] value) throws IOException {
    Path tmp = run.resolve(name + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(value);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    try {
      Files.move(
          tmp,
          run.resolve(name),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the file system of " + run + " cannot replace a file atomically", e);
    }
    force(run);
  }

  /** Forces a directory's entries to disk, where the system allows opening a directory. */
  private static void force(Path directory) throws IOException {
    try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (UnsupportedOperationException | java.nio.file.AccessDeniedException e) {
      // Windows opens no directory: its moves are durable on their own
    }
  }

  @FunctionalInterface
  private interface Locked<T> {
    T apply(Path run) throws IOException;
  }

  /** Runs {@code body} on a run's directory under this process's lock and the system's. */
  private <T> T locked(String runId, Locked<T> body) {
    Path run = dir.resolve(runId);
    ReentrantLock stripe = STRIPES[Math.floorMod(run.hashCode(), STRIPES.length)];
    stripe.lock();
    try {
      if (!Files.isDirectory(run)) {
        Files.createDirectories(run);
        force(dir);
      }
      try (FileChannel ch =
          FileChannel.open(
              run.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        FileLock lock = ch.lock();
        try {
          return body.apply(run);
        } finally {
          lock.release();
        }
      }
    } catch (IOException e) {
      throw new RunStoreException("the run store at " + dir + " failed on run " + runId, e);
    } finally {
      stripe.unlock();
    }
  }

  @Override
  public String toString() {
    return "FileRunStore[" + dir + "]";
  }
}
