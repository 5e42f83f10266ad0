package io.github.kimisdk.agents;

import io.github.kimisdk.chat.Message;
import io.github.kimisdk.tool.ToolCall;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The agent a run runs under: recorded when the run starts and at every save (its name, version,
 * instructions and tools, hashed), and compared when it is resumed, by the agent's {@link
 * VersionRule}. Stateless.
 */
final class Versions {
  private Versions() {}

  /** A new run's data: the agent's settings, its instructions and the first messages. */
  static RunData fresh(
      Setup agent, String id, List<? extends Message> messages, String instance, Instant now) {
    RunData d = new RunData();
    d.id = id;
    d.instance = instance;
    stamp(agent, d);
    d.model = agent.model;
    d.maxSteps = agent.maxSteps;
    d.maxTotalTokens = agent.maxTotalTokens;
    d.maxSpend = agent.maxSpend;
    d.currency = agent.currency;
    if (agent.instructions != null) {
      d.messages.add(Message.system(agent.instructions));
    }
    d.messages.addAll(messages);
    d.newMessageIndex = d.messages.size();
    d.createdAt = now;
    return d;
  }

  /** Records the agent's name, version, tools and digest in the run. */
  static void stamp(Setup agent, RunData d) {
    d.agentName = agent.name;
    d.agentVersion = agent.version;
    d.tools = new LinkedHashMap<>(agent.toolDigests);
    d.agentDigest = agent.digest;
  }

  /** Records the tools of a model call (the agent's and its sources' as listed) in the run. */
  static void record(Setup agent, RunData d, Map<String, AgentTool> tools) {
    if (tools == agent.tools) {
      if (!d.tools.equals(agent.toolDigests)) {
        d.tools = new LinkedHashMap<>(agent.toolDigests);
      }
      return;
    }
    d.tools = digests(agent, tools);
  }

  private static Map<String, String> digests(Setup agent, Map<String, AgentTool> tools) {
    Map<String, String> out = new LinkedHashMap<>();
    tools.forEach(
        (name, t) -> {
          String known = agent.tools.get(name) == t ? agent.toolDigests.get(name) : null;
          out.put(name, known != null ? known : Toolbox.digest(t));
        });
    return out;
  }

  /**
   * Checks that {@code agent} may go on with the run {@code d}, by its rule, telling what changed;
   * the run is stamped with the agent when it goes on under a new version. {@code toolsNow} lists
   * the agent's tools as its engine has them now.
   *
   * @throws IllegalStateException when the run was saved by another agent, or the rule refuses
   */
  static void check(
      Setup agent, RunData d, Tracing tracing, Supplier<Map<String, AgentTool>> toolsNow) {
    if (!d.agentName.equals(agent.name)) {
      throw new IllegalStateException(
          "run "
              + d.id
              + " was saved by agent "
              + d.agentName
              + "@"
              + d.agentVersion
              + "; this agent is "
              + agent.name
              + "@"
              + agent.version);
    }
    boolean sameVersion = d.agentVersion.equals(agent.version);
    boolean sameDigest = d.agentDigest == null || d.agentDigest.equals(agent.digest);
    if (sameVersion && sameDigest && agent.sources.isEmpty()) {
      return;
    }
    Map<String, String> now;
    try {
      now = digests(agent, toolsNow.get());
    } catch (RuntimeException e) {
      now = agent.toolDigests; // a source that cannot list now: its tools count as removed
    }
    if (sameVersion && sameDigest && sameTools(d.tools, now)) {
      return; // a tool source's list as the run last saw it
    }
    List<String> added = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    now.forEach(
        (name, digest) -> {
          if (!d.tools.containsKey(name)) {
            added.add(name);
          } else if (d.tools.get(name) != null && !d.tools.get(name).equals(digest)) {
            changed.add(name);
          }
        });
    for (String name : d.tools.keySet()) {
      if (!now.containsKey(name)) {
        removed.add(name);
      }
    }
    List<String> needed = needed(d, now);
    String from = d.agentName + "@" + d.agentVersion;
    String to = agent.name + "@" + agent.version;
    boolean goes;
    switch (agent.versionRule) {
      case REFUSE:
        goes = false;
        break;
      case CONTINUE:
        goes = true;
        break;
      case CONTINUE_IF_PENDING_UNCHANGED:
        goes = needed.isEmpty();
        break;
      default:
        throw new AssertionError(agent.versionRule);
    }
    tracing.emit(
        new RunEvent.AgentChanged(
            d.id, from, to, added, removed, changed, agent.versionRule, goes));
    if (!goes) {
      throw new IllegalStateException(
          "run "
              + d.id
              + " was saved under "
              + from
              + (sameVersion ? " with other instructions or tools" : "")
              + "; this agent is "
              + to
              + (added.isEmpty() ? "" : "; tools added: " + added)
              + (removed.isEmpty() ? "" : "; tools removed: " + removed)
              + (changed.isEmpty() ? "" : "; tools changed: " + changed)
              + (agent.versionRule == VersionRule.REFUSE
                  ? "; the agent's VersionRule is REFUSE"
                  : "; the calls that wait need "
                      + needed
                      + ", which this version lacks or changed")
              + "; resume it with the version that saved it, or choose another VersionRule");
    }
    stamp(agent, d);
  }

  /** Whether the tools a run recorded are the tools now: the same names, no digest changed. */
  private static boolean sameTools(Map<String, String> saved, Map<String, String> now) {
    if (!saved.keySet().equals(now.keySet())) {
      return false;
    }
    for (Map.Entry<String, String> e : saved.entrySet()) {
      if (e.getValue() != null && !e.getValue().equals(now.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** The tools the open turn still needs that are missing or changed in {@code now}. */
  private static List<String> needed(RunData d, Map<String, String> now) {
    List<String> out = new ArrayList<>();
    if (d.turn == null) {
      return out;
    }
    List<ToolCall> calls = d.openReply().toolCalls();
    for (int pos = 0; pos < calls.size(); pos++) {
      if (d.turn.results().containsKey(pos)) {
        continue;
      }
      String name = calls.get(pos).name() == null ? "" : calls.get(pos).name();
      if (!d.tools.containsKey(name) || out.contains(name)) {
        continue; // a tool the run did not record (Kimi's built-ins from the settings): no check
      }
      String saved = d.tools.get(name);
      String current = now.get(name);
      if (current == null || (saved != null && !saved.equals(current))) {
        out.add(name);
      }
    }
    return out;
  }
}
