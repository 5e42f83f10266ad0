package io.github.kimisdk.agents.cli;

import io.github.kimisdk.agents.FileRunStore;
import io.github.kimisdk.agents.JdbcRunStore;
import io.github.kimisdk.agents.RunPage;
import io.github.kimisdk.agents.RunQuery;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.agents.RunStoreException;
import io.github.kimisdk.agents.RunSummary;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The agents jar's {@code Main-Class}: {@code runs list}, {@code runs count}, {@code runs release},
 * {@code runs delete} and {@code runs sweep} on a run store, as an operator runs them. It needs no
 * agent: it finds runs, ends claims and deletes runs through the store alone. What needs the team's
 * agent (resuming an orphan runs its tools; an expired approval is judged by its tools' approvals)
 * is a worker's {@code Sweeper}: {@code sweep} lists the orphans for it. A password comes from an
 * environment variable, never the command line, where other users of the machine read it ({@code
 * ps}); nothing printed holds it.
 *
 * <p>The only class of the module that writes to standard output, and only when run as a program.
 */
public final class Main {

  /** Exit status: done. */
  static final int DONE = 0;

  /** Exit status: the store failed, or refused (a run held, no claim to end). */
  static final int REFUSED = 1;

  /** Exit status: a command line that cannot be run. */
  static final int USAGE_ERROR = 2;

  static final String USAGE =
      """
      Usage: java -jar kimi-sdk-agents-VERSION.jar runs COMMAND --store STORE [options]

      Finds an agent's runs in a store, ends a dead worker's claims, deletes runs, and retires
      ended runs after a time; kimi-sdk-VERSION.jar beside it, or on the class path with the
      store's JDBC driver: java -cp kimi-sdk-agents.jar:kimi-sdk.jar:DRIVER.jar
      io.github.kimisdk.agents.cli.Main runs ...

      Commands:
        runs list      the runs, oldest save first, each with its state and age
        runs count     how many runs are in each state (or in those asked for)
        runs release RUN_ID
                       ends the run's claim, as for a worker that will not come back: the run is
                       free at once, and its old holder, if it lives, can no longer write
        runs release --holder WORKER
                       ends every claim the worker holds
        runs delete RUN_ID
                       deletes a run no worker holds, with all its records
        runs sweep --retention DURATION [--dry-run]
                       deletes the runs that ended (answered, stopped, failed) longer ago than
                       the retention, and lists the orphans (running, no worker holds them) for a
                       worker with the agent to resume (Sweeper.of(agent) in that worker): resuming
                       runs the agent's tools, which this command does not have

      Stores:
        --store file:DIR       a FileRunStore's directory
        --store jdbc:URL       a JdbcRunStore in the database at the JDBC URL; its driver on the
                               class path
        --table-prefix PREFIX  the JDBC store's tables' prefix (default kimi_agent)
        --user USER            the database user
        --password-env VAR     read the database password from the environment variable VAR

      Options of list and count:
        --state STATE          running, orphaned, paused, in_doubt, answered, stopped or failed;
                               repeat it, or separate with commas, for several
        --agent NAME           one agent's runs
        --owner WORKER         the runs a worker saved last
        --label NAME=VALUE     the runs that carry the label; repeat it for several
        --limit N              list at most N runs (default 100); --after TOKEN goes on
        --json                 JSON instead of text
        --help                 print this help and exit

      Exit status: 0 when done, 1 when the store failed or refused (a run a worker holds, a
      claim that was not there), 2 for a command line that cannot be run.
      """;

  private static final String STATES =
      "running, orphaned, paused, in_doubt, answered, stopped or failed";

  /** The options of one command line. */
  record Options(
      String command,
      String runId,
      String store,
      String prefix,
      String user,
      String passwordVariable,
      Set<RunQuery.State> states,
      String agent,
      String owner,
      String holder,
      Map<String, String> labels,
      int limit,
      String after,
      Duration retention,
      boolean dryRun,
      boolean json,
      boolean help) {}

  /** A command line that cannot be run, with what is wrong with it. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private Main() {}

  /**
   * Runs the command line and exits with its status.
   *
   * @param args {@code runs}, a command and its options
   */
  public static void main(String... args) {
    int status = run(args, System.getenv(), Clock.systemUTC(), System.out, System.err);
    System.out.flush();
    System.exit(status);
  }

  /**
   * Runs a command line.
   *
   * @param args the command line
   * @param env the environment, where a password is read
   * @param clock the time claims and ages are judged by
   * @param out where the answer goes
   * @param err where what is wrong goes
   * @return the exit status
   */
  public static int run(
      String[] args, Map<String, String> env, Clock clock, PrintStream out, PrintStream err) {
    Options o;
    try {
      o = parse(args);
    } catch (UsageException e) {
      err.println("kimi-sdk-agents: " + e.getMessage());
      err.println();
      err.print(USAGE);
      err.flush();
      return USAGE_ERROR;
    }
    if (o.help()) {
      out.print(USAGE);
      out.flush();
      return DONE;
    }
    RunStore store;
    try {
      store = open(o, env);
    } catch (UsageException | IllegalArgumentException e) {
      err.println("kimi-sdk-agents: " + e.getMessage());
      err.flush();
      return USAGE_ERROR;
    } catch (RunStoreException e) {
      err.println(
          "kimi-sdk-agents: "
              + redact(
                  e.getMessage(),
                  o.passwordVariable() == null ? null : env.get(o.passwordVariable())));
      err.flush();
      return REFUSED;
    }
    try {
      return switch (o.command()) {
        case "list" -> list(store, o, clock.instant(), out);
        case "count" -> count(store, o, clock.instant(), out);
        case "release" -> release(store, o, clock.instant(), out);
        case "delete" -> delete(store, o, clock.instant(), out);
        case "sweep" -> sweep(store, o, clock.instant(), out);
        default -> throw new AssertionError(o.command());
      };
    } catch (RunStoreException | UnsupportedOperationException e) {
      out.flush();
      err.println(
          "kimi-sdk-agents: "
              + redact(
                  e.getMessage(),
                  o.passwordVariable() == null ? null : env.get(o.passwordVariable())));
      err.flush();
      return REFUSED;
    } finally {
      out.flush();
    }
  }

  /** Reads a command line. */
  static Options parse(String... args) throws UsageException {
    if (args.length == 0) {
      throw new UsageException("name a command: runs list, count, release, delete or sweep");
    }
    if (args[0].equals("--help") || args[0].equals("-h")) {
      return new Options(
          null, null, null, null, null, null, Set.of(), null, null, null, Map.of(), 0, null, null,
          false, false, true);
    }
    if (!args[0].equals("runs")) {
      throw new UsageException("unknown command: " + args[0] + " (the commands are runs ...)");
    }
    if (args.length < 2 || args[1].startsWith("-")) {
      if (args.length >= 2 && (args[1].equals("--help") || args[1].equals("-h"))) {
        return parse("--help");
      }
      throw new UsageException("name a command: runs list, count, release, delete or sweep");
    }
    String command = args[1];
    if (!List.of("list", "count", "release", "delete", "sweep").contains(command)) {
      throw new UsageException(
          "unknown command: runs " + command + " (list, count, release, delete or sweep)");
    }
    String runId = null;
    String store = null;
    String prefix = "kimi_agent";
    String user = null;
    String passwordVariable = null;
    Set<RunQuery.State> states = EnumSet.noneOf(RunQuery.State.class);
    String agent = null;
    String owner = null;
    String holder = null;
    Map<String, String> labels = new LinkedHashMap<>();
    int limit = RunQuery.DEFAULT_LIMIT;
    String after = null;
    Duration retention = null;
    boolean dryRun = false;
    boolean json = false;
    boolean help = false;
    for (int i = 2; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      switch (name) {
        case "--help", "-h" -> help = true;
        case "--json" -> json = true;
        case "--dry-run" -> dryRun = true;
        case "--password" ->
            throw new UsageException(
                "--password is not taken: a password on the command line is seen by every user of"
                    + " the machine (ps); put it in an environment variable and name it with"
                    + " --password-env VAR");
        case "--store",
            "--table-prefix",
            "--user",
            "--password-env",
            "--state",
            "--agent",
            "--owner",
            "--holder",
            "--label",
            "--limit",
            "--after",
            "--retention" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new UsageException(name + " needs a value");
            }
            value = args[++i];
          }
          if (value.isBlank()) {
            throw new UsageException(name + " needs a value");
          }
          switch (name) {
            case "--store" -> store = value.strip();
            case "--table-prefix" -> prefix = value.strip();
            case "--user" -> user = value.strip();
            case "--password-env" -> passwordVariable = value.strip();
            case "--state" -> {
              for (String s : value.split(",")) {
                states.add(state(s.strip()));
              }
            }
            case "--agent" -> agent = value;
            case "--owner" -> owner = value;
            case "--holder" -> holder = value;
            case "--label" -> {
              int e = value.indexOf('=');
              if (e <= 0) {
                throw new UsageException("--label takes NAME=VALUE: " + value);
              }
              labels.put(value.substring(0, e), value.substring(e + 1));
            }
            case "--limit" -> limit = limit(value);
            case "--after" -> after = value.strip();
            default -> retention = duration(value.strip());
          }
        }
        default -> {
          if (arg.startsWith("-") || runId != null) {
            throw new UsageException("unknown argument: " + arg);
          }
          runId = arg;
        }
      }
    }
    if (help) {
      return parse("--help");
    }
    boolean byId = command.equals("delete") || (command.equals("release") && holder == null);
    if (byId && runId == null) {
      throw new UsageException(
          "runs "
              + command
              + " names the run: runs "
              + command
              + " RUN_ID"
              + (command.equals("release") ? " (or --holder WORKER)" : ""));
    }
    if (!byId && runId != null) {
      throw new UsageException("unknown argument: " + runId);
    }
    if (command.equals("release") && holder != null && runId != null) {
      throw new UsageException("runs release takes a RUN_ID or --holder WORKER, not both");
    }
    if (store == null) {
      throw new UsageException("--store names the store: file:DIR or jdbc:URL");
    }
    return new Options(
        command,
        runId,
        store,
        prefix,
        user,
        passwordVariable,
        Set.copyOf(states),
        agent,
        owner,
        holder,
        Map.copyOf(labels),
        limit,
        after,
        retention,
        dryRun,
        json,
        false);
  }

  private static RunQuery.State state(String s) throws UsageException {
    for (RunQuery.State st : RunQuery.State.values()) {
      if (st.name().equalsIgnoreCase(s) || st.name().replace("_", "-").equalsIgnoreCase(s)) {
        return st;
      }
    }
    throw new UsageException("--state is one of " + STATES + ": " + s);
  }

  private static int limit(String value) throws UsageException {
    if (!value.matches("[0-9]{1,7}") || Integer.parseInt(value) == 0) {
      throw new UsageException("--limit takes a whole number from 1: " + value);
    }
    return Integer.parseInt(value);
  }

  /** An ISO-8601 duration ({@code P30D}, {@code PT12H}), or days, hours or minutes: 30d, 12h. */
  static Duration duration(String value) throws UsageException {
    try {
      Duration d;
      if (value.matches("[0-9]{1,6}[dhm]")) {
        long n = Long.parseLong(value.substring(0, value.length() - 1));
        d =
            switch (value.charAt(value.length() - 1)) {
              case 'd' -> Duration.ofDays(n);
              case 'h' -> Duration.ofHours(n);
              default -> Duration.ofMinutes(n);
            };
      } else {
        d = Duration.parse(value.toUpperCase(Locale.ROOT));
      }
      if (d.isZero() || d.isNegative()) {
        throw new UsageException("--retention must be positive: " + value);
      }
      return d;
    } catch (DateTimeParseException e) {
      throw new UsageException(
          "--retention takes a duration such as 30d, 12h, P30D or PT12H: " + value);
    }
  }

  /** Opens the store the options name. */
  static RunStore open(Options o, Map<String, String> env) throws UsageException {
    String spec = o.store();
    if (spec.startsWith("file:")) {
      return FileRunStore.of(Path.of(spec.substring("file:".length())));
    }
    if (spec.startsWith("jdbc:")) {
      String password = null;
      if (o.passwordVariable() != null) {
        password = env.get(o.passwordVariable());
        if (password == null) {
          throw new UsageException(
              "--password-env names " + o.passwordVariable() + ", which is not set");
        }
      }
      return JdbcRunStore.of(new Connections(spec, o.user(), password), o.prefix());
    }
    if (spec.startsWith("redis:")) {
      throw new UsageException(
          "a Redis store is kimi-sdk-redis's (RedisRunStore, on the application's client): find"
              + " its runs from code, or name a file: or jdbc: store");
    }
    throw new UsageException("--store is file:DIR or jdbc:URL: " + spec);
  }

  private static int list(RunStore store, Options o, Instant now, PrintStream out) {
    RunQuery q = query(o, now).limit(Math.min(o.limit(), RunQuery.MAX_LIMIT)).after(o.after());
    List<RunSummary> runs = new ArrayList<>();
    boolean more = false;
    while (!more) {
      RunPage p = store.list(q);
      for (RunSummary s : p.runs()) {
        if (runs.size() == o.limit()) {
          more = true;
          break;
        }
        runs.add(s);
      }
      if (p.next() == null) {
        break;
      }
      more |= runs.size() == o.limit(); // the store says more may follow
      q = q.after(p.next());
    }
    String next = more && !runs.isEmpty() ? token(runs.get(runs.size() - 1)) : null;
    if (o.json()) {
      JsonArray.Builder a = JsonArray.builder();
      for (RunSummary s : runs) {
        a.add(json(s, now));
      }
      JsonObject.Builder page = JsonObject.builder().put("runs", a.build());
      if (next != null) {
        page.put("next", next);
      }
      out.println(Json.write(page.build()));
      return DONE;
    }
    if (runs.isEmpty()) {
      out.println("No runs found.");
      return DONE;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {"RUN", "STATE", "AGENT", "SAVED", "WAITING", "HOLDER", "STEPS", "LABELS"});
    for (RunSummary s : runs) {
      rows.add(
          new String[] {
            s.runId(),
            s.state(now).name().toLowerCase(Locale.ROOT),
            clean(s.agent() + "@" + s.agentVersion()),
            age(s.updatedAt(), now) + " ago",
            s.waitingSince() == null
                ? "-"
                : age(s.waitingSince(), now)
                    + (s.waiting() != null && s.waiting().name().equals("IN_DOUBT")
                        ? " (in doubt)"
                        : ""),
            s.holder() == null ? "-" : clean(s.holder()) + " until " + s.claimedUntil().toString(),
            Integer.toString(s.steps()),
            labels(s.labels())
          });
    }
    table(rows, out);
    out.println();
    out.println(
        runs.size()
            + (runs.size() == 1 ? " run" : " runs")
            + (next == null ? "." : "; more after them: --after " + next));
    return DONE;
  }

  private static String token(RunSummary s) {
    return String.format(Locale.ROOT, "%020d:%s", s.updatedAt().toEpochMilli(), s.runId());
  }

  private static int count(RunStore store, Options o, Instant now, PrintStream out) {
    Set<RunQuery.State> asked =
        o.states().isEmpty() ? EnumSet.allOf(RunQuery.State.class) : EnumSet.copyOf(o.states());
    Map<String, Long> counts = new LinkedHashMap<>();
    long total = 0;
    for (RunQuery.State s : asked) {
      RunQuery q = query(o, now);
      q = new RunQuery(Set.of(s), q.agent(), q.owner(), q.labels(), null, q.limit(), null, q.now());
      long n = store.count(q);
      counts.put(s.name().toLowerCase(Locale.ROOT), n);
      total += n;
    }
    if (o.json()) {
      JsonObject.Builder b = JsonObject.builder();
      counts.forEach(b::put);
      b.put("total", total);
      out.println(Json.write(b.build()));
      return DONE;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"STATE", "RUNS"});
    counts.forEach((s, n) -> rows.add(new String[] {s, Long.toString(n)}));
    rows.add(new String[] {"total", Long.toString(total)});
    table(rows, out);
    return DONE;
  }

  private static int release(RunStore store, Options o, Instant now, PrintStream out) {
    if (o.holder() != null) {
      List<RunSummary> held = new ArrayList<>();
      RunQuery q = RunQuery.all().at(now).limit(RunQuery.MAX_LIMIT);
      while (true) {
        RunPage p = store.list(q);
        for (RunSummary s : p.runs()) {
          if (o.holder().equals(s.holder())) {
            held.add(s);
          }
        }
        if (p.next() == null) {
          break;
        }
        q = q.after(p.next());
      }
      List<String> released = new ArrayList<>();
      for (RunSummary s : held) {
        if (store.release(s.runId())) {
          released.add(s.runId());
        }
      }
      if (o.json()) {
        out.println(
            Json.write(
                JsonObject.builder()
                    .put("holder", o.holder())
                    .put("released", strings(released))
                    .build()));
      } else if (released.isEmpty()) {
        out.println("No claim held by " + clean(o.holder()) + ".");
      } else {
        out.println(
            "Released "
                + released.size()
                + (released.size() == 1 ? " claim" : " claims")
                + " held by "
                + clean(o.holder())
                + ": "
                + String.join(", ", released));
      }
      return DONE;
    }
    boolean had = store.release(o.runId());
    if (o.json()) {
      out.println(
          Json.write(JsonObject.builder().put("run_id", o.runId()).put("released", had).build()));
    } else {
      out.println(
          had
              ? "Released the claim on "
                  + o.runId()
                  + ": it is free at once, and its old holder can no longer write."
              : o.runId() + " has no claim.");
    }
    return had ? DONE : REFUSED;
  }

  private static int delete(RunStore store, Options o, Instant now, PrintStream out) {
    boolean deleted = store.delete(o.runId(), now);
    if (o.json()) {
      out.println(
          Json.write(
              JsonObject.builder().put("run_id", o.runId()).put("deleted", deleted).build()));
    } else {
      out.println(
          deleted
              ? "Deleted " + o.runId() + " and its records."
              : o.runId()
                  + " was not deleted: a worker holds it, or there is no such run"
                  + " (runs list shows it, with its holder).");
    }
    return deleted ? DONE : REFUSED;
  }

  private static int sweep(RunStore store, Options o, Instant now, PrintStream out) {
    List<String> old = new ArrayList<>();
    List<String> deleted = new ArrayList<>();
    if (o.retention() != null) {
      RunQuery q = query(o, now).updatedBefore(now.minus(o.retention())).limit(RunQuery.MAX_LIMIT);
      q =
          new RunQuery(
              EnumSet.of(RunQuery.State.ANSWERED, RunQuery.State.STOPPED, RunQuery.State.FAILED),
              q.agent(),
              q.owner(),
              q.labels(),
              q.updatedBefore(),
              q.limit(),
              null,
              q.now());
      while (true) {
        RunPage p = store.list(q);
        p.runs().forEach(s -> old.add(s.runId()));
        if (p.next() == null) {
          break;
        }
        q = q.after(p.next());
      }
      if (!o.dryRun()) {
        for (String id : old) {
          if (store.delete(id, now)) {
            deleted.add(id);
          }
        }
      }
    }
    List<RunSummary> orphans = new ArrayList<>();
    RunQuery oq = query(o, now).limit(RunQuery.MAX_LIMIT);
    oq =
        new RunQuery(
            EnumSet.of(RunQuery.State.ORPHANED),
            oq.agent(),
            oq.owner(),
            oq.labels(),
            null,
            oq.limit(),
            null,
            oq.now());
    while (true) {
      RunPage p = store.list(oq);
      orphans.addAll(p.runs());
      if (p.next() == null) {
        break;
      }
      oq = oq.after(p.next());
    }
    if (o.json()) {
      JsonArray.Builder a = JsonArray.builder();
      orphans.forEach(s -> a.add(json(s, now)));
      out.println(
          Json.write(
              JsonObject.builder()
                  .put(o.dryRun() ? "would_delete" : "deleted", strings(o.dryRun() ? old : deleted))
                  .put("orphans", a.build())
                  .build()));
      return DONE;
    }
    if (o.retention() == null) {
      out.println("No retention given: nothing deleted.");
    } else if (o.dryRun()) {
      out.println(
          "Would delete "
              + old.size()
              + " ended "
              + (old.size() == 1 ? "run" : "runs")
              + " last saved over "
              + age(now.minus(o.retention()), now)
              + " ago"
              + (old.isEmpty() ? "." : ": " + String.join(", ", old)));
    } else {
      out.println(
          "Deleted "
              + deleted.size()
              + " ended "
              + (deleted.size() == 1 ? "run" : "runs")
              + " last saved over "
              + age(now.minus(o.retention()), now)
              + " ago"
              + (deleted.isEmpty() ? "." : ": " + String.join(", ", deleted)));
    }
    if (orphans.isEmpty()) {
      out.println("No orphans.");
    } else {
      out.println(
          orphans.size()
              + (orphans.size() == 1 ? " orphan" : " orphans")
              + " (running, no worker holds them) to resume in a worker with the agent"
              + " (Sweeper.of(agent).sweep()):");
      for (RunSummary s : orphans) {
        out.println(
            "  "
                + s.runId()
                + "  "
                + clean(s.agent() + "@" + s.agentVersion())
                + "  last saved "
                + age(s.updatedAt(), now)
                + " ago by "
                + clean(s.owner()));
      }
    }
    return DONE;
  }

  private static RunQuery query(Options o, Instant now) {
    RunQuery q = RunQuery.all().at(now);
    if (!o.states().isEmpty()) {
      q = RunQuery.in(o.states().toArray(RunQuery.State[]::new)).at(now);
    }
    if (o.agent() != null) {
      q = q.agent(o.agent());
    }
    if (o.owner() != null) {
      q = q.owner(o.owner());
    }
    for (Map.Entry<String, String> l : o.labels().entrySet()) {
      q = q.label(l.getKey(), l.getValue());
    }
    return q;
  }

  private static JsonValue json(RunSummary s, Instant now) {
    JsonObject.Builder labels = JsonObject.builder();
    s.labels().forEach(labels::put);
    JsonObject.Builder b =
        JsonObject.builder()
            .put("run_id", s.runId())
            .put("state", s.state(now).name().toLowerCase(Locale.ROOT))
            .put("status", s.status().name().toLowerCase(Locale.ROOT))
            .put("agent", s.agent())
            .put("agent_version", s.agentVersion())
            .put("updated_at", s.updatedAt().toString())
            .put("age_seconds", Duration.between(s.updatedAt(), now).toSeconds())
            .put("owner", s.owner())
            .put("steps", s.steps())
            .put("pending", s.pending())
            .put("labels", labels.build());
    if (s.createdAt() != null) {
      b.put("created_at", s.createdAt().toString());
    }
    if (s.waiting() != null) {
      b.put("waiting", s.waiting().name().toLowerCase(Locale.ROOT));
    }
    if (s.waitingSince() != null) {
      b.put("waiting_since", s.waitingSince().toString())
          .put("waiting_seconds", Duration.between(s.waitingSince(), now).toSeconds());
    }
    if (s.holder() != null) {
      b.put("holder", s.holder()).put("claimed_until", s.claimedUntil().toString());
    }
    return b.build();
  }

  private static JsonArray strings(List<String> values) {
    JsonArray.Builder a = JsonArray.builder();
    values.forEach(a::add);
    return a.build();
  }

  /**
   * A store's message with the password left out: the one read from the environment, and one a JDBC
   * URL carries ({@code password=...}), which a driver's message may repeat.
   */
  static String redact(String message, String password) {
    String m = String.valueOf(message);
    if (password != null && !password.isEmpty()) {
      m = m.replace(password, "***");
    }
    return m.replaceAll("(?i)(password=)[^&;\\s]*", "$1***");
  }

  /** An age as people read it: 45s, 12m, 3h 5m, 2d 4h. */
  static String age(Instant then, Instant now) {
    long s = Math.max(0, Duration.between(then, now).toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m";
    }
    if (s < 86_400) {
      return s / 3600 + "h " + (s % 3600) / 60 + "m";
    }
    return s / 86_400 + "d " + (s % 86_400) / 3600 + "h";
  }

  private static String labels(Map<String, String> labels) {
    if (labels.isEmpty()) {
      return "-";
    }
    List<String> out = new ArrayList<>();
    new java.util.TreeMap<>(labels).forEach((k, v) -> out.add(k + "=" + v));
    return clean(String.join(",", out));
  }

  /** A store's text for a terminal: control characters escaped, at most 200 characters. */
  static String clean(String text) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < text.length() && b.length() < 200; i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.length() < text.length() && b.length() >= 200 ? b + "..." : b.toString();
  }

  private static void table(List<String[]> rows, PrintStream out) {
    int[] width = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        line.append(r[i]);
        if (i < r.length - 1) {
          line.append(" ".repeat(width[i] - r[i].length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }

  /** Connections from the JDBC driver on the class path, one per use (a command is short). */
  private static final class Connections implements DataSource {
    private final String url;
    private final String user;
    private final String password;

    Connections(String url, String user, String password) {
      this.url = url;
      this.user = user;
      this.password = password;
    }

    @Override
    public Connection getConnection() throws SQLException {
      return user == null && password == null
          ? DriverManager.getConnection(url)
          : DriverManager.getConnection(url, user, password == null ? "" : password);
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return DriverManager.getConnection(url, user, password);
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }

    @Override
    public String toString() {
      return "Connections[" + url + "]"; // never the password
    }
  }
}
