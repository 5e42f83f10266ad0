package io.github.kimisdk.agents;

import io.github.kimisdk.chat.Message;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import java.util.List;

/**
 * A subagent's run ({@link Agent#asTool}), started or gone on with by its parent's call on the pool
 * thread that runs the call: under the parent's claim, journal and limits, its records under a
 * prefix of its own, its state in the parent's open turn ({@link Tree}), with the parent drive's
 * decisions. Stateless.
 */
final class Subagents {
  private Subagents() {}

  /**
   * What a subagent's run came to this drive.
   *
   * @param content what the parent's model reads, when it ended
   * @param error whether that is an error
   * @param failure what failed, or null
   * @param waiting the calls it waits on, when it paused; else null
   * @param data its data as this drive left it
   * @param path its path in the tree
   */
  record Outcome(
      String content,
      boolean error,
      Throwable failure,
      List<PendingCall> waiting,
      RunData data,
      String path) {}

  /**
   * Runs, or goes on with, the subagent's run a call starts: from {@code saved} (its state in the
   * parent's turn) or, for a run of a build that kept it in a record of its own, from that record;
   * else from its task.
   *
   * @throws RunStoreException when the journal fails: the parent's run fails, to be resumed
   */
  static Outcome run(Loop parent, Subagent sub, int step, Turns.Job j, RunData saved) {
    Setup child = sub.agent;
    String name = j.tool().name();
    String path = Ids.childPrefix(parent.path, step, j.position());
    if ((path + Ids.callKey(step, j.position())).length() > 64) {
      throw new IllegalStateException(
          "the " + name + " agent is nested too deeply in other agents' runs");
    }
    RunData cd = saved != null ? saved : legacy(parent, path);
    boolean fresh = cd == null;
    if (fresh) {
      String id = Ids.childRunId(parent.data().id, step, j.position());
      Engine engine = parent.tree.engine;
      cd =
          Versions.fresh(
              child,
              id,
              List.of(Message.user(task(j.arguments()))),
              engine.newInstance(),
              engine.now(child));
    }
    RunData data = cd;
    Tracing tracing = new Tracing(child, parent.tracing(), data.id, parent.tree.engine::tells);
    Loop c = new Loop(child, data, parent.tree, parent, path, tracing);
    parent.tree.enter(path, data);
    if (fresh) {
      data.trace = null; // set once its first drive's span has started
    }
    RunResult r =
        tracing.traced(
            data.model,
            data.trace,
            () -> {
              if (fresh) {
                data.trace = tracing.context();
                c.save();
              } else {
                Versions.check(child, data, c.tracing(), () -> parent.tree.engine.tools(child));
                c.tracing()
                    .emit(
                        new RunEvent.Resumed(
                            data.id, data.revision, data.status, parent.decisions().size()));
              }
              RunResult rr = c.drive(parent.decisions());
              c.tracing().emit(new RunEvent.Ended(data.id, data.status));
              return rr;
            },
            c::models);
    return outcome(name, r, data, path);
  }

  /** What the parent's call reads of how a subagent's run ended this drive. */
  private static Outcome outcome(String name, RunResult r, RunData data, String path) {
    if (r instanceof RunResult.Paused p) {
      return new Outcome(null, false, null, p.pending(), data, path);
    } else if (r instanceof RunResult.Answered a) {
      return new Outcome(
          a.text().isEmpty() ? "(no output)" : a.text(), false, null, null, data, path);
    } else if (r instanceof RunResult.Stopped st) {
      return stopped(name, st.limit(), data, path);
    } else if (r instanceof RunResult.Failed f && f.error() instanceof RunStoreException s) {
      throw s; // the journal this run writes to failed: the run fails, to be resumed
    } else if (r instanceof RunResult.Failed f) {
      return new Outcome(
          "Error: the " + name + " agent failed: " + Texts.describe(f.error()),
          true,
          f.error(),
          null,
          data,
          path);
    }
    throw new AssertionError(r);
  }

