package io.github.kimisdk.agents;

import io.github.kimisdk.ContextPropagator;
import io.github.kimisdk.chat.Message;
import java.util.List;
import java.util.Map;

/**
 * One drive of a root run: its span around everything; its claim taken (a run in memory claims
 * nothing), the run started or loaded, the loop driven until it answers, pauses, stops or fails,
 * and the claim released. Stateless: each drive is its own.
 */
final class Drive {
  private Drive() {}

  /** The loop a drive made, for the span's usage. */
  private static final class Holder {
    Loop loop;

    ModelCalls calls() {
      return loop == null ? null : loop.models();
    }
  }

  static Journal journal(Setup agent, String runId, Engine engine) {
    if (engine instanceof HostedEngine h) {
      return h.journal(agent);
    }
    return agent.store == null ? Journal.NONE : new StoreJournal(agent, runId);
  }

  /**
   * Starts a run.
   *
   * @throws IllegalStateException when the store already holds a run with this id
   */
  static RunResult start(
      Setup agent,
      String runId,
      List<? extends Message> messages,
      Map<String, String> labels,
      Engine engine) {
    Journal journal = journal(agent, runId, engine);
    ContextPropagator.Captured caller = agent.kimi.captureContext();
    Tracing tracing = new Tracing(agent, null, runId, engine::tells);
    Holder h = new Holder();
    return tracing.traced(
        agent.model,
        null,
        () -> {
          RunResult.Taken taken = claim(agent, journal, tracing, runId);
          if (taken != null) {
            return taken;
          }
          Loop loop;
          boolean started = false;
          try {
            if (agent.store != null && agent.store.get(runId, Ids.STATE) != null) {
              throw new IllegalStateException(
                  "the store already holds a run "
                      + runId
                      + "; resume it with Agent.resume, or use Agent.runOrResume");
            }
            RunData d =
                Versions.fresh(agent, runId, messages, engine.newInstance(), engine.now(agent));
            d.labels.putAll(labels);
            d.trace = tracing.context(); // the span later drives of this run link to
            Tree tree = new Tree(journal, runId, engine, caller, agent.key);
            tree.enter("", d);
            loop = new Loop(agent, d, tree, null, "", tracing);
            h.loop = loop;
            loop.save();
            started = true;
          } finally {
            if (!started) {
              journal.release();
            }
          }
          return go(loop, journal, List.of());
        },
        h::calls);
  }

  /**
   * Goes on with a run: the store's latest state (which {@code given}, when there is one, must be),
   * or {@code given} itself for an agent without a store.
   *
   * @param given the state the caller holds, or null to go on from the store's
   * @throws IllegalStateException when there is no such run, it moved on since {@code given}, or it
   *     may not go on under this agent ({@link VersionRule})
   * @throws IllegalArgumentException when a signed decision does not verify, or names a call that
   *     no longer waits (nothing was claimed)
   */
  static RunResult resume(
      Setup agent, String runId, RunData given, List<Decision> decisions, Engine engine) {
    Journal journal = journal(agent, runId, engine);
    Before before = new Before(agent, runId, given, engine);
    RunResult.AlreadyDecided lost = verifyTokens(agent, before, decisions, engine);
    if (lost != null) {
      return lost;
    }
    if (engine != LocalEngine.LOCAL) {
      // an engine's run is driven by its own loop (a workflow), which waits on until the run ends:
      // a decision whose call was decided meanwhile is set aside, as it always was
      decisions = Decisions.undecided(given, decisions);
    }
    List<Decision> handed = decisions;
    ContextPropagator.Captured caller = agent.kimi.captureContext();
    Tracing tracing = new Tracing(agent, null, runId, engine::tells);
    Holder h = new Holder();
    return tracing.traced(
        given != null ? given.model : agent.model,
        before.trace(),
        () -> {
          RunResult.Taken taken = claim(agent, journal, tracing, runId);
          if (taken != null) {
            return taken;
          }
          Loop loop;
          boolean going = false;
          try {
            RunData stored = journal.loadState();
            RunResult.AlreadyDecided decided =
                Decisions.alreadyDecided(stored != null ? stored : given, handed);
            if (decided != null) {
              return decided; // decided while this one waited for the claim: nothing to do
            }
            RunData d = pick(agent, runId, given, stored);
            Versions.check(agent, d, tracing, () -> engine.tools(agent));
            Tree tree = new Tree(journal, runId, engine, caller, agent.key);
            tree.enter("", d);
            loop = new Loop(agent, d, tree, null, "", tracing);
            h.loop = loop;
            if (journal.durable() && stored == null && engine == LocalEngine.LOCAL) {
              loop.save(); // a state the store did not hold: it holds it now
            }
            tracing.emit(new RunEvent.Resumed(runId, d.revision, d.status, handed.size()));
            going = true;
          } finally {
            if (!going) {
              journal.release();
            }
          }
          return go(loop, journal, handed);
        },
        h::calls);
  }

