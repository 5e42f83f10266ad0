package io.github.kimisdk.agents;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the runs of one tree share: the journal, and the one home of every run's state. A subagent's
 * run has no record of its own: its state lives in its parent's open turn, at the position of the
 * call that started it, and each save of any run of the tree writes the root's state with every run
 * beneath it, composed from the states they last saved.
 *
 * <p>Thread model: each run saves from the thread that drives it (a subagent's, a thread of its
 * parent's pool), handing {@link #save} a copy it made itself; the composition and the write happen
 * under this tree's lock, from those copies only. {@link #state} composes from the runs' own data
 * and is called on the root's driving thread once every run of the tree has stopped.
 */
final class Tree {
  private static final Pattern CHILD = Pattern.compile("c(\\d+)-(\\d+)/");

  final Journal journal;
  final String rootId;
  final Engine engine;

  /** The root agent's key, which chains the decision record; null without one. */
  private final RunKey key;

  /** The context of the thread that drives the root run, restored around every call on others. */
  final io.github.kimisdk.ContextPropagator.Captured caller;

  private final Map<String, RunData> saved = new HashMap<>(); // guarded by this; by path
  private final Map<String, RunData> live = new HashMap<>(); // guarded by this; by path

  Tree(
      Journal journal,
      String rootId,
      Engine engine,
      io.github.kimisdk.ContextPropagator.Captured caller,
      RunKey key) {
    this.journal = journal;
    this.rootId = rootId;
    this.engine = engine;
    this.caller = caller;
    this.key = key;
  }

  /**
   * Appends a decision to the root run's record, numbered and chained to the one before under the
   * key, from the thread of whichever run of the tree it decided on; returns it as kept. The next
   * save of any run of the tree writes it.
   */
  synchronized DecisionRecord record(DecisionRecord r) {
    RunData root = live.get("");
    List<DecisionRecord> all = root.decisionRecords;
    DecisionRecord last = all.isEmpty() ? null : all.get(all.size() - 1);
    DecisionRecord numbered = r.placed(all.size() + 1, null);
    DecisionRecord kept =
        DecisionChain.seal(key, rootId, root.instance, last == null ? "" : last.mac(), numbered);
    all.add(kept);
    return kept;
  }

  /** The root run's decision records now. */
  synchronized List<DecisionRecord> records() {
    return List.copyOf(live.get("").decisionRecords);
  }

  /**
   * Registers the data a run of the tree is driven with, under its path ({@code ""}: the root), on
   * the thread that drives it, before it runs.
   */
  synchronized void enter(String path, RunData data) {
    live.put(path, data);
    saved.put(path, data.copy());
  }

  /** Saves a run's state (a copy its own thread made) and writes the root's whole state. */
  void save(String path, RunData copy) {
    if (!journal.durable()) {
      return;
    }
    synchronized (this) {
      saved.put(path, copy);
      journal.writeState(compose("", saved));
    }
  }

  /** Forgets an ended subagent's run and every run beneath it: its parent holds its result now. */
  synchronized void ended(String path) {
    for (Map<String, RunData> m : List.of(saved, live)) {
      for (Iterator<String> i = m.keySet().iterator(); i.hasNext(); ) {
        if (i.next().startsWith(path)) {
          i.remove();
        }
      }
    }
  }

  /**
   * The state of the run at {@code path} with every run beneath it, from their own data: once they
   * all stopped.
   */
  synchronized RunData state(String path) {
    return compose(path, live);
  }

  /**
   * The state of the run at {@code path} with its subagents' runs in its open turn: each from
   * {@code from} when it is there, else as the run's own data holds it (saved before, not driven
   * since).
   */
  private RunData compose(String path, Map<String, RunData> from) {
    RunData d = from.get(path).copy();
    if (path.isEmpty()) {
      // the record as it stands: a subagent's decision is appended to the root's live data
      d.decisionRecords = new ArrayList<>(live.get("").decisionRecords);
    }
    if (d.turn == null) {
      return d;
    }
    for (String p : from.keySet()) {
      if (!p.startsWith(path) || p.length() == path.length()) {
        continue;
      }
      Matcher m = CHILD.matcher(p.substring(path.length()));
      if (m.matches() && Integer.parseInt(m.group(1)) == d.turn.step) {
        d.turn.adopt(Integer.parseInt(m.group(2)), compose(p, from));
      }
    }
    return d;
  }
}
