package io.github.kimisdk.agents;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.ToolSource;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * An agent as its runs read it: the settings of its builder, frozen once when it is built, with
 * what they imply (its tools' digests, its identity's digest, its tools' pool). The public {@link
 * Agent} holds one and hands it to the loop, so the loop's rooms read the agent's settings here and
 * never reach back up to the agent's public face. Immutable; the pool is shared by the agent's
 * runs.
 */
final class Setup {

  final KimiClient kimi;
  final String model;
  final String name;
  final String version;
  final Map<String, AgentTool> tools;
  final Map<String, String> toolDigests;
  final List<Toolbox.Source> sources;
  final String digest;
  final List<ToolHook> hooks;
  final UnaryOperator<ChatRequest.Builder> settings;
  final boolean streaming;
  final RunStore store;
  final RunKey key;
  final Duration lease;
  final Duration claimWait;
  final Clock clock;
  final String owner;
  final VersionRule versionRule;
  final int maxSteps;
  final long maxTotalTokens;
  final BigDecimal maxSpend;
  final Currency currency;
  final int maxConcurrentCalls;
  final Duration timeLimit;
  final Duration toolTimeout;
  final ThreadPoolExecutor pool;
  final Compaction compaction;
  final String instructions;
  final String description;
  final AgentListener listener;
  final AgentTracer tracer;

  Setup(AgentSettings b) {
    kimi = b.kimi;
    model = b.model;
    name = b.name;
    version = b.version;
    tools = Collections.unmodifiableMap(new LinkedHashMap<>(b.tools));
    Map<String, String> digests = new LinkedHashMap<>();
    tools.forEach((n, t) -> digests.put(n, Toolbox.digest(t)));
    toolDigests = Collections.unmodifiableMap(digests);
    sources = List.copyOf(b.sources);
    hooks = List.copyOf(b.hooks);
    settings = b.settings;
    streaming = b.streaming;
    store = b.store;
    key = b.key;
    lease = b.lease;
    claimWait = b.claimWait;
    clock = b.clock;
    owner = b.owner != null ? b.owner : Ids.defaultOwner();
    versionRule = b.versionRule;
    maxSteps = b.maxSteps;
    maxTotalTokens = b.maxTotalTokens;
    maxSpend = b.maxSpend;
    currency = b.currency;
    maxConcurrentCalls = b.maxConcurrentCalls;
    timeLimit = b.timeLimit;
    toolTimeout = b.toolTimeout;
    pool = Pools.tools(b.parallelism);
    compaction = b.compaction;
    instructions = b.instructions;
    description = b.description;
    listener = b.listener;
    tracer = b.tracer;
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