  /**
   * The state a resume goes on from: the store's, checked against the caller's, or the caller's.
   */
  private static RunData pick(Setup agent, String runId, RunData given, RunData stored) {
    if (stored == null) {
      if (given == null) {
        throw new IllegalStateException(
            agent.store == null
                ? "an agent without a store resumes a run from its state: Agent.resume(state, ...)"
                : "the store holds no run " + runId);
      }
      return given.copy();
    }
    if (given != null && given.revision != stored.revision) {
      throw new IllegalStateException(
          "run "
              + runId
              + " has moved on since this state was read (revision "
              + given.revision
              + "; the store holds revision "
              + stored.revision
              + "): load it again, decide on its pending calls as they are now, and resume");
    }
    return stored;
  }

  /**
   * What a drive knows of a run before it claims it: the caller's state, or the store's, read once
   * (for the signed decisions' check and the trace to link to) however many ask.
   */
  private static final class Before {
    private final Setup agent;
    private final String runId;
    private final RunData given;
    private final boolean fromStore;
    private boolean read;
    private RunData stored;
    private RuntimeException failed;

    Before(Setup agent, String runId, RunData given, Engine engine) {
      this.agent = agent;
      this.runId = runId;
      this.given = given;
      this.fromStore = agent.store != null && engine == LocalEngine.LOCAL;
    }

    /** The state the tokens are checked against; the store's when it has one, read once. */
    RunData state() {
      if (!fromStore) {
        return given;
      }
      if (!read) {
        read = true;
        try {
          stored = RunState.read(agent.store, agent.key, runId);
        } catch (RuntimeException e) {
          failed = e;
        }
      }
      if (failed != null) {
        throw failed;
      }
      return stored;
    }

    /** The trace the run began under, to link to; null when unknown or unreadable. */
    String trace() {
      if (given != null) {
        return given.trace;
      }
      if (!fromStore) {
        return null;
      }
      try {
        RunData saved = state();
        return saved == null ? null : saved.trace;
      } catch (RuntimeException e) {
        return null; // the drive reads it again, and says what is wrong
      }
    }
  }

  /** Claims the run; the {@link RunResult.Taken} to return when another worker holds it. */
  private static RunResult.Taken claim(
      Setup agent, Journal journal, Tracing tracing, String runId) {
    Claim c = journal.claim();
    if (c instanceof Claim.Taken t) {
      tracing.emit(new RunEvent.Taken(runId, t.holder(), t.until()));
      return new RunResult.Taken(t.runId(), t.holder(), t.until());
    }
    if (c instanceof Claim.Held held) {
      tracing.emit(new RunEvent.Claimed(runId, agent.owner, held.until()));
    }
    return null;
  }

  private static RunResult go(Loop loop, Journal journal, List<Decision> decisions) {
    RunResult result;
    try {
      result = loop.drive(decisions);
    } finally {
      journal.release();
    }
    loop.tracing().emit(new RunEvent.Ended(loop.data().id, loop.data().status));
    return result;
  }

