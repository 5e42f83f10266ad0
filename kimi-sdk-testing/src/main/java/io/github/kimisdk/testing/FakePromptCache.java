package io.github.kimisdk.testing;

import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kimi's automatic prefix cache, as {@link FakeKimiServer} plays it: a request whose leading
 * messages (with the same model and tools) were the leading messages of an earlier request reports
 * their tokens as cached, when they are at least {@value #MIN_TOKENS} tokens. So the second turn of
 * a conversation that sends its history again unchanged is a cache hit, and a history edited in the
 * middle misses from the edit on. The count is in whole messages; Kimi's own granularity is not
 * documented.
 */
final class FakePromptCache {

  /** The shortest prefix that is cached: 256 tokens (pydantic-ai#6977). */
  static final int MIN_TOKENS = 256;

  /** The most prefixes remembered; the cache starts over when full. */
  private static final int MAX_PREFIXES = 100_000;

  private final Set<String> prefixes = ConcurrentHashMap.newKeySet();

  /**
   * Returns how many of the prompt's tokens an earlier request cached (0 for none), and remembers
   * this request's prefixes for later ones.
   *
   * @param body the chat request
   * @param promptTokens the request's prompt tokens
   * @param counter counts the tokens of a prefix
   * @param keptReasoning whether earlier turns' reasoning counts, as for the whole prompt
   */
  int cachedTokens(
      JsonObject body, int promptTokens, FakeTokenCounter counter, boolean keptReasoning) {
    List<JsonValue> messages = ((JsonArray) body.get("messages")).values();
    MessageDigest digest = sha256();
    digest.update(key(body.get("model")));
    digest.update(key(body.get("tools")));
    String[] keys = new String[messages.size()];
    for (int i = 0; i < keys.length; i++) {
      digest.update(key(messages.get(i)));
      keys[i] = hex(copy(digest).digest());
    }
    int hit = -1; // the last message of the longest prefix seen before
    for (int i = keys.length - 1; i >= 0 && hit < 0; i--) {
      if (prefixes.contains(keys[i])) {
        hit = i;
      }
    }
    if (prefixes.size() + keys.length > MAX_PREFIXES) {
      prefixes.clear();
    }
    prefixes.addAll(List.of(keys));
    if (hit < 0) {
      return 0;
    }
    Map<String, JsonValue> prefix = new LinkedHashMap<>(body.members());
    prefix.put("messages", JsonArray.of(messages.subList(0, hit + 1)));
    int cached = Math.min(promptTokens, counter.countPrompt(JsonObject.of(prefix), keptReasoning));
    return cached >= MIN_TOKENS ? cached : 0;
  }

  private static byte[] key(JsonValue v) {
    return ((v == null ? "null" : v.toString()) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static MessageDigest copy(MessageDigest d) {
    try {
      return (MessageDigest) d.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
    }
  }

  private static String hex(byte[] bytes) {
    StringBuilder sb = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
    }
    return sb.toString();
  }
}
