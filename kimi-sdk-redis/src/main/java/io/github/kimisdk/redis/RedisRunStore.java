package io.github.kimisdk.redis;

import io.github.kimisdk.agents.Claim;
import io.github.kimisdk.agents.ClaimLostException;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.agents.RunStoreException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Keeps agent runs ({@code kimi-sdk-agents}) in Redis, for a fleet that runs Redis already: one
 * hash per run, {@code PREFIX{RUN_ID}} (one hash slot, so a cluster serves it), holding the claim
 * ({@code c:owner}, {@code c:token}, {@code c:until}) and each record ({@code r:KEY}). Every
 * operation is one Lua script, so a claim and a write fenced by its token are atomic on the server.
 * A write is as durable as the server makes it: with {@code appendonly yes} and {@code appendfsync
 * always} it is on disk when it returns; with {@code everysec} (Redis's default for AOF) a crash of
 * the server may lose the last second, which the run then redoes as after a crash of its own.
 *
 * <pre>{@code
 * RunStore store = RedisRunStore.of(JedisScripts.of(jedis));
 * Agent agent = Agent.builder(kimi, "kimi-k3").store(store).tool(transfer).build();
 * }</pre>
 *
 * <p>Needs {@code kimi-sdk-agents} on the class path, and a {@link RedisScripts} that implements
 * {@link RedisScripts#evalText} (this module's three adapters do). Thread-safe.
 */
public final class RedisRunStore implements RunStore {
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9/-]{0,63}");

  // KEYS[1] the run's hash; ARGV owner, token, now, until. 'H' when held, else 'T<until> <owner>'.
  static final String CLAIM =
      "local u = tonumber(redis.call('HGET', KEYS[1], 'c:until') or '0')\n"
          + "if u > tonumber(ARGV[3]) then\n"
          + "  return 'T' .. redis.call('HGET', KEYS[1], 'c:until') .. ' '"
          + " .. redis.call('HGET', KEYS[1], 'c:owner')\n"
          + "end\n"
          + "redis.call('HSET', KEYS[1], 'c:owner', ARGV[1], 'c:token', ARGV[2], 'c:until', ARGV[4])\n"
          + "return 'H'\n";

  // ARGV token, until. 'OK' when renewed, 'LOST' when the token is not the run's.
  static final String RENEW =
      "if redis.call('HGET', KEYS[1], 'c:token') ~= ARGV[1] then return 'LOST' end\n"
          + "redis.call('HSET', KEYS[1], 'c:until', ARGV[2])\n"
          + "return 'OK'\n";

  // ARGV token.
  static final String RELEASE =
      "if redis.call('HGET', KEYS[1], 'c:token') ~= ARGV[1] then return 'LOST' end\n"
          + "redis.call('HDEL', KEYS[1], 'c:owner', 'c:token', 'c:until')\n"
          + "return 'OK'\n";

  // ARGV token, record key, value.
  static final String PUT =
      "if redis.call('HGET', KEYS[1], 'c:token') ~= ARGV[1] then return 'LOST' end\n"
          + "redis.call('HSET', KEYS[1], 'r:' .. ARGV[2], ARGV[3])\n"
          + "return 'OK'\n";

  // ARGV record key. The value, or nil.
  static final String GET = "return redis.call('HGET', KEYS[1], 'r:' .. ARGV[1])\n";

  private static final String CLAIM_SHA = sha1(CLAIM);
  private static final String RENEW_SHA = sha1(RENEW);
  private static final String RELEASE_SHA = sha1(RELEASE);
  private static final String PUT_SHA = sha1(PUT);
  private static final String GET_SHA = sha1(GET);

  private final RedisScripts redis;
  private final String prefix;

  private RedisRunStore(RedisScripts redis, String prefix) {
    this.redis = redis;
    this.prefix = prefix;
  }

  /**
   * Returns a store on {@code redis} whose keys start with {@code kimi:run:}.
   *
   * @param redis the client's adapter
   * @return the store
   * @throws NullPointerException if {@code redis} is null
   */
  public static RedisRunStore of(RedisScripts redis) {
    return of(redis, "kimi:run:");
  }

  /**
   * Returns a store on {@code redis} whose keys start with {@code prefix}.
   *
   * @param redis the client's adapter
   * @param prefix the keys' prefix, such as {@code app1:runs:}
   * @return the store
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code prefix} holds a brace (it would change the slot)
   */
  public static RedisRunStore of(RedisScripts redis, String prefix) {
    Objects.requireNonNull(redis, "redis must not be null");
    Objects.requireNonNull(prefix, "prefix must not be null");
    if (prefix.contains("{") || prefix.contains("}")) {
      throw new IllegalArgumentException("a key prefix must not hold braces: " + prefix);
    }
    return new RedisRunStore(redis, prefix);
  }

  @Override
  public Claim claim(String runId, String owner, Instant now, Instant until) {
    Objects.requireNonNull(owner, "owner must not be null");
    String token = UUID.randomUUID().toString();
    String reply =
        run(
            CLAIM,
            CLAIM_SHA,
            runId,
            List.of(
                owner,
                token,
                Long.toString(now.toEpochMilli()),
                Long.toString(until.toEpochMilli())));
    if ("H".equals(reply)) {
      return new Claim.Held(runId, owner, token, until);
    }
    if (reply != null && reply.startsWith("T")) {
      int space = reply.indexOf(' ');
      long held = Long.parseLong(reply.substring(1, space));
      return new Claim.Taken(runId, reply.substring(space + 1), Instant.ofEpochMilli(held));
    }
    throw new RunStoreException("Redis answered a claim of run " + runId + " with " + reply, null);
  }

  @Override
  public boolean renew(Claim.Held claim, Instant until) {
    return "OK"
        .equals(
            run(
                RENEW,
                RENEW_SHA,
                claim.runId(),
                List.of(claim.token(), Long.toString(until.toEpochMilli()))));
  }

  @Override
  public void release(Claim.Held claim) {
    run(RELEASE, RELEASE_SHA, claim.runId(), List.of(claim.token()));
  }

  @Override
  public void put(Claim.Held claim, String key, byte[] value) {
    key(key);
    Objects.requireNonNull(value, "value must not be null");
    String reply =
        run(
            PUT,
            PUT_SHA,
            claim.runId(),
            List.of(claim.token(), key, new String(value, StandardCharsets.UTF_8)));
    if (!"OK".equals(reply)) {
      throw new ClaimLostException(claim.runId());
    }
  }

  @Override
  public byte[] get(String runId, String key) {
    String v = run(GET, GET_SHA, runId, List.of(key(key)));
    return v == null ? null : v.getBytes(StandardCharsets.UTF_8);
  }

  private String run(String script, String sha, String runId, List<String> args) {
    if (!RUN_ID.matcher(Objects.requireNonNull(runId, "runId must not be null")).matches()) {
      throw new IllegalArgumentException(
          "a run id is 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit: "
              + runId);
    }
    try {
      return redis.evalText(script, sha, List.of(prefix + "{" + runId + "}"), args);
    } catch (RedisUnavailableException e) {
      throw new RunStoreException(
          "Redis is unreachable for run " + runId + ": " + e.getMessage(), e);
    }
  }

  private static String key(String key) {
    if (!KEY.matcher(Objects.requireNonNull(key, "key must not be null")).matches()) {
      throw new IllegalArgumentException(
          "a record key is 1 to 64 lower-case letters, digits, '/' or '-': " + key);
    }
    return key;
  }

  private static String sha1(String script) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-1", e);
    }
  }

  @Override
  public String toString() {
    return "RedisRunStore[" + prefix + "]";
  }
}
