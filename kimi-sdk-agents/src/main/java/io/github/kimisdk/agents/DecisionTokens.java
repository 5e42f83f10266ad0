package io.github.kimisdk.agents;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;

/**
 * Signed decision tokens ({@link Agent#token}): {@code kdt1.PAYLOAD.MAC}, the payload the call's
 * binding (its run, step, place, tool, the arguments' digest, the policy, the kind, and a digest of
 * its idempotency key, which is its run instance's own) as Base64url JSON, the MAC an HMAC-SHA256
 * of it under the agent's {@link RunKey}. A token names one call of one run instance: a run started
 * again under the same id refuses it, and once the call is decided it no longer waits, so a token
 * used again is refused. Stateless.
 */
final class DecisionTokens {
  private DecisionTokens() {}

  private static final String PREFIX = "kdt1.";

  /** The longest token read: longer text is refused before it is decoded. */
  static final int MAX_CHARS = 4096;

  static String sign(RunKey key, PendingCall call) {
    JsonObject.Builder b =
        JsonObject.builder()
            .put("call", call.id())
            .put("key_sha256", keyDigest(call.idempotencyKey()))
            .put("tool", call.tool())
            .put("sha256", call.argumentsSha256())
            .put("policy", call.policy())
            .put("kind", call.kind().name().toLowerCase(Locale.ROOT));
    String payload =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(Json.write(b.build()).getBytes(StandardCharsets.UTF_8));
    return PREFIX + payload + "." + key.sign(scope(payload));
  }

  private static String scope(String payload) {
    return "kimi-sdk.decision-token/" + payload;
  }

  /** Reads a token's target without verifying it. */
  static Decision.Target read(String token) {
    JsonObject o = payload(token);
    return new Decision.Target(
        Fields.str(o, "call"),
        Fields.str(o, "sha256"),
        Fields.str(o, "tool"),
        Fields.str(o, "policy"),
        PendingCall.Kind.valueOf(Fields.str(o, "kind").toUpperCase(Locale.ROOT)),
        token);
  }

  /** The digest a token holds of a call's idempotency key: it names the run instance. */
  static String keyDigest(String idempotencyKey) {
    return Ids.sha256(idempotencyKey).substring(0, 32);
  }

  /**
   * Verifies a token's MAC under {@code key} and returns the digest of the idempotency key of the
   * call it was issued for ({@link #keyDigest}).
   *
   * @throws IllegalArgumentException when there is no key, or the MAC is not the token's
   */
  static String verify(RunKey key, Decision.Target target) {
    if (key == null) {
      throw new IllegalArgumentException(
          "a decision came as a signed token, but this agent has no key to verify it with"
              + " (Agent.Builder.key); nothing was run");
    }
    String token = target.token();
    String[] parts = split(token);
    if (!key.verifies(scope(parts[1]), parts[2])) {
      throw new IllegalArgumentException(
          "the decision token for call "
              + target.callId()
              + " is not signed by this agent's key (forged, altered, or made under another key);"
              + " nothing was run");
    }
    return Fields.str(payload(token), "key_sha256");
  }

  private static JsonObject payload(String token) {
    Objects.requireNonNull(token, "token must not be null");
    String[] parts = split(token);
    try {
      JsonValue v = Json.parse(Base64.getUrlDecoder().decode(parts[1]));
      if (v instanceof JsonObject o) {
        return o;
      }
    } catch (RuntimeException e) {
      // reported below, without the token
    }
    throw new IllegalArgumentException("not a decision token this SDK makes (its text not shown)");
  }

  private static String[] split(String token) {
    if (token.length() > MAX_CHARS || !token.startsWith(PREFIX)) {
      throw new IllegalArgumentException(
          "not a decision token this SDK makes (its text not shown)");
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || parts[1].isEmpty() || parts[2].isEmpty()) {
      throw new IllegalArgumentException(
          "not a decision token this SDK makes (its text not shown)");
    }
    return parts;
  }
}
