package io.github.kimisdk.redis;

import io.github.kimisdk.agents.PendingCall;
import io.github.kimisdk.agents.RunPage;
import io.github.kimisdk.agents.RunQuery;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.agents.RunStoreException;
import io.github.kimisdk.agents.RunSummary;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The index a {@link RedisRunStore} finds runs by, all of it in one slot ({@code BASE} is {@code
 * PREFIX{PREFIXindex}:}):
 *
 * <ul>
 *   <li>{@code BASE runs}, a hash: each run's entry, what the index last heard of it, as JSON: its
 *       version {@code v}, summary {@code s}, class {@code c} (where it is found: {@code running},
 *       {@code paused}, {@code in_doubt}, {@code answered}, {@code stopped}, {@code failed}), page
 *       token {@code t} (its last save, then its id, as {@link RunQuery} orders runs), agent {@code
 *       a}, saver {@code o}, labels {@code l} ({@code name=value}), claim holder {@code h} and end
 *       of lease {@code u}; or, for a run deleted or left with nothing, only {@code v} and {@code
 *       g};
 *   <li>sorted sets whose members are page tokens (all of score 0, so ordered as the tokens are,
 *       byte by byte): {@code BASE c:CLASS}, {@code BASE a:AGENT:CLASS}, {@code BASE l:NAME=VALUE};
 *   <li>{@code BASE held}, the runs with a claim, scored by its end (a running run is told from an
 *       orphan by it); {@code BASE gone}, the markers of runs deleted, scored by when, forgotten
 *       after an hour.
 * </ul>
 *
 * <p>An update carries the version of the run's hash it comes from, and is applied only when it is
 * newer than the entry's: the index ends as the newest change left it, whatever order the updates
 * arrive in. Stateless but for the names; thread-safe.
 */
