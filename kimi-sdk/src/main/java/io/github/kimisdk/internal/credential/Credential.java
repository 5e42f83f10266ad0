package io.github.kimisdk.internal.credential;

import io.github.kimisdk.Endpoint;
import io.github.kimisdk.base.text.UserCode;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.internal.http.ApiKey;
import io.github.kimisdk.internal.http.ServerText;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where the key of a client's calls comes from: a fixed key, checked when the client was built, or
 * a supplier asked before every attempt (a key rotated by a secret manager, an OAuth access token
 * that expires). A supplied key is checked as the builder checks a fixed one (its form, and that
 * the endpoint takes it) whenever it changes. A supplier that throws, or returns null or a bad key,
 * fails the attempt, unsent, with a {@link ConfigurationException} that says so and never holds the
 * key; no retry policy retries it, so a broken supplier costs each call one question.
 *
 * <p>Thread model: {@link #key} is called by whatever thread sends an attempt, several at once, so
 * the supplier must be thread-safe and quick. {@code last} (volatile) is the holder of the key the
 * supplier last returned: the same string again is the same holder, checked once; two threads that
 * race on a new key only check it twice.
 */
public final class Credential {

  private final ApiKey fixed; // null for a supplier
  private final Supplier<String> supplier; // null for a fixed key
  private final String name; // the supplier in messages: "the key supplier of account acme"
  private volatile ApiKey last;

  private Credential(ApiKey fixed, Supplier<String> supplier, String name) {
    this.fixed = fixed;
    this.supplier = supplier;
    this.name = name;
  }

  /**
   * Holds a fixed key, already checked by the client's builder.
   *
   * @param key the key
   * @return the credential
   */
  public static Credential fixed(ApiKey key) {
    return new Credential(Objects.requireNonNull(key, "apiKey"), null, "apiKey");
  }

  /**
   * Holds a supplier of the key.
   *
   * @param supplier asked before every attempt
   * @param name names it in messages, such as {@code "the key supplier of account acme"}
   * @return the credential
   */
  public static Credential supplied(Supplier<String> supplier, String name) {
    return new Credential(null, Objects.requireNonNull(supplier, "apiKey"), name);
  }

  /**
   * Tells whether asking again may give another key: a supplier's, whose refused key is asked for
   * once more, and its attempt repeated once, after a 401.
   *
   * @return true for a supplier
   */
  public boolean refreshable() {
    return supplier != null;
  }

  /**
   * Returns the fixed key.
   *
   * @return the key, or null for a supplier
   */
  public ApiKey fixedKey() {
    return fixed;
  }

  /**
   * Returns the key of the next attempt: the fixed one, or what the supplier returns now, checked.
   *
   * @param endpoint the endpoint the attempt goes to, which the key must fit
   * @return the key
   * @throws ConfigurationException if the supplier throws, or returns null or a key that is blank,
   *     malformed or plainly not for {@code endpoint}
   */
  public ApiKey key(Endpoint endpoint) {
    if (fixed != null) {
      return fixed;
    }
    String value;
    try {
      value = supplier.get();
    } catch (RuntimeException e) {
      throw failed(e);
    }
    ApiKey held = last;
    if (held != null && held.reveal().equals(value)) {
      return held;
    }
    String source = "from " + name;
    String problem =
        value == null ? "The API key " + source + " is null" : Keys.problem(value, source);
    if (problem == null) {
      problem = Keys.endpointProblem(value, source, endpoint);
    }
    if (problem != null) {
      throw new ConfigurationException(problem + "; the call was not sent");
    }
    ApiKey key = ApiKey.of(value);
    last = key;
    return key;
  }

  /**
   * What a call fails with when the supplier threw {@code e}: a message that names the supplier and
   * says what it threw, with the last key and anything shaped like a key redacted ({@link
   * Keys#masked}), escaped and cut; the cause is {@code e} itself, or, when its message held a key,
   * a stand-in with the redacted message and {@code e}'s stack trace (a key must not reach a log
   * through a cause).
   */
  private ConfigurationException failed(RuntimeException e) {
    String raw = UserCode.raw(e);
    ServerText text = new ServerText(last);
    // both return their argument itself when they find nothing: one pass each over the message
    boolean heldKey = Keys.masked(raw) != raw || text.redact(raw) != raw;
    String head =
        raw.length() > ServerText.MAX_MESSAGE ? raw.substring(0, ServerText.MAX_MESSAGE) : raw;
    String masked = heldKey ? text.redact(Keys.masked(head)) : head;
    Throwable cause = e;
    if (heldKey) {
      cause = new IllegalStateException(text.keep(masked, ServerText.MAX_MESSAGE));
      cause.setStackTrace(e.getStackTrace());
    }
    return new ConfigurationException(
        Character.toUpperCase(name.charAt(0))
            + name.substring(1)
            + " ("
            + UserCode.name(supplier.getClass())
            + ") threw "
            + text.keep(masked, UserCode.MAX_MESSAGE)
            + ", so the call was not sent; the supplier's failure is this exception's cause"
            + (heldKey ? " (a stand-in with its stack trace: its message held a key)" : ""),
        cause);
  }

  /** Never prints the key. */
  @Override
  public String toString() {
    return fixed != null ? "Credential[fixed key]" : "Credential[supplier]";
  }
}