  private static Outcome stopped(String name, RunResult.Limit limit, RunData data, String path) {
    return new Outcome(
        "Error: the "
            + name
            + " agent stopped before it answered: "
            + limit(limit)
            + " was reached",
        true,
        null,
        null,
        data,
        path);
  }

  /**
   * Runs a subagent's call apart from its parent's run, as the engine's own run ({@link
   * RunHost#runApart}), under the share of the parent's limits held for it; settles the share with
   * what the run used. A share a limit leaves nothing runs nothing: the call reads that the limit
   * was reached. The outcome's data is the ended run's, whose steps and usage the parent counts as
   * its subagents' ({@link Loop#fold}); it has no path in the parent's tree.
   */
  static Outcome apart(Loop parent, int step, Turns.Job j, Budget.Share share) {
    String name = j.tool().name();
    if (share.exhausted != null) {
      return stopped(name, share.exhausted, null, null);
    }
    RunHost.SubagentJob job =
        new RunHost.SubagentJob(
            Ids.childRunId(parent.data().id, step, j.position()),
            parent.data().id,
            step,
            j.position(),
            name,
            task(j.arguments()),
            share.steps,
            share.tokens,
            share.spend,
            share.currency);
    RunResult r;
    try {
      r = parent.tree.engine.runApart(job);
    } catch (RuntimeException e) {
      share.settleAll(); // it said nothing of what it used: all of its share is spent
      throw e;
    }
    if (r instanceof RunResult.Paused || r instanceof RunResult.Taken) {
      share.settleAll();
      throw new IllegalStateException(
          "a subagent run apart ended " + r.getClass().getSimpleName() + ": " + r.runId());
    }
    RunData data = stateOf(r).data();
    java.util.Map<String, io.github.kimisdk.chat.Usage> usage = new java.util.LinkedHashMap<>();
    int steps = data.used(usage);
    long tokens = 0;
    io.github.kimisdk.model.Spend spent = io.github.kimisdk.model.Spend.NONE;
    for (java.util.Map.Entry<String, io.github.kimisdk.chat.Usage> e : usage.entrySet()) {
      tokens += e.getValue().totalTokens();
      try {
        spent = spent.plus(parent.agent.kimi.prices().spend(e.getKey(), e.getValue()));
      } catch (RuntimeException unpriced) {
        // a model the table cannot price: its tokens count, its cost is unknown
      }
    }
    share.settle(steps, tokens, spent);
    return outcome(name, r, data, null);
  }

  private static RunState stateOf(RunResult r) {
    if (r instanceof RunResult.Answered a) {
      return a.state();
    } else if (r instanceof RunResult.Stopped s) {
      return s.state();
    } else if (r instanceof RunResult.Failed f) {
      return f.state();
    }
    throw new AssertionError(r);
  }

  /** A subagent's state as a build before one home for it kept it: a record of its own. */
  private static RunData legacy(Loop parent, String path) {
    byte[] bytes = null;
    if (parent.tree.journal.durable() && parent.agent.store != null) {
      bytes = parent.agent.store.get(parent.tree.rootId, path + Ids.STATE);
    }
    if (bytes == null) {
      return null;
    }
    String what = "the saved state of a subagent's run under " + path;
    JsonObject o =
        Seal.open(
            parent.agent.key,
            Seal.recordScope(parent.tree.rootId, path + Ids.STATE),
            Seal.parse(bytes, what),
            what);
    return RunFormat.read(o);
  }

  private static String limit(RunResult.Limit l) {
    switch (l) {
      case STEPS:
        return "the limit on model calls";
      case TOKENS:
        return "the limit on tokens";
      case SPEND:
        return "the spend limit";
      case TIME:
        return "the time limit";
      default:
        throw new AssertionError(l);
    }
  }

  /** The task a call hands a subagent: its {@code task} argument, or else its arguments. */
  static String task(String arguments) {
    try {
      if (Json.parse(arguments) instanceof JsonObject o
          && o.get("task") instanceof JsonString t
          && !t.value().isBlank()) {
        return t.value();
      }
    } catch (JsonException e) {
      // the arguments as they are
    }
    return arguments;
  }
}
