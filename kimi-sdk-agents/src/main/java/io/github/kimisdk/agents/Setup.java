package io.github.kimisdk.agents;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.ToolSource;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.Function;

/**
 * An agent as its runs read it: a copy of its builder's settings, taken once when it is built and
 * never changed after (no run calls a setter), with what they imply (its tools' digests, its
 * identity's digest, its tools' pool). The settings are declared once, in {@link AgentSettings},
 * and carried by its one copy constructor. The public {@link Agent} holds one and hands it to the
 * loop, so the loop's rooms read the agent's settings here and never reach back up to the agent's
 * public face. The pool is shared by the agent's runs.
 */
final class Setup extends AgentSettings {

  final Map<String, String> toolDigests;
  final String digest;
  final ThreadPoolExecutor pool;

  Setup(AgentSettings b) {
    super(b);
    if (owner == null) {
      owner = Ids.defaultOwner();
    }
    Map<String, String> digests = new LinkedHashMap<>();
    tools.forEach((n, t) -> digests.put(n, Toolbox.digest(t)));
    toolDigests = Collections.unmodifiableMap(digests);
    pool = Pools.tools(parallelism);
    JsonArray.Builder identity = JsonArray.builder().add(instructions == null ? "" : instructions);
    digests.forEach((n, d) -> identity.add(n + "=" + d));
    sources.forEach(s -> identity.add("source:" + s.source().name()));
    digest = Ids.sha256(Json.write(identity.build()));
  }

  /**
   * The agent's tools now: its own and its sources' (each source listed once).
   *
   * @throws RuntimeException what a source throws when it cannot list its tools
   */
  Map<String, AgentTool> toolsNow() {
    return toolsNow(ToolSource::tools);
  }

  /** The agent's tools now, each source listed by {@code lister} (a host's durable step). */
  Map<String, AgentTool> toolsNow(Function<ToolSource, List<FunctionTool>> lister) {
    return Toolbox.list(tools, sources, lister);
  }

  /** The MAC of a run's state under the agent's key, or null without a key. */
  String mac(RunData d) {
    return key == null ? null : Seal.mac(key, Seal.stateScope(d.id), RunFormat.write(d));
  }

  @Override
  public String toString() {
    return "Agent[" + name + "@" + version + ", " + model + ", tools=" + tools.keySet() + "]";
  }
}
