package io.github.kimisdk.agents;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
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
 * <pre>{@code
 * RunKey key = RunKey.fromBase64(System.getenv("KIMI_AGENT_KEY"));   // 32 random bytes
 * Agent agent = Agent.builder(kimi, "kimi-k3").store(store).key(key).tool(transfer).build();
 * }</pre>
 *
 * <p>Every worker of a store holds the same key. To change it, build the agents with {@link
 * #rotating(RunKey, RunKey...)}: the new key signs, the old ones are still accepted, until every
 * run saved under them has ended. A key never appears in {@link #toString()}, a message, a log or a
 * file the SDK writes. Instances are immutable and thread-safe.
 */
public final class RunKey {
  /** The fewest bytes a key may have: 128 bits. */
  public static final int MIN_BYTES = 16;

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
      throw new IllegalArgumentException("a run key must be Base64 text (its value not shown)");
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
