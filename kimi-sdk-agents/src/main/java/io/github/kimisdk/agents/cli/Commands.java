package io.github.kimisdk.agents.cli;

import io.github.kimisdk.agents.DecisionRecord;
import io.github.kimisdk.agents.PendingCall;
import io.github.kimisdk.agents.RunKey;
import io.github.kimisdk.agents.RunPage;
import io.github.kimisdk.agents.RunQuery;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.agents.RunStoreException;
import io.github.kimisdk.agents.RunSummary;
import io.github.kimisdk.agents.RunTamperedException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The commands of {@link Cli}, each on the store a command line names. */
final class Commands {
  private Commands() {}

  static int list(RunStore store, CommandLine.Options o, Instant now, PrintStream out) {
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
      return Main.DONE;
    }
    if (runs.isEmpty()) {
      out.println("No runs found.");
      return Main.DONE;
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
            holder(s, now),
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
    return Main.DONE;
  }

  /**
   * A run's holder as the listing shows it: until when its claim holds, or that it lapsed (the
   * holder died or stopped renewing it, and the run is anyone's), or none.
   */
  static String holder(RunSummary s, Instant now) {
    if (s.holder() == null) {
      return "-";
    }
    if (s.claimedUntil() == null) {
      return "- (" + clean(s.holder()) + "'s claim lapsed)";
    }
    if (!s.claimedUntil().isAfter(now)) {
      return "- (" + clean(s.holder()) + "'s claim lapsed " + age(s.claimedUntil(), now) + " ago)";
    }
    return clean(s.holder()) + " until " + s.claimedUntil();
  }

  static String token(RunSummary s) {
    return String.format(Locale.ROOT, "%020d:%s", s.updatedAt().toEpochMilli(), s.runId());
  }

