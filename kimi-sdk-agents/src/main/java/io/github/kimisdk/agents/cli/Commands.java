package io.github.kimisdk.agents.cli;

import io.github.kimisdk.agents.RunPage;
import io.github.kimisdk.agents.RunQuery;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.agents.RunSummary;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The commands of {@link Main}, each on the store a command line names. */
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
    return Main.DONE;
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
      return Main.DONE;
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
}
