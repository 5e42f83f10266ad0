package io.github.kimisdk.agents;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Holds the application's secret that makes what an agent saves tamper-evident and its decisions
 * portable ({@link Agent.Builder#key(RunKey)}): every record a run saves carries an HMAC-SHA256
 * under it, checked at every load, so an edit of the store (an amount and any digest beside it) is
 * found and the run refuses to act on it ({@link RunTamperedException}); and a decision can travel
 * as a token signed with it ({@link Agent#token(PendingCall)}), verified before the run is claimed.
 *
 * <p>An agent with a store is refused at {@link Agent.Builder#build()} without a key, unless it
 * opts out by name ({@link Agent.Builder#unsealed()}). Make a key once, with the agents jar's
 * command ({@code java -jar kimi-sdk-agents-VERSION.jar key --out FILE} writes one to a file only
 * its owner may read; {@code key} alone prints one) or {@link #createFile(Path)}, keep it in the
 * team's secret store, and read it where the workers run:
 *
 * <pre>{@code
 * RunKey key = RunKey.fromEnv("KIMI_AGENT_KEY");           // or RunKey.fromFile(a mounted secret)
 * Agent agent = Agent.builder(kimi, "kimi-k3").store(store).key(key).tool(transfer).build();
 * }</pre>
 *
 * <p><b>What a key stops, and what it cannot.</b> Whoever can write the store but does not hold the
 * key cannot change what a run will do: an edited amount (with every digest beside it), a decision
 * added, edited or removed, a record moved from another run, a run saved without the key, are each
 * refused when the run is loaded ({@link RunTamperedException}), and nothing runs. A decision token
 * cannot be forged without it. It cannot stop whoever holds the key (a worker's host, the secret
 * store), restore what was deleted (a deleted run is gone, not forged), or roll a run back to an
 * earlier state of its own that was saved under the key; nor does it hide what the store holds
 * (arguments, results and decisions are sealed, not encrypted).
 *
 * <p>Every worker of a store holds the same key. To change it, build the agents with {@link
 * #rotating(RunKey, RunKey...)}: the new key signs, the old ones are still accepted, until every
 * run saved under them has ended. A key never appears in {@link #toString()}, a message, a log or a
 * file the SDK writes. Instances are immutable and thread-safe.
 */
public final class RunKey {
  /** The fewest bytes a key may have: 128 bits. */
  public static final int MIN_BYTES = 16;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] current;
  private final List<byte[]> accepted;

  private RunKey(byte[] current, List<byte[]> accepted) {
    this.current = current;
    this.accepted = accepted;
  }

  /**
   * Returns a key of these bytes (32 random bytes from a {@code SecureRandom} or a secret manager).
   *
   * @param secret the key's bytes, copied; at least {@value #MIN_BYTES}
   * @return the key
   * @throws NullPointerException if {@code secret} is null
   * @throws IllegalArgumentException if it has fewer than {@value #MIN_BYTES} bytes
   */
  public static RunKey of(byte[] secret) {
    Objects.requireNonNull(secret, "secret must not be null");
    if (secret.length < MIN_BYTES) {
      throw new IllegalArgumentException(
          "a run key needs at least " + MIN_BYTES + " bytes; it has " + secret.length);
    }
    byte[] k = secret.clone();
    return new RunKey(k, List.of(k));
  }

  /**
   * Returns a new random key: 32 bytes from a {@link SecureRandom}. It lives in this process only
   * (nothing can read it back out): for a test, or a program whose runs end with it. A key that
   * workers share is made once and kept ({@link #createFile(Path)}, or the agents jar's {@code key}
   * command).
   *
   * @return the key
   */
  public static RunKey generate() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return new RunKey(b, List.of(b));
  }

  /**
   * Returns the key the environment variable holds, as Base64 text: how a worker reads the key its
   * deployment gives it.
   *
   * @param variable the variable's name, such as {@code KIMI_AGENT_KEY}
   * @return the key
   * @throws NullPointerException if {@code variable} is null
   * @throws IllegalArgumentException if the variable is not set, is blank, or does not hold a key
   *     (not Base64, or fewer than {@value #MIN_BYTES} bytes); the message names the variable and
   *     how to make a key, never its value
   */
  public static RunKey fromEnv(String variable) {
    return fromEnv(variable, System.getenv());
  }

  static RunKey fromEnv(String variable, Map<String, String> env) {
    Objects.requireNonNull(variable, "variable must not be null");
    String value = env.get(variable);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          "the environment variable "
              + variable
              + (value == null ? " is not set" : " is blank")
              + ": it holds the agents' run key, Base64 of 32 random bytes; make one with java"
              + " -jar kimi-sdk-agents-VERSION.jar key (or RunKey.createFile) and keep it in your"
              + " secret store");
    }
    try {
      return fromBase64(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the environment variable " + variable + " does not hold a run key: " + e.getMessage());
    }
  }

  /**
   * Returns the key a file holds, as Base64 text (what {@link #createFile(Path)} and the agents
   * jar's {@code key --out FILE} write; a secret mounted as a file).
   *
   * @param file the file
   * @return the key
   * @throws NullPointerException if {@code file} is null
   * @throws IllegalArgumentException if there is no such file, it cannot be read, or it does not
   *     hold a key; the message names the file, never what it holds
   */
  public static RunKey fromFile(Path file) {
    Objects.requireNonNull(file, "file must not be null");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(
          "there is no key file at "
              + file
              + ": make one with java -jar kimi-sdk-agents-VERSION.jar key --out "
              + file
              + " (or RunKey.createFile)");
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "the key file " + file + " cannot be read: " + e.getClass().getSimpleName(), e);
    }
    try {
      return fromBase64(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the key file " + file + " does not hold a run key: " + e.getMessage());
    }
  }

  /**
   * Makes a new key (as {@link #generate()}) and writes it as Base64 text to a new file that only
   * its owner may read or write ({@code rw-------} where the file system has POSIX permissions),
   * its directories made when missing; read it back with {@link #fromFile(Path)}. For a laptop's or
   * a test's key kept beside its runs, and for a key a team then moves to its secret store.
   *
   * @param file where to write it; there must be no file there yet
   * @return the key
   * @throws NullPointerException if {@code file} is null
   * @throws IllegalArgumentException if a file is there already (a key is never overwritten)
   * @throws java.io.UncheckedIOException if the file cannot be written
   */
  public static RunKey createFile(Path file) {
    Objects.requireNonNull(file, "file must not be null");
    RunKey key = generate();
    byte[] text =
        (Base64.getEncoder().encodeToString(key.current) + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(file);
      }
      Files.write(file, text, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
    } catch (FileAlreadyExistsException e) {
      throw new IllegalArgumentException(
          "a file is at "
              + file
              + " already: a key is never overwritten; read it with"
              + " RunKey.fromFile, or name another file");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the key file " + file, e);
    }
    return key;
  }

  /**
   * Returns a key from its Base64 text (standard or URL-safe alphabet, padding optional).
   *
   * @param base64 the key's bytes in Base64
   * @return the key
   * @throws NullPointerException if {@code base64} is null
   * @throws IllegalArgumentException if it is not Base64 or decodes to fewer than {@value
   *     #MIN_BYTES} bytes (the message never quotes it)
   */
  public static RunKey fromBase64(String base64) {
    Objects.requireNonNull(base64, "base64 must not be null");
    String s = base64.trim().replace('-', '+').replace('_', '/');
    byte[] b;
    try {
      b = Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a run key is Base64 text (its value not shown)");
    }
    return of(b);
  }

  /**
   * Returns a key that signs with {@code current} and accepts what {@code current} or any of {@code
   * previous} signed: for changing the key while runs saved under the old one go on.
   *
   * @param current the key that signs from now on
   * @param previous keys whose signatures are still accepted
   * @return the key
   * @throws NullPointerException if an argument is null
   */
  public static RunKey rotating(RunKey current, RunKey... previous) {
    Objects.requireNonNull(current, "current must not be null");
    List<byte[]> all = new ArrayList<>(current.accepted);
    for (RunKey p : previous) {
      all.addAll(Objects.requireNonNull(p, "previous keys must not be null").accepted);
    }
    return new RunKey(current.current, List.copyOf(all));
  }

  /** The MAC of {@code text} under the signing key, in unpadded URL-safe Base64. */
  String sign(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(current, text));
  }

  /**
   * Tells whether {@code mac} is {@code text}'s under one of the accepted keys, in constant time.
   */
  boolean verifies(String text, String mac) {
    byte[] given;
    try {
      given = Base64.getUrlDecoder().decode(mac);
    } catch (IllegalArgumentException e) {
      return false;
    }
    boolean ok = false;
    for (byte[] k : accepted) {
      ok |= MessageDigest.isEqual(mac(k, text), given);
    }
    return ok;
  }

  private static byte[] mac(byte[] key, String text) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key, "HmacSHA256"));
      return m.doFinal(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new AssertionError("every JDK has HmacSHA256", e);
    }
  }

  /** Returns {@code RunKey[...]}: never the key. */
  @Override
  public String toString() {
    return "RunKey[" + accepted.size() + (accepted.size() == 1 ? " key" : " keys") + ", redacted]";
  }
}
