package io.github.kimisdk.agents;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.tool.BuiltinTool;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The tools of one model call: the agent's own, then each source's as it lists them now (a name
 * already taken becomes {@code <source>_<name>}, then {@code _2}, ...), then the built-in tools the
 * request's settings declare. Resolves the name the model calls to the tool that answers it.
 * Immutable once built.
 */
final class Toolbox {
  private final Map<String, AgentTool> tools; // by the name the model knows
  private final List<String> names; // every name the model was offered, dynamic tools included

  private Toolbox(Map<String, AgentTool> tools, List<String> names) {
    this.tools = tools;
    this.names = names;
  }

  /** A tool source an agent takes, with the team's changes to each tool it makes of it. */
  record Source(ToolSource source, UnaryOperator<AgentTool> adjust) {}

  /** A tool source that could not list its tools: the run fails with what it threw. */
  static final class SourceFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SourceFailed(RuntimeException cause) {
      super(cause.getMessage(), cause, false, false);
    }

    RuntimeException cause() {
      return (RuntimeException) getCause();
    }
  }

  /**
   * An agent's tools now: its own {@code tools} and its {@code sources}' (each source listed once,
   * by {@code lister}: the source itself, or a host's durable step).
   *
   * @throws RuntimeException what a source throws when it cannot list its tools
   */
  static Map<String, AgentTool> list(
      Map<String, AgentTool> tools,
      List<Source> sources,
      java.util.function.Function<ToolSource, List<FunctionTool>> lister) {
    if (sources.isEmpty()) {
      return tools;
    }
    Map<String, AgentTool> all = new LinkedHashMap<>(tools);
    for (Source s : sources) {
      for (FunctionTool declared : lister.apply(s.source())) {
        FunctionTool f = declared;
        if (all.containsKey(f.name())) {
          f = renamed(s.source().name(), f, all.keySet());
        }
        AgentTool t = adjusted(s, f, declared.name());
        all.put(t.name(), t);
      }
    }
    return all;
  }

  /**
   * The tool a source's declaration makes, its hints mapped: read-only to {@link
   * AgentTool.Effect#READ_ONLY} (no approval), idempotent to {@link AgentTool.Effect#IDEMPOTENT},
   * otherwise {@link AgentTool.Effect#ONCE}; a tool the source says is destructive needs approval.
   * Then the team's own changes; a change of the name is refused.
   */
  private static AgentTool adjusted(Source s, FunctionTool f, String sourceName) {
    ToolSource.Hints h = s.source().hints(sourceName);
    AgentTool.Effect effect =
        h.readOnly()
            ? AgentTool.Effect.READ_ONLY
            : h.idempotent() ? AgentTool.Effect.IDEMPOTENT : AgentTool.Effect.ONCE;
    Approval approval = h.destructive() && !h.readOnly() ? Approval.always() : Approval.never();
    AgentTool t =
        new AgentTool(f, new Handlers.FromSource(s.source(), sourceName), approval, effect);
    AgentTool out = s.adjust().apply(t);
    if (out == null || !out.tool().equals(t.tool())) {
      throw new IllegalStateException(
          "a tool source's adjustment must keep the tool's declaration: " + t.name());
    }
    return out;
  }

  /** A source tool's name when it is taken: the source's name in front, then a number. */
  private static FunctionTool renamed(String source, FunctionTool f, Set<String> taken) {
    String label = source.replaceAll("[^A-Za-z0-9_-]", "_");
    char first = label.isEmpty() ? '0' : label.charAt(0);
    boolean usable =
        first == '_' || (first >= 'A' && first <= 'Z') || (first >= 'a' && first <= 'z');
    String base = usable ? label + "_" + f.name() : f.name();
    if (base.length() > 64) {
      base = base.substring(0, 64);
    }
    String candidate = base;
    for (int i = 2; taken.contains(candidate); i++) {
      String suffix = "_" + i;
      candidate =
          (base.length() + suffix.length() > 64 ? base.substring(0, 64 - suffix.length()) : base)
              + suffix;
    }
    return new FunctionTool(candidate, f.description(), f.parameters(), f.strict());
  }

  /** The declarations of {@code tools}, in order. */
  static List<Tool> declarations(Map<String, AgentTool> tools) {
    List<Tool> out = new ArrayList<>(tools.size());
    tools.values().forEach(t -> out.add(t.tool()));
    return out;
  }

  /**
   * The toolbox of a request as sent: {@code tools}, and the built-in tools the request declares
   * beyond them (answered by echoing, as any built-in), and the names of the tools the request's
   * system messages declare (kimi-k3's dynamic tools), which no handler answers.
   */
  static Toolbox of(Map<String, AgentTool> tools, ChatRequest sent) {
    Map<String, AgentTool> all = new LinkedHashMap<>(tools);
    Set<String> names = new HashSet<>();
    List<String> ordered = new ArrayList<>();
    for (Tool t : sent.tools()) {
      if (t instanceof BuiltinTool b && !all.containsKey(b.name())) {
        all.put(b.name(), AgentTool.builtin(b));
      }
      if (names.add(t.name())) {
        ordered.add(t.name());
      }
    }
    for (Message m : sent.messages()) {
      if (m instanceof SystemMessage s) {
        for (FunctionTool t : s.tools()) {
          if (names.add(t.name())) {
            ordered.add(t.name());
          }
        }
      }
    }
    return new Toolbox(all, List.copyOf(ordered));
  }

  /** The tool the model's call names, or null. */
  AgentTool get(String name) {
    return tools.get(name);
  }

  /** Every name the model was offered. */
  List<String> names() {
    return names;
  }

  /** What a call of an unknown name is answered: no such tool, or no handler for it. */
  String unknown(String name) {
    String why =
        names.contains(name)
            ? "no handler is registered for the tool \"" + name + "\""
            : "there is no tool named \"" + name + "\"";
    return "Error: " + why + "; the tools are: " + String.join(", ", names);
  }

  /**
   * The digest of one tool as a run depends on it: its declaration and its effect (its approval
   * policy is bound to each decision by its id instead: a new policy asks again).
   */
  static String digest(AgentTool t) {
    JsonObject.Builder o =
        JsonObject.builder()
            .put("name", JsonString.of(t.name()))
            .put("effect", JsonString.of(t.effect().name()))
            .put("builtin", JsonBoolean.of(t.tool() instanceof BuiltinTool));
    if (t.tool() instanceof FunctionTool f) {
      if (f.description() != null) {
        o.put("description", JsonString.of(f.description()));
      }
      if (f.parameters() != null) {
        o.put("parameters", f.parameters());
      }
      if (f.strict() != null) {
        o.put("strict", JsonBoolean.of(f.strict()));
      }
    }
    return Ids.sha256(Json.write(o.build()));
  }
}