final class RedisRunIndex {
  private static final Pattern TOKEN =
      Pattern.compile("[0-9]{20}:[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /** How many runs one listing script reads at most beyond its page. */
  static final int SCAN_BUDGET = 2_000;

  /** Every class, in the order a query for all of them reads them. */
  private static final List<String> CLASSES =
      List.of("running", "paused", "in_doubt", "answered", "stopped", "failed");

  // KEYS[1] BASE runs; ARGV base, run id, entry. 1 when applied, 0 when the index held newer.
  static final String PUT =
      "local base = ARGV[1]\n"
          + "local id = ARGV[2]\n"
          + "local new = cjson.decode(ARGV[3])\n"
          + "local old = redis.call('HGET', KEYS[1], id)\n"
          + "local o = nil\n"
          + "if old then\n"
          + "  o = cjson.decode(old)\n"
          + "  if tonumber(o.v) >= tonumber(new.v) then return 0 end\n"
          + "end\n"
          + "local function sets(e)\n"
          + "  local out = {base .. 'c:' .. e.c, base .. 'a:' .. e.a .. ':' .. e.c}\n"
          + "  for _, l in ipairs(e.l) do out[#out + 1] = base .. 'l:' .. l end\n"
          + "  return out\n"
          + "end\n"
          + "if o and o.c then\n"
          + "  for _, k in ipairs(sets(o)) do redis.call('ZREM', k, o.t) end\n"
          + "end\n"
          + "if new.c then\n"
          + "  for _, k in ipairs(sets(new)) do redis.call('ZADD', k, 0, new.t) end\n"
          + "end\n"
          + "if new.h then\n"
          + "  redis.call('ZADD', base .. 'held', new.u, id)\n"
          + "else\n"
          + "  redis.call('ZREM', base .. 'held', id)\n"
          + "end\n"
          + "local t = redis.call('TIME')\n"
          + "local now = tonumber(t[1]) * 1000000 + tonumber(t[2])\n"
          + "if new.g then\n"
          + "  redis.call('ZADD', base .. 'gone', string.format('%.0f', now), id)\n"
          + "else\n"
          + "  redis.call('ZREM', base .. 'gone', id)\n"
          + "end\n"
          + "redis.call('HSET', KEYS[1], id, ARGV[3])\n"
          // forget a few markers of runs deleted over an hour ago: no update of theirs comes now
          + "local stale = redis.call('ZRANGEBYSCORE', base .. 'gone', '-inf',"
          + " string.format('%.0f', now - 3600000000), 'LIMIT', 0, 8)\n"
          + "for _, g in ipairs(stale) do\n"
          + "  redis.call('ZREM', base .. 'gone', g)\n"
          + "  local e = redis.call('HGET', KEYS[1], g)\n"
          + "  if e and cjson.decode(e).g then redis.call('HDEL', KEYS[1], g) end\n"
          + "end\n"
          + "return 1\n";

  /** Lua's string comparison follows the server's locale; page tokens are ordered byte by byte. */
  private static final String LESS =
      "local function less(a, b)\n"
          + "  local n = math.min(#a, #b)\n"
          + "  for i = 1, n do\n"
          + "    local x, y = string.byte(a, i), string.byte(b, i)\n"
          + "    if x ~= y then return x < y end\n"
          + "  end\n"
          + "  return #a < #b\n"
          + "end\n";

  // KEYS[1] BASE runs; ARGV base, now, limit, after, budget, agent, owner, max, classes, running,
  // orphaned, labels... A JSON object: the entries found (at most limit + 1) and, when the budget
  // ran out first, the token of the last run read.
  static final String LIST =
      LESS
          + "local base = ARGV[1]\n"
          + "local now = tonumber(ARGV[2])\n"
          + "local limit = tonumber(ARGV[3])\n"
          + "local after = ARGV[4]\n"
          + "local budget = tonumber(ARGV[5])\n"
          + "local agent = ARGV[6]\n"
          + "local owner = ARGV[7]\n"
          + "local max = ARGV[8]\n"
          + "local classes = {}\n"
          + "local order = {}\n"
          + "for c in string.gmatch(ARGV[9], '[^,]+') do classes[c] = true; order[#order + 1] = c"
          + " end\n"
          + "local running = ARGV[10] == '1'\n"
          + "local orphaned = ARGV[11] == '1'\n"
          + "local labels = {}\n"
          + "for i = 12, #ARGV do labels[#labels + 1] = ARGV[i] end\n"
          + "local sources = {}\n"
          + "if #labels > 0 then\n"
          + "  sources[1] = {key = base .. 'l:' .. labels[1]}\n"
          + "else\n"
          + "  for _, c in ipairs(order) do\n"
          + "    if agent ~= '' then sources[#sources + 1] = {key = base .. 'a:' .. agent .. ':' .. c}\n"
          + "    else sources[#sources + 1] = {key = base .. 'c:' .. c} end\n"
          + "  end\n"
          + "end\n"
          + "local batch = 100\n"
          + "for _, s in ipairs(sources) do\n"
          + "  s.cursor = after ~= '' and after or nil\n"
          + "  s.buf = {}\n"
          + "  s.i = 1\n"
          + "  s.last = false\n"
          + "end\n"
          + "local function fill(s)\n"
          + "  local min = s.cursor and ('(' .. s.cursor) or '-'\n"
          + "  s.buf = redis.call('ZRANGEBYLEX', s.key, min, max, 'LIMIT', 0, batch)\n"
          + "  s.i = 1\n"
          + "  if #s.buf < batch then s.last = true end\n"
          + "end\n"
          + "local function has(list, x)\n"
          + "  for _, v in ipairs(list) do if v == x then return true end end\n"
          + "  return false\n"
          + "end\n"
          + "local found = {}\n"
          + "local scanned = 0\n"
          + "local upto = nil\n"
          + "local read = nil\n"
          + "while #found <= limit do\n"
          + "  local best = nil\n"
          + "  for _, s in ipairs(sources) do\n"
          + "    if s.i > #s.buf and not s.last then fill(s) end\n"
          + "    if s.i <= #s.buf and (best == nil or less(s.buf[s.i], best.buf[best.i])) then\n"
          + "      best = s\n"
          + "    end\n"
          + "  end\n"
          + "  if best == nil then break end\n"
          + "  if scanned >= budget then upto = read; break end\n"
          + "  local m = best.buf[best.i]\n"
          + "  best.i = best.i + 1\n"
          + "  best.cursor = m\n"
          + "  read = m\n"
          + "  scanned = scanned + 1\n"
          + "  local raw = redis.call('HGET', KEYS[1], string.sub(m, 22))\n"
          + "  if raw then\n"
          + "    local e = cjson.decode(raw)\n"
          + "    local ok = e.c ~= nil and e.t == m and classes[e.c] == true\n"
          + "    if ok and e.c == 'running' then\n"
          + "      local live = e.h ~= nil and tonumber(e.u) > now\n"
          + "      ok = (live and running) or ((not live) and orphaned)\n"
          + "    end\n"
          + "    if ok and agent ~= '' and e.a ~= agent then ok = false end\n"
          + "    if ok and owner ~= '' and e.o ~= owner then ok = false end\n"
          + "    if ok then\n"
          + "      for _, l in ipairs(labels) do\n"
          + "        if not has(e.l, l) then ok = false; break end\n"
          + "      end\n"
          + "    end\n"
          + "    if ok then found[#found + 1] = raw end\n"
          + "  end\n"
          + "end\n"
          // when the budget ran out: the last run read, which the next page starts after
          + "local token = 'null'\n"
          + "if upto then token = cjson.encode(upto) end\n"
          + "return '{\"read_to\":' .. token .. ',\"runs\":[' .. table.concat(found, ',')"
          + " .. ']}'\n";

  // KEYS[1] BASE runs; ARGV base, now, agent, max, classes, running, orphaned. The count.
  static final String COUNT =
      LESS
          + "local base = ARGV[1]\n"
          + "local now = ARGV[2]\n"
          + "local agent = ARGV[3]\n"
          + "local max = ARGV[4]\n"
          + "local running = ARGV[6] == '1'\n"
          + "local orphaned = ARGV[7] == '1'\n"
          + "local function key(c)\n"
          + "  if agent ~= '' then return base .. 'a:' .. agent .. ':' .. c end\n"
          + "  return base .. 'c:' .. c\n"
          + "end\n"
          + "local total = 0\n"
          + "for c in string.gmatch(ARGV[5], '[^,]+') do\n"
          + "  if c ~= 'running' then\n"
          + "    total = total + redis.call('ZLEXCOUNT', key(c), '-', max)\n"
          + "  elseif running or orphaned then\n"
          + "    local all = redis.call('ZLEXCOUNT', key(c), '-', max)\n"
          + "    local live = 0\n"
          + "    local bound = string.sub(max, 2)\n"
          + "    for _, id in ipairs(redis.call('ZRANGEBYSCORE', base .. 'held', '(' .. now,"
          + " '+inf')) do\n"
          + "      local raw = redis.call('HGET', KEYS[1], id)\n"
          + "      if raw then\n"
          + "        local e = cjson.decode(raw)\n"
          + "        if e.c == 'running' and (agent == '' or e.a == agent)"
          + " and (max == '+' or less(e.t, bound)) then\n"
          + "          live = live + 1\n"
          + "        end\n"
          + "      end\n"
          + "    end\n"
          + "    if running then total = total + live end\n"
          + "    if orphaned then total = total + all - live end\n"
          + "  end\n"
          + "end\n"
          + "return total\n";

  static final String CHECK = "return redis.call('HLEN', KEYS[1])\n";

  private static final String PUT_SHA = RedisRunStore.sha1(PUT);
  private static final String LIST_SHA = RedisRunStore.sha1(LIST);
  private static final String COUNT_SHA = RedisRunStore.sha1(COUNT);
  private static final String CHECK_SHA = RedisRunStore.sha1(CHECK);

  private final RedisScripts redis;
  private final String base;
  private final List<String> runs;
  private final int scanBudget;

  RedisRunIndex(RedisScripts redis, String base, int scanBudget) {
    this.redis = redis;
    this.base = base;
    this.runs = List.of(base + "runs");
    this.scanBudget = scanBudget;
  }

  /**
   * Applies what a run's script left ({@code picture}: its version, summary, holder and end of
   * lease, as a JSON array) to the run's entry.
   */
  void put(String runId, String picture) {
    JsonValue p;
    try {
      p = Json.parse(picture);
    } catch (RuntimeException e) {
      throw new RunStoreException(
          "Redis answered a change of run " + runId + " with " + RedisRunStore.cut(picture), e);
    }
    List<JsonValue> f = p.asArray().values();
    JsonObject.Builder e = JsonObject.builder().put("v", f.get(0).asString());
    String summary = text(f.get(1));
    String holder = text(f.get(2));
    String until = text(f.get(3));
    if (summary != null) {
      RunSummary s = RunSummary.fromJson(summary);
      List<JsonValue> labels = new ArrayList<>();
      for (Map.Entry<String, String> l : s.labels().entrySet()) {
        labels.add(JsonString.of(l.getKey() + "=" + l.getValue()));
      }
      e.put("s", summary)
          .put("c", kind(s))
          .put("t", token(s))
          .put("a", s.agent())
          .put("o", s.owner())
          .put("l", JsonArray.of(labels));
    }
    if (holder != null && until != null) {
      e.put("h", holder).put("u", until);
    }
    if (summary == null && holder == null) {
      e.put("g", 1);
    }
    write(runId, Json.write(e.build()));
  }

  /** Marks a run deleted, as of the deletion's version. */
  void gone(String runId, String version) {
    write(runId, Json.write(JsonObject.builder().put("v", version).put("g", 1).build()));
  }

  private void write(String runId, String entry) {
    call(() -> redis.eval(PUT, PUT_SHA, runs, List.of(base, runId, entry)), "update");
  }

  RunPage list(RunQuery q) {
    List<String> args = new ArrayList<>();
    args.add(base);
    args.add(Long.toString(q.now().toEpochMilli()));
    args.add(Integer.toString(q.limit()));
    args.add(after(q));
    args.add(Integer.toString(scanBudget));
    args.add(q.agent() == null ? "" : q.agent());
    args.add(q.owner() == null ? "" : q.owner());
    args.add(max(q));
    addStates(q, args);
    for (Map.Entry<String, String> l : q.labels().entrySet()) {
      args.add(l.getKey() + "=" + l.getValue());
    }
    String reply = call(() -> redis.evalText(LIST, LIST_SHA, runs, args), "list runs");
    JsonObject page;
    try {
      page = Json.parse(reply).asObject();
    } catch (RuntimeException e) {
      throw new RunStoreException("Redis answered a listing with " + RedisRunStore.cut(reply), e);
    }
    List<RunSummary> found = new ArrayList<>();
    for (JsonValue v : page.get("runs").asArray().values()) {
      found.add(summary(v.asObject()));
    }
    if (found.size() > q.limit()) {
      List<RunSummary> shown = found.subList(0, q.limit());
      return new RunPage(shown, token(shown.get(shown.size() - 1)));
    }
    // when the budget ran out first, the next page goes on after the last run this one read
    return new RunPage(found, text(page.get("read_to")));
  }

  long count(RunQuery q) {
    List<String> args = new ArrayList<>();
    args.add(base);
    args.add(Long.toString(q.now().toEpochMilli()));
    args.add(q.agent() == null ? "" : q.agent());
    args.add(max(q));
    addStates(q, args);
    return call(() -> redis.eval(COUNT, COUNT_SHA, runs, args), "count runs");
  }

  void check() {
    call(() -> redis.eval(CHECK, CHECK_SHA, runs, List.of()), "answer a health check");
  }

  /** The classes a query reads, then whether it wants running runs and orphans. */
  private static void addStates(RunQuery q, List<String> args) {
    Set<String> classes = new LinkedHashSet<>();
    boolean running = q.states().isEmpty();
    boolean orphaned = q.states().isEmpty();
    if (q.states().isEmpty()) {
      classes.addAll(CLASSES);
    }
    for (RunQuery.State s : q.states()) {
      switch (s) {
        case RUNNING -> {
          running = true;
          classes.add("running");
        }
        case ORPHANED -> {
          orphaned = true;
          classes.add("running");
        }
        default -> classes.add(s.name().toLowerCase(Locale.ROOT));
      }
    }
    args.add(String.join(",", classes));
    args.add(running ? "1" : "0");
    args.add(orphaned ? "1" : "0");
  }

  /** The page token to read after, checked: this store's tokens are RunQuery's. */
  private static String after(RunQuery q) {
    if (q.after() == null) {
      return "";
    }
    if (!TOKEN.matcher(q.after()).matches()) {
      throw new IllegalArgumentException("not a page token of this store: " + q.after());
    }
    return q.after();
  }

  /** The upper bound of a query's tokens: runs saved before {@code updatedBefore}. */
  private static String max(RunQuery q) {
    return q.updatedBefore() == null
        ? "+"
        : "(" + String.format(Locale.ROOT, "%020d", q.updatedBefore().toEpochMilli());
  }

  /** Where a run is found by its last save, the claim left aside. */
  static String kind(RunSummary s) {
    if (s.status() == RunState.Status.PAUSED) {
      return s.waiting() == PendingCall.Kind.IN_DOUBT ? "in_doubt" : "paused";
    }
    return s.status().name().toLowerCase(Locale.ROOT);
  }

  /** A run's page token, as {@link RunQuery} orders runs: its last save, then its id. */
  static String token(RunSummary s) {
    return RunQuery.token(s);
  }

  private static RunSummary summary(JsonObject e) {
    RunSummary s = RunSummary.fromJson(e.get("s").asString());
    String holder = text(e.get("h"));
    String until = text(e.get("u"));
    boolean claimed = holder != null && until != null;
    return new RunSummary(
        s.runId(),
        s.agent(),
        s.agentVersion(),
        s.status(),
        s.waiting(),
        s.waitingSince(),
        s.createdAt(),
        s.updatedAt(),
        s.owner(),
        s.steps(),
        s.pending(),
        s.labels(),
        claimed ? holder : null,
        claimed ? Instant.ofEpochMilli(Long.parseLong(until)) : null);
  }

  private static String text(JsonValue v) {
    return v instanceof JsonString s ? s.value() : null;
  }

  private interface Call<T> {
    T run();
  }

  private <T> T call(Call<T> c, String what) {
    try {
      return c.run();
    } catch (RedisUnavailableException e) {
      throw new RunStoreException(
          "Redis is unreachable: the run index could not " + what + ": " + e.getMessage(), e);
    }
  }
}
