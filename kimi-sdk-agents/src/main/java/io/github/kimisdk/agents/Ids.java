package io.github.kimisdk.agents;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/** The run ids and record keys stores take, the digests and keys a run derives. Stateless. */
final class Ids {
  private Ids() {}

  /**
   * Whether {@code s} is a run id: 1 to 128 letters, digits, '.', '_' or '-', the first a letter or
   * digit (it names files, rows and Redis keys as it is). A loop, not a regular expression: every
   * store operation of a run checks its id.
   */
  static boolean isRunId(String s) {
    int n = s.length();
    if (n == 0 || n > 128 || !letterOrDigit(s.charAt(0))) {
      return false;
    }
    for (int i = 1; i < n; i++) {
      char c = s.charAt(i);
      if (!letterOrDigit(c) && c != '.' && c != '_' && c != '-') {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code s} is a record key: 1 to 64 of a-z, 0-9, '/' and '-', the first not '/' or '-'.
   */
  private static boolean isKey(String s) {
    int n = s.length();
    if (n == 0 || n > 64) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      boolean lowerOrDigit = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (!lowerOrDigit && (i == 0 || (c != '/' && c != '-'))) {
        return false;
      }
    }
    return true;
  }

  private static boolean letterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  /** The record of a run's saved state. */
  static final String STATE = "state";

  static String runId(String runId) {
    Objects.requireNonNull(runId, "runId must not be null");
    if (!isRunId(runId)) {
      throw new IllegalArgumentException(
          "a run id is 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit: "
              + (runId.length() > 140 ? runId.substring(0, 140) + "..." : runId));
    }
    return runId;
  }

  static String key(String key) {
    Objects.requireNonNull(key, "key must not be null");
    if (!isKey(key)) {
      throw new IllegalArgumentException(
          "a record key is 1 to 64 lower-case letters, digits, '/' or '-': " + key);
    }
    return key;
  }

  /** A call's id: its run, step and place ({@link PendingCall#id()}). */
  private static final Pattern CALL_ID =
      Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]{0,127}):([1-9][0-9]{0,8}):(0|[1-9][0-9]{0,8})");

  /** Checks a call id; returns its run, step and position. */
  static java.util.regex.MatchResult callId(String id) {
    java.util.regex.Matcher m = CALL_ID.matcher(id);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "a call id is RUN_ID:STEP:POSITION, as PendingCall.id() gives it: "
              + (id.length() > 160 ? id.substring(0, 160) + "..." : id));
    }
    return m.toMatchResult();
  }

  private static final Pattern LABEL = Pattern.compile("[a-z][a-z0-9._-]{0,62}");

  /**
   * Checks a run's labels: at most 16, each name a lower-case letter then up to 62 lower-case
   * letters, digits, {@code .}, {@code _} or {@code -}, each value at most 256 characters.
   */
  static java.util.Map<String, String> labels(java.util.Map<String, String> labels) {
    Objects.requireNonNull(labels, "labels must not be null");
    if (labels.size() > 16) {
      throw new IllegalArgumentException("a run takes at most 16 labels: " + labels.size());
    }
    java.util.Map<String, String> out = new java.util.TreeMap<>();
    labels.forEach(
        (k, v) -> {
          if (k == null || !LABEL.matcher(k).matches()) {
            throw new IllegalArgumentException(
                "a label's name is a lower-case letter, then up to 62 lower-case letters, digits,"
                    + " '.', '_' or '-': "
                    + k);
          }
          if (v == null || v.length() > 256) {
            throw new IllegalArgumentException(
                "the label " + k + " needs a value of at most 256 characters");
          }
          out.put(k, v);
        });
    return out;
  }

  /** The record of the call at {@code position} of the reply of {@code step}. */
  static String callKey(int step, int position) {
    // "call/%06d/%04d", without a Formatter: a tool call makes this key once or twice
    StringBuilder b = new StringBuilder(20).append("call/");
    zeroPadded(b, step, 6).append('/');
    return zeroPadded(b, position, 4).toString();
  }

  /** Appends {@code n} as {@code %0<width>d} writes it (a minus sign counts in the width). */
  static StringBuilder zeroPadded(StringBuilder b, int n, int width) {
    String digits = Integer.toString(n);
    int from = 0;
    if (n < 0) {
      b.append('-');
      from = 1;
    }
    for (int i = digits.length(); i < width; i++) {
      b.append('0');
    }
    return b.append(digits, from, digits.length());
  }

  /**
   * The id of the subagent's run a call starts: the parent's id, the step and the place (a digest
   * of them when that would be longer than a run id may be).
   */
  static String childRunId(String parentRunId, int step, int position) {
    String id = parentRunId + "." + step + "." + position;
    return id.length() <= 128 ? id : "sub-" + sha256(id).substring(0, 40);
  }

  /** The prefix of the records of the subagent's run a call starts, below its parent's prefix. */
  static String childPrefix(String parentPrefix, int step, int position) {
    return parentPrefix + "c" + step + "-" + position + "/";
  }

  /**
   * The idempotency key of a call: from the run's instance, its id, the step and the place, never
   * from the model's call id (which is not unique across turns). The instance is made once when a
   * run starts, so a run started again under an id used before (deleted, or in another store) hands
   * its tools other keys, while the keys of one run never change across its resumes. A run saved
   * before instances existed (no {@code instance}) keeps the keys it had: from its id alone.
   */
  static String idempotencyKey(String instance, String runId, int step, int position) {
    String seed =
        instance == null
            ? runId + "\u0000" + step + "\u0000" + position
            : instance + "\u0000" + runId + "\u0000" + step + "\u0000" + position;
    byte[] digest = sha256().digest(seed.getBytes(StandardCharsets.UTF_8));
    return "kimi-" + HexFormat.of().formatHex(digest, 0, 20); // the digest's first 40 hex digits
  }

  /** A new run instance: 128 random bits, in hex. */
  static String newInstance() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  static String sha256(String text) {
    return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  // A digest in its initial state, never used itself: each digest is a clone of it. A clone costs
  // a copy of its state; a lookup through the providers (MessageDigest.getInstance) cost a tool
  // call's idempotency key about a third of its thread's time (ToolLoopCost's profile).
  private static final MessageDigest SHA_256 = newSha256();

  private static MessageDigest sha256() {
    try {
      return (MessageDigest) SHA_256.clone();
    } catch (CloneNotSupportedException e) {
      return newSha256(); // a provider whose digest cannot be cloned
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }

  static String newToken() {
    return UUID.randomUUID().toString();
  }

  /** This process as a worker names itself by default: its pid and a random part. */
  static String defaultOwner() {
    return "pid-" + ProcessHandle.current().pid() + "-" + newToken().substring(0, 8);
  }
}
