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

  /** What a run id may be: it names files, rows and Redis keys as it is. */
  static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9/-]{0,63}");

  /** The record of a run's saved state. */
  static final String STATE = "state";

  static String runId(String runId) {
    Objects.requireNonNull(runId, "runId must not be null");
    if (!RUN_ID.matcher(runId).matches()) {
      throw new IllegalArgumentException(
          "a run id is 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit: "
              + (runId.length() > 140 ? runId.substring(0, 140) + "..." : runId));
    }
    return runId;
  }

  static String key(String key) {
    Objects.requireNonNull(key, "key must not be null");
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException(
          "a record key is 1 to 64 lower-case letters, digits, '/' or '-': " + key);
    }
    return key;
  }

  /** The record of the call at {@code position} of the reply of {@code step}. */
  static String callKey(int step, int position) {
    return String.format("call/%06d/%04d", step, position);
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
   * The idempotency key of a call: from the run, the step and the place, never from the model's
   * call id (which is not unique across turns).
   */
  static String idempotencyKey(String runId, int step, int position) {
    return "kimi-" + sha256(runId + "\u0000" + step + "\u0000" + position).substring(0, 40);
  }

  static String sha256(String text) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(d.digest(text.getBytes(StandardCharsets.UTF_8)));
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
