package io.github.kimisdk.redis;

import io.github.kimisdk.agents.Claim;
import io.github.kimisdk.agents.ClaimLostException;
import io.github.kimisdk.agents.RunPage;
import io.github.kimisdk.agents.RunQuery;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.agents.RunStoreException;
import io.github.kimisdk.agents.RunSummary;
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
 * ({@code c:owner}, {@code c:token}, {@code c:until}), each record ({@code r:KEY}), the run's
 * summary ({@code s}) and a version ({@code v}) that grows with every change of the claim or the
 * summary. Every operation on a run is one Lua script on its hash, so a claim and a write fenced by
 * its token are atomic on the server. A write is as durable as the server makes it: with {@code
 * appendonly yes} and {@code appendfsync always} it is on disk when it returns; with {@code
 * everysec} (Redis's default for AOF) a crash of the server may lose the last second, which the run
 * then redoes as after a crash of its own.
 *
 * <pre>{@code
 * RunStore store = RedisRunStore.of(JedisScripts.of(jedis));
 * Agent agent = Agent.builder(kimi, "kimi-k3").store(store).key(key).tool(transfer).build();
 * RunPage paused = store.list(RunQuery.in(RunQuery.State.PAUSED).agent("payments"));
 * }</pre>
 *
 * <p><b>Finding runs.</b> A cluster runs a script on the keys of one slot only, so the runs are
 * found through an index of their own, in one slot, {@code PREFIX{PREFIXindex}:...}: each run's
 * summary and claim as the index last heard of them (a hash), and sorted sets of runs, oldest save
 * first, by state, by agent and state, and by label (see {@link #list}). Every change of a run's
 * claim or summary is made on the run's hash first, fenced by the claim's token, and then told to
 * the index by a second script, which applies it only when its version is newer than the one the
 * index holds: changes that reach the index out of order, or twice, leave it as the newest left it.
 * So the index may be momentarily stale: between the two scripts (a fraction of a millisecond),
 * and, when the worker dies between them or the index's node cannot be reached then, until the
 * run's next change (a failed index update is logged, not thrown: the run's own write stood). That
 * is safe because nothing is decided by the index: a claim, a fenced write, a delete and an
 * operator's release are each judged by the run's own hash, atomically. A listing that shows a run
 * one save behind, or shows a claim that was just released as held until its lease ends (at most
 * one lease, and the run is then listed as an orphan), or a claim just taken as none (a sweeper
 * that tries it is told it is taken), is corrected by the run's next change, which a sweeper's
 * claim of an orphan is. On one server the same two steps run, on the same node.
 *
 * <p>Memory: a run's summary and a handful of sorted-set members (a few hundred bytes a run) in the
 * index; a deleted run leaves a marker there for an hour, so that a late update of it is not taken
 * for a new run. Every index write lands on the index's one node: a cluster spreads the runs'
 * records, not the finding.
 *
 * <p>Needs {@code kimi-sdk-agents} on the class path, and a {@link RedisScripts} that implements
 * {@link RedisScripts#evalText} (this module's three adapters do). Thread-safe.
 */
public final class RedisRunStore implements RunStore {
  private static final System.Logger LOG = System.getLogger(RedisRunStore.class.getName());
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9/-]{0,63}");

  /**
   * What the run's scripts share: {@code bump()} moves the run's version past both its last one and
   * the server's clock (in microseconds), so a run deleted and started again under its id has a
   * newer version than its deletion; {@code picture(v)} is what the index keeps of the run, as a
   * JSON array: the version, the summary, the claim's holder and the end of its lease (false for
   * what it does not have).
   */
  private static final String COMMON =
      "local function bump()\n"
          + "  local t = redis.call('TIME')\n"
          + "  local now = tonumber(t[1]) * 1000000 + tonumber(t[2])\n"
          + "  local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')\n"
          + "  if now <= v then now = v + 1 end\n"
          + "  return now\n"
          + "end\n"
          + "local function picture(v)\n"
          + "  local f = redis.call('HMGET', KEYS[1], 's', 'c:owner', 'c:until')\n"
          + "  return cjson.encode({string.format('%.0f', v), f[1], f[2], f[3]})\n"
          + "end\n"
          + "local function changed()\n"
          + "  local v = bump()\n"
          + "  if redis.call('HLEN', KEYS[1]) == 0"
          + " or (redis.call('HLEN', KEYS[1]) == 1 and redis.call('HEXISTS', KEYS[1], 'v') == 1)"
          + " then\n"
          + "    redis.call('DEL', KEYS[1])\n" // nothing left but its version: no hash at all
          + "    return picture(v)\n"
          + "  end\n"
          + "  redis.call('HSET', KEYS[1], 'v', string.format('%.0f', v))\n"
          + "  return picture(v)\n"
          + "end\n";

  // KEYS[1] the run's hash; ARGV owner, token, now, until. 'H' and the picture when held, else
  // 'T<until> <owner>'.
  static final String CLAIM =
      COMMON
          + "local u = tonumber(redis.call('HGET', KEYS[1], 'c:until') or '0')\n"
          + "if u > tonumber(ARGV[3]) then\n"
          + "  return 'T' .. redis.call('HGET', KEYS[1], 'c:until') .. ' '"
          + " .. redis.call('HGET', KEYS[1], 'c:owner')\n"
          + "end\n"
          + "redis.call('HSET', KEYS[1], 'c:owner', ARGV[1], 'c:token', ARGV[2], 'c:until', ARGV[4])\n"
          + "return 'H' .. changed()\n";

  // ARGV token, until. The picture when renewed, 'LOST' when the token is not the run's.
  static final String RENEW =
      COMMON
          + "if redis.call('HGET', KEYS[1], 'c:token') ~= ARGV[1] then return 'LOST' end\n"
          + "redis.call('HSET', KEYS[1], 'c:until', ARGV[2])\n"
          + "return changed()\n";

  // ARGV token. The picture when released, 'LOST' when the token is not the run's.
  static final String RELEASE =
      COMMON
          + "if redis.call('HGET', KEYS[1], 'c:token') ~= ARGV[1] then return 'LOST' end\n"
          + "redis.call('HDEL', KEYS[1], 'c:owner', 'c:token', 'c:until')\n"
          + "return changed()\n";

  // No ARGV. The picture when there was a claim to end, else 'NONE'.
  static final String END_CLAIM =
      COMMON
          + "if redis.call('HDEL', KEYS[1], 'c:owner', 'c:token', 'c:until') == 0 then"
          + " return 'NONE' end\n"
          + "return changed()\n";

  // ARGV holder. The picture when the holder's claim was ended, else 'NONE'.
  static final String END_CLAIM_OF =
      COMMON
          + "if redis.call('HGET', KEYS[1], 'c:owner') ~= ARGV[1] then return 'NONE' end\n"
          + "redis.call('HDEL', KEYS[1], 'c:owner', 'c:token', 'c:until')\n"
          + "return changed()\n";

  // ARGV token, record key, value.
  static final String PUT =
      "if redis.call('HGET', KEYS[1], 'c:token') ~= ARGV[1] then return 'LOST' end\n"
          + "redis.call('HSET', KEYS[1], 'r:' .. ARGV[2], ARGV[3])\n"
          + "return 'OK'\n";

  // ARGV token, state, summary. The picture when written, 'LOST' when the token is not the run's.
  static final String PUT_STATE =
      COMMON
          + "if redis.call('HGET', KEYS[1], 'c:token') ~= ARGV[1] then return 'LOST' end\n"
          + "redis.call('HSET', KEYS[1], 'r:state', ARGV[2], 's', ARGV[3])\n"
          + "return changed()\n";

  // ARGV now. 'HELD' when a claim holds the run at now; else the hash is deleted, and the reply is
  // 'D' (there was a run) or 'N' (nothing but perhaps a lapsed claim), then the deletion's version.
  static final String DELETE =
      COMMON
          + "local u = tonumber(redis.call('HGET', KEYS[1], 'c:until') or '0')\n"
          + "if u > tonumber(ARGV[1]) then return 'HELD' end\n"
          + "local had = redis.call('HEXISTS', KEYS[1], 's') == 1"
          + " or redis.call('HEXISTS', KEYS[1], 'r:state') == 1\n"
          + "local v = bump()\n"
          + "redis.call('DEL', KEYS[1])\n"
          + "return (had and 'D' or 'N') .. string.format('%.0f', v)\n";

  // ARGV record key. The value, or nil.
  static final String GET = "return redis.call('HGET', KEYS[1], 'r:' .. ARGV[1])\n";

  private static final String CLAIM_SHA = sha1(CLAIM);
  private static final String RENEW_SHA = sha1(RENEW);
  private static final String RELEASE_SHA = sha1(RELEASE);
  private static final String END_CLAIM_SHA = sha1(END_CLAIM);
  private static final String END_CLAIM_OF_SHA = sha1(END_CLAIM_OF);
  private static final String PUT_SHA = sha1(PUT);
  private static final String PUT_STATE_SHA = sha1(PUT_STATE);
  private static final String DELETE_SHA = sha1(DELETE);
  private static final String GET_SHA = sha1(GET);

  private final RedisScripts redis;
  private final String prefix;
  private final RedisRunIndex index;

  private RedisRunStore(RedisScripts redis, String prefix, int scanBudget) {
    this.redis = redis;
    this.prefix = prefix;
    this.index = new RedisRunIndex(redis, indexBase(prefix), scanBudget);
  }

  /** The start of every index key: one hash tag of the prefix's own, so one slot. */
  static String indexBase(String prefix) {
    return prefix + "{" + prefix + "index}:";
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
    return of(redis, prefix, RedisRunIndex.SCAN_BUDGET);
  }

  /** A store whose listing script reads at most {@code scanBudget} runs; for a test. */
  static RedisRunStore of(RedisScripts redis, String prefix, int scanBudget) {
    Objects.requireNonNull(redis, "redis must not be null");
    Objects.requireNonNull(prefix, "prefix must not be null");
    if (prefix.contains("{") || prefix.contains("}")) {
      throw new IllegalArgumentException("a key prefix must not hold braces: " + prefix);
    }
    return new RedisRunStore(redis, prefix, scanBudget);
  }

  /** The index, for a test. */
  RedisRunIndex index() {
    return index;
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
    if (reply != null && reply.startsWith("H")) {
      told(runId, reply.substring(1));
      return new Claim.Held(runId, owner, token, until);
    }
    if (reply != null && reply.startsWith("T")) {
      int space = reply.indexOf(' ');
      long held = Long.parseLong(reply.substring(1, space));
      return new Claim.Taken(runId, reply.substring(space + 1), Instant.ofEpochMilli(held));
    }
    throw new RunStoreException(
        "Redis answered a claim of run " + runId + " with " + cut(reply), null);
  }

  @Override
  public boolean renew(Claim.Held claim, Instant until) {
    String reply =
        run(
            RENEW,
            RENEW_SHA,
            claim.runId(),
            List.of(claim.token(), Long.toString(until.toEpochMilli())));
    if ("LOST".equals(reply)) {
      return false;
    }
    told(claim.runId(), reply);
    return true;
  }

  @Override
  public void release(Claim.Held claim) {
    String reply = run(RELEASE, RELEASE_SHA, claim.runId(), List.of(claim.token()));
    if (!"LOST".equals(reply)) {
      told(claim.runId(), reply);
    }
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

  /**
   * Writes the state and the summary on the run's hash in one script fenced by the claim's token,
   * then tells the index.
   */
  @Override
  public void putState(Claim.Held claim, byte[] state, RunSummary summary) {
    Objects.requireNonNull(state, "state must not be null");
    Objects.requireNonNull(summary, "summary must not be null");
    String reply =
        run(
            PUT_STATE,
            PUT_STATE_SHA,
            claim.runId(),
            List.of(claim.token(), new String(state, StandardCharsets.UTF_8), summary.toJson()));
    if ("LOST".equals(reply)) {
      throw new ClaimLostException(claim.runId());
    }
    told(claim.runId(), reply);
  }

  @Override
  public byte[] get(String runId, String key) {
    String v = run(GET, GET_SHA, runId, List.of(key(key)));
    return v == null ? null : v.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Lists runs from the index in one script: the sorted sets that can hold what the query asks for
   * (the label's, for a query with labels; else the agent's for each state asked, or each state's)
   * are read together in order from the page token on, and each run is held to every filter (the
   * claim judged at the query's {@code now}). A script reads at most a few thousand runs: a query
   * that matches few of many (an owner's runs among millions) gives pages shorter than its limit,
   * each with a token to go on from, so no script holds the server long.
   */
  @Override
  public RunPage list(RunQuery query) {
    Objects.requireNonNull(query, "query must not be null");
    return index.list(query);
  }

  /**
   * Counts in one script from the sorted sets' sizes when the query filters by state, agent and
   * save time alone (a running run is told from an orphan by the claims held now, which are as many
   * as the runs being driven); a query by owner or labels pages through {@link #list}.
   */
  @Override
  public long count(RunQuery query) {
    Objects.requireNonNull(query, "query must not be null");
    if (query.owner() != null || !query.labels().isEmpty()) {
      return RunStore.super.count(query);
    }
    return index.count(query);
  }

  @Override
  public boolean delete(String runId, Instant now) {
    Objects.requireNonNull(now, "now must not be null");
    String reply = run(DELETE, DELETE_SHA, runId, List.of(Long.toString(now.toEpochMilli())));
    if ("HELD".equals(reply)) {
      return false;
    }
    if (reply == null || reply.length() < 2 || (reply.charAt(0) != 'D' && reply.charAt(0) != 'N')) {
      throw new RunStoreException(
          "Redis answered a deletion of run " + runId + " with " + cut(reply), null);
    }
    index.gone(runId, reply.substring(1));
    return reply.charAt(0) == 'D';
  }

  @Override
  public boolean release(String runId, String holder) {
    Objects.requireNonNull(holder, "holder must not be null");
    String reply = run(END_CLAIM_OF, END_CLAIM_OF_SHA, runId, List.of(holder));
    if ("NONE".equals(reply)) {
      return false;
    }
    told(runId, reply);
    return true;
  }

  @Override
  public boolean forceRelease(String runId) {
    String reply = run(END_CLAIM, END_CLAIM_SHA, runId, List.of());
    if ("NONE".equals(reply)) {
      return false;
    }
    told(runId, reply);
    return true;
  }

  /** Asks the index's node: a store whose index answers finds runs. */
  @Override
  public void check() {
    index.check();
  }

  /** Tells the index what a run's script left; a failure is logged, the run's write stood. */
  private void told(String runId, String picture) {
    try {
      index.put(runId, picture);
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "run "
              + runId
              + " was written, but the index of "
              + this
              + " could not be told (its listing of the run is stale until the run's next change)",
          e);
    }
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

  /** A reply cut for a message. */
  static String cut(String reply) {
    return reply == null ? "nil" : reply.length() > 200 ? reply.substring(0, 200) + "..." : reply;
  }

  static String sha1(String script) {
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