  static int count(RunStore store, CommandLine.Options o, Instant now, PrintStream out) {
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
      return Main.DONE;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"STATE", "RUNS"});
    counts.forEach((s, n) -> rows.add(new String[] {s, Long.toString(n)}));
    rows.add(new String[] {"total", Long.toString(total)});
    table(rows, out);
    return Main.DONE;
  }

  static int release(RunStore store, CommandLine.Options o, Instant now, PrintStream out) {
    if (o.holder() != null && o.runId() != null) {
      boolean had = store.release(o.runId(), o.holder());
      if (o.json()) {
        out.println(
            Json.write(
                JsonObject.builder()
                    .put("run_id", o.runId())
                    .put("holder", o.holder())
                    .put("released", had)
                    .build()));
      } else {
        out.println(
            had
                ? "Released "
                    + clean(o.holder())
                    + "'s claim on "
                    + o.runId()
                    + ": it is free at once, and its old holder can no longer write."
                : o.runId()
                    + " has no claim of "
                    + clean(o.holder())
                    + " (runs list shows who holds it now); nothing was released.");
      }
      return had ? Main.DONE : Main.REFUSED;
    }
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
        if (o.runId() != null && !o.runId().equals(s.runId())) {
          continue;
        }
        if (store.release(s.runId(), o.holder())) { // judged again by the store: still its claim
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
      return Main.DONE;
    }
    boolean had = store.forceRelease(o.runId()); // --force: CommandLine takes nothing else here
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
    return had ? Main.DONE : Main.REFUSED;
  }

  static int delete(RunStore store, CommandLine.Options o, Instant now, PrintStream out) {
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
    return deleted ? Main.DONE : Main.REFUSED;
  }

  static int sweep(RunStore store, CommandLine.Options o, Instant now, PrintStream out) {
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
      return Main.DONE;
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
    return Main.DONE;
  }

  /**
   * Prints a new run key, or writes it to a new file only its owner may read: the one thing this
   * command prints that is a secret, and only when asked to.
   */
  static int key(CommandLine.Options o, PrintStream out) {
    if (o.out() != null) {
      Path file = Path.of(o.out());
      RunKey.createFile(file);
      out.println(
          "Wrote a new run key to "
              + file
              + ", readable by its owner alone. Every worker of the store holds the same key:"
              + " RunKey.fromFile(file), or its text in the environment variable they read"
              + " (RunKey.fromEnv(\"KIMI_AGENT_KEY\")).");
      return Main.DONE;
    }
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    String text = Base64.getEncoder().encodeToString(b);
    RunKey.fromBase64(text); // what the agents read back
    out.println(text);
    return Main.DONE;
  }

  /**
   * Prints a run's state, the calls it waits on and its decision record; with a key, verified first
   * ({@code runs audit}): the record's chain and the state's MAC.
   */
  static int show(RunStore store, CommandLine.Options o, RunKey key, PrintStream out) {
    String runId = o.runId();
    byte[] saved = store.get(runId, "state");
    if (saved == null) {
      if (o.json()) {
        out.println(
            Json.write(JsonObject.builder().put("run_id", runId).put("found", false).build()));
      } else {
        out.println("No run " + runId + " in the store.");
      }
      return Main.REFUSED;
    }
    String tampered = null;
    RunState state = null;
    if (key != null) {
      try {
        state = RunState.load(store, runId, key).orElse(null);
      } catch (RunTamperedException e) {
        tampered = e.getMessage();
      }
    }
    if (state == null) {
      try {
        state = RunState.fromBytes(saved); // as the store holds it
      } catch (IllegalArgumentException e) {
        if (tampered == null) {
          throw new RunStoreException("run " + runId + " is not a saved run: " + e.getMessage(), e);
        }
      }
    }
    int status = tampered != null ? Main.TAMPERED : Main.DONE;
    if (o.json()) {
      JsonObject.Builder b = JsonObject.builder().put("run_id", runId);
      if (key != null) {
        b.put("verified", tampered == null);
        if (tampered != null) {
          b.put("error", tampered);
        }
      }
      if (state != null) {
        describe(state, b);
      }
      out.println(Json.write(b.build()));
      return status;
    }
    if (key != null) {
      out.println(
          tampered == null
              ? "Run "
                  + runId
                  + ": verified under the key: "
                  + count(state.decisionRecords().size(), "decision record")
                  + ", each chained to the one before, and the state's MAC."
              : "Run " + runId + ": TAMPERED: " + tampered);
      if (tampered != null && state != null) {
        out.println("As the store holds it (not to be trusted):");
      }
    }
    if (state != null) {
      print(state, out);
    }
    if (key == null) {
      out.println(
          "Not verified: runs audit "
              + runId
              + " --key-env VAR (or --key-file FILE) checks the record's chain under the key.");
    }
    return status;
  }

  private static void print(RunState s, PrintStream out) {
    out.println(
        "Run "
            + s.id()
            + ": "
            + s.status().name().toLowerCase(Locale.ROOT)
            + ", agent "
            + clean(s.agent())
            + (s.agentDigest() == null
                ? ""
                : " (definition " + s.agentDigest().substring(0, 12) + ")")
            + ", revision "
            + s.revision()
            + (s.createdAt() == null ? "" : ", started " + s.createdAt())
            + (s.updatedAt() == null ? "" : ", last saved " + s.updatedAt()));
    if (!s.pending().isEmpty()) {
      out.println("Waits on:");
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"  CALL", "TOOL", "KIND", "SINCE", "APPROVED BY", "ARGUMENTS"});
      for (PendingCall p : s.pending()) {
        rows.add(
            new String[] {
              "  " + p.id(),
              clean(p.tool()),
              p.kind().name().toLowerCase(Locale.ROOT),
              p.since() == null ? "-" : p.since().toString(),
              p.approvedBy().isEmpty() ? "-" : clean(String.join(",", p.approvedBy())),
              clean(p.arguments())
            });
      }
      table(rows, out);
    }
    List<DecisionRecord> records = s.decisionRecords();
    if (records.isEmpty()) {
      out.println("No decisions recorded.");
      return;
    }
    out.println("Decisions (" + records.size() + "):");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"  #", "AT", "ACTION", "BY", "CALL", "TOOL", "POLICY", "COMMENT"});
    for (DecisionRecord r : records) {
      rows.add(
          new String[] {
            "  " + r.sequence(),
            r.at().toString(),
            r.action().name().toLowerCase(Locale.ROOT),
            r.by() == null ? "-" : clean(r.by()),
            r.callId(),
            clean(r.tool()),
            clean(r.policy()) + (r.approvers() > 1 ? " (" + r.approvers() + " approvers)" : ""),
            r.comment() == null ? "-" : clean(r.comment())
          });
    }
    table(rows, out);
  }

  private static void describe(RunState s, JsonObject.Builder b) {
    b.put("status", s.status().name().toLowerCase(Locale.ROOT))
        .put("agent", s.agent().substring(0, s.agent().lastIndexOf('@')))
        .put("agent_version", s.agentVersion())
        .put("revision", s.revision());
    if (s.agentDigest() != null) {
      b.put("agent_digest", s.agentDigest());
    }
    if (s.createdAt() != null) {
      b.put("created_at", s.createdAt().toString());
    }
    if (s.updatedAt() != null) {
      b.put("updated_at", s.updatedAt().toString());
    }
    JsonArray.Builder pending = JsonArray.builder();
    for (PendingCall p : s.pending()) {
      JsonObject.Builder c =
          JsonObject.builder()
              .put("call_id", p.id())
              .put("tool", p.tool())
              .put("kind", p.kind().name().toLowerCase(Locale.ROOT))
              .put("arguments", p.arguments())
              .put("arguments_sha256", p.argumentsSha256())
              .put("policy", p.policy())
              .put("approved_by", strings(p.approvedBy()));
      if (p.since() != null) {
        c.put("since", p.since().toString());
      }
      pending.add(c.build());
    }
    b.put("pending", pending.build());
    JsonArray.Builder decisions = JsonArray.builder();
    for (DecisionRecord r : s.decisionRecords()) {
      JsonObject.Builder d =
          JsonObject.builder()
              .put("seq", r.sequence())
              .put("call_id", r.callId())
              .put("tool", r.tool())
              .put("arguments_sha256", r.argumentsSha256())
              .put("action", r.action().name().toLowerCase(Locale.ROOT))
              .put("at", r.at().toString())
              .put("policy", r.policy())
              .put("approvers", r.approvers());
      if (r.editedArgumentsSha256() != null) {
        d.put("edited_arguments_sha256", r.editedArgumentsSha256());
      }
      if (r.by() != null) {
        d.put("by", r.by());
      }
      if (r.comment() != null) {
        d.put("comment", r.comment());
      }
      if (r.message() != null) {
        d.put("message", r.message());
      }
      if (r.token() != null) {
        d.put("token", r.token());
      }
      decisions.add(d.build());
    }
    b.put("decisions", decisions.build());
  }

  private static String count(int n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }

  static RunQuery query(CommandLine.Options o, Instant now) {
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

  static JsonValue json(RunSummary s, Instant now) {
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
      boolean lapsed = s.claimedUntil() == null || !s.claimedUntil().isAfter(now);
      b.put("holder", s.holder()).put("claim_lapsed", lapsed);
      if (s.claimedUntil() != null) {
        b.put("claimed_until", s.claimedUntil().toString());
      }
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
}