  /**
   * Records decisions on a paused run's calls without driving it ({@link Agent#decide}): its claim
   * taken, each decision checked and kept, the run saved, the claim released.
   *
   * @throws IllegalStateException when the agent has no store, there is no such run, or it may not
   *     go on under this agent
   * @throws IllegalArgumentException when a signed decision does not verify, or a decision names a
   *     call the run neither waits on nor decided
   */
  static RunResult decide(Setup agent, String runId, List<Decision> decisions) {
    if (agent.store == null) {
      throw new IllegalStateException(
          "decide needs a store: a run in memory is decided by resume(state, decisions)");
    }
    RunResult.AlreadyDecided lost =
        verifyTokens(
            agent, new Before(agent, runId, null, LocalEngine.LOCAL), decisions, LocalEngine.LOCAL);
    if (lost != null) {
      return lost;
    }
    Journal journal = journal(agent, runId, LocalEngine.LOCAL);
    Tracing tracing = new Tracing(agent, null, runId, LocalEngine.LOCAL::tells);
    RunResult.Taken taken = claim(agent, journal, tracing, runId);
    if (taken != null) {
      return taken;
    }
    try {
      RunData d = journal.loadState();
      if (d == null) {
        throw new IllegalStateException("the store holds no run " + runId);
      }
      RunResult.AlreadyDecided decided = Decisions.alreadyDecided(d, decisions);
      if (decided != null) {
        return decided;
      }
      for (Decision dec : decisions) {
        String callId = dec.target().callId();
        if (d.pending.stream().noneMatch(p -> p.id().equals(callId))) {
          throw new IllegalArgumentException(
              "the decision names the call "
                  + callId
                  + ", which does not wait in run "
                  + runId
                  + " (it waits on "
                  + d.pending.stream().map(PendingCall::id).toList()
                  + "); nothing was recorded");
        }
      }
      Versions.check(agent, d, tracing, () -> LocalEngine.LOCAL.tools(agent));
      Tree tree =
          new Tree(journal, runId, LocalEngine.LOCAL, agent.kimi.captureContext(), agent.key);
      tree.enter("", d);
      Loop loop = new Loop(agent, d, tree, null, "", tracing);
      int before = d.decisionRecords.size();
      Turns.decide(loop, decisions);
      List<DecisionRecord> all = tree.records();
      return new RunResult.Decided(loop.state(), all.subList(before, all.size()));
    } finally {
      journal.release();
    }
  }

  /**
   * Verifies every signed decision before anything is claimed: its MAC under the agent's key, and
   * that the call it names waits in the run as the caller or the store holds it; a call that no
   * longer waits because it was decided is the race lost ({@link RunResult.AlreadyDecided}).
   */
  private static RunResult.AlreadyDecided verifyTokens(
      Setup agent, Before before, List<Decision> decisions, Engine engine) {
    String runId = before.runId;
    RunData state = null;
    for (Decision dec : decisions) {
      Decision.Target t = dec.target();
      if (t.token() == null) {
        continue;
      }
      DecisionTokens.verify(agent.key, t);
      if (state == null) {
        state = before.state();
      }
      boolean waits = false;
      if (state != null) {
        for (PendingCall p : state.pending) {
          waits |= p.id().equals(t.callId());
        }
      }
      RunResult.AlreadyDecided lost =
          waits || state == null || engine != LocalEngine.LOCAL
              ? null
              : Decisions.alreadyDecided(state, List.of(dec));
      if (lost != null) {
        return lost;
      }
      if (!waits) {
        throw new IllegalArgumentException(
            "the decision token names the call "
                + t.callId()
                + ", which does not wait in run "
                + runId
                + ": it belongs to another run, or it was never asked; nothing ran");
      }
    }
    return null;
  }
}
