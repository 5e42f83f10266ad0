package io.github.kimisdk.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Prediction;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.chat.completions.Fate;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolCall;
import io.github.kimisdk.tool.ToolChoice;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every wire held to its declaration ({@link Wire#fates()}) of every {@link ChatRequest} component.
 * Each component is set in turn to values other than its default (the probes below; a component of
 * a plain type that has none is given one by its type), and on each wire the outcome must be one
 * the wire declares for that component: the body changes, only in the members the wire names for it
 * ({@link Fate.Kind#WRITTEN}); or the body stays the same ({@link Fate.Kind#DROPPED}, with its
 * reason); or the wire refuses the request with an {@link UnsupportedRequestException} naming the
 * component and carrying the declared fix ({@link Fate.Kind#REFUSED}). Every declared fate must be
 * seen at least once, so a declaration cannot promise what the wire does not do. A component added
 * to {@code ChatRequest} fails here, naming each wire that has not declared it.
 */
class WireDeclarationTest {

  static final ChatRequest BASE = ChatRequest.builder("kimi-k2.6").addUser("Hi").build();

  static final FunctionTool CLOCK = Tool.function("clock", "Tells the time", null);

  /**
   * One value of a component other than its default, set on {@link #BASE} with the components
   * {@code given} (set on both sides of the comparison).
   */
  record Probe(String component, Object value, Map<String, Object> given, String label) {
    @Override
    public String toString() {
      return component + " " + label;
    }
  }

  static Probe probe(String component, Object value, String label, Object... given) {
    Map<String, Object> g = new LinkedHashMap<>();
    for (int i = 0; i < given.length; i += 2) {
      g.put((String) given[i], given[i + 1]);
    }
    return new Probe(component, value, g, label);
  }

  /** The probes of the components whose types need more than a plain value. */
  static final List<Probe> PROBES =
      List.of(
          probe("model", "kimi-k3", "another model"),
          probe("messages", List.of(Message.system("Be brief"), Message.user("Hi")), "a system"),
          probe(
              "messages",
              List.of(new UserMessage(List.of(ContentPart.text("Hi")), "ada")),
              "a named message"),
          probe(
              "messages",
              List.of(Message.user("see", ContentPart.imageUrl("data:image/png;base64,iVBORw0K"))),
              "an image as bytes"),
          probe(
              "messages",
              List.of(Message.user("see", ContentPart.imageFile("file-1"))),
              "an uploaded image"),
          probe(
              "messages",
              List.of(Message.user("see", ContentPart.videoUrl("data:video/mp4;base64,AA"))),
              "a video"),
          probe(
              "messages",
              List.of(Message.tools(CLOCK), Message.user("Hi")),
              "tools declared in a system message"),
          probe(
              "messages",
              List.of(
                  Message.user("Hi"),
                  new AssistantMessage("", null, List.of(), null, false),
                  Message.user("Hi")),
              "an empty assistant message"),
          probe("messages", List.of(Message.user("Hi"), Message.partial("Once")), "a prefill"),
          probe(
              "messages",
              List.of(
                  Message.user("Hi"),
                  Message.assistant(null, null, List.of(ToolCall.function("c1", "add", "{\"a\":"))),
                  Message.tool("c1", "add", "x")),
              "a tool call whose arguments are not JSON"),
          probe(
              "messages",
              List.of(
                  Message.user("Hi"),
                  Message.assistant(
                      null, "Let me add", List.of(ToolCall.function("c1", "add", "{}"))),
                  Message.tool("c1", "add", "3")),
              "a tool turn"),
          probe("maxCompletionTokens", 100, "alone"),
          probe("maxCompletionTokens", 100, "while thinking", "thinking", Thinking.enabled()),
          probe("n", 2, "above 1"),
          probe("n", 1, "of 1"),
          probe("presencePenalty", 0.5, "above 0"),
          probe("presencePenalty", 0.0, "of 0"),
          probe("frequencyPenalty", 0.5, "above 0"),
          probe("frequencyPenalty", 0.0, "of 0"),
          probe("stop", List.of("END"), "one sequence"),
          probe("includeUsage", true, "unstreamed"),
          probe("includeUsage", true, "streamed", "stream", true),
          probe("responseFormat", ResponseFormat.jsonObject(), "json_object"),
          probe(
              "responseFormat",
              ResponseFormat.jsonSchema(
                  "city", JsonObject.of("type", JsonString.of("object")), true),
              "json_schema"),
          probe("responseFormat", ResponseFormat.text(), "text"),
          probe("tools", List.of(CLOCK), "a function"),
          probe("tools", List.of(Tool.webSearch()), "$web_search"),
          probe("tools", List.of(Tool.builtin("$code_runner")), "$code_runner"),
          probe("toolChoice", ToolChoice.required(), "required", "tools", List.of(CLOCK)),
          probe("toolChoice", ToolChoice.function("clock"), "a function", "tools", List.of(CLOCK)),
          probe("toolChoice", ToolChoice.none(), "none", "tools", List.of(CLOCK)),
          probe("thinking", Thinking.enabled(), "enabled"),
          probe("thinking", Thinking.disabled(), "disabled"),
          probe("thinking", Thinking.preserved(), "kept", "thinking", Thinking.enabled()),
          probe(
              "thinking",
              Thinking.enabled().withEffort("high"),
              "with an effort",
              "thinking",
              Thinking.enabled()),
          probe("reasoningEffort", "high", "alone"),
          probe(
              "reasoningEffort",
              "high",
              "beside thinking's effort",
              "thinking",
              Thinking.enabled().withEffort("low")),
          probe("extraBody", Map.of("seed", JsonNumber.of(42)), "seed"),
          probe("extraBody", Map.of("output_config", JsonObject.of()), "output_config"),
          probe(
              "extraBody",
              Map.of("output_config", JsonObject.of("effort", JsonString.of("low"))),
              "output_config beside an effort",
              "reasoningEffort",
              "high"),
          probe(
              "extraBody",
              Map.of("reasoning", JsonObject.of()),
              "reasoning beside an effort",
              "reasoningEffort",
              "low"),
          probe("extraBody", Map.of("defer_loading", JsonBoolean.TRUE), "defer_loading"),
          probe("logprobs", true, "true"),
          probe("logprobs", false, "false"),
          probe("topLogprobs", 2, "of 2", "logprobs", true),
          probe("prediction", Prediction.of("int x = 1;"), "a text"),
          probe("promptCacheTtl", CacheTtl.ONE_HOUR, "one hour"),
          probe("promptCacheTtl", CacheTtl.FIVE_MINUTES, "five minutes"));

  static List<Wire> wires() {
    List<Wire> wires = new ArrayList<>();
    for (WireProtocol p : WireProtocol.values()) {
      wires.add(Wires.get(p, false));
    }
    return wires;
  }

  static List<String> components() {
    return Arrays.stream(ChatRequest.class.getRecordComponents())
        .map(RecordComponent::getName)
        .toList();
  }

  @Test
  void everyWireDeclaresEveryComponent() {
    List<String> undeclared = new ArrayList<>();
    for (Wire w : wires()) {
      Set<String> declared = new LinkedHashSet<>();
      for (Fate f : w.fates()) {
        declared.add(f.component());
      }
      for (String c : components()) {
        if (!declared.contains(c)) {
          undeclared.add(w + " wire: " + c);
        }
      }
      for (String c : declared) {
        if (!components().contains(c)) {
          undeclared.add(w + " wire declares " + c + ", which is no ChatRequest component");
        }
      }
    }
    assertThat(undeclared)
        .as(
            "ChatRequest components a wire has not declared: add to the wire's declaration"
                + " whether it writes the component (and as which member), drops it (and why that"
                + " changes nothing) or refuses it (and what to do instead)")
        .isEmpty();
  }

  @Test
  void everyDeclarationIsOneFatePerCase() {
    List<String> problems = new ArrayList<>();
    for (Wire w : wires()) {
      Map<String, List<Fate>> byComponent = new LinkedHashMap<>();
      for (Fate f : w.fates()) {
        byComponent.computeIfAbsent(f.component(), k -> new ArrayList<>()).add(f);
        if (f.kind() != Fate.Kind.WRITTEN && f.why().length() < 15) {
          problems.add(w + ": " + f + " gives no reason a reader can act on");
        }
      }
      for (Map.Entry<String, List<Fate>> e : byComponent.entrySet()) {
        List<Fate> fates = e.getValue();
        for (Fate.Kind k : List.of(Fate.Kind.WRITTEN, Fate.Kind.DROPPED)) {
          if (fates.stream().filter(f -> f.kind() == k).count() > 1) {
            problems.add(w + ": " + e.getKey() + " is " + k + " twice; say it once");
          }
        }
        if (fates.stream().filter(f -> f.when() == null).count() > 1) {
          problems.add(w + ": " + e.getKey() + " has two fates for every value; narrow one");
        }
        Set<String> fixes = new TreeSet<>();
        for (Fate f : fates) {
          if (f.kind() == Fate.Kind.REFUSED && !fixes.add(f.why())) {
            problems.add(w + ": " + e.getKey() + " has two refusals with one fix: " + f.why());
          }
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void everyWireDoesWithEachComponentWhatItDeclares() {
    List<Probe> probes = new ArrayList<>(PROBES);
    List<String> problems = new ArrayList<>();
    for (RecordComponent c : ChatRequest.class.getRecordComponents()) {
      if (probes.stream().noneMatch(p -> p.component().equals(c.getName()))) {
        Object value = plainValue(c.getType());
        if (value == null) {
          problems.add(
              c.getName() + " (" + c.getGenericType() + ") has no probe: add values to PROBES");
        } else {
          probes.add(probe(c.getName(), value, "set to " + value));
        }
      }
    }
    for (Wire w : wires()) {
      Map<Fate, Boolean> seen = new IdentityHashMap<>();
      for (Probe p : probes) {
        String problem = hold(w, p, seen);
        if (problem != null) {
          problems.add(w + " wire, " + p + ": " + problem);
        }
      }
      for (Fate f : w.fates()) {
        if (!seen.containsKey(f) && components().contains(f.component())) {
          problems.add(w + " wire declares " + f + ", which no probe showed: add a probe");
        }
      }
    }
    assertThat(problems).as("outcomes that are not the wire's declaration").isEmpty();
  }

  @Test
  void aComponentTheWireDoesNotWriteIsCaught() {
    // What the check above finds when an encoder loses a component: the body does not change.
    Wire chat = Wires.get(WireProtocol.CHAT_COMPLETIONS, false);
    Probe temperature = probe("temperature", 0.5, "alone");
    Wire forgetful =
        new Wire(
            "forgetful",
            "x",
            Wire.Auth.BEARER,
            Map.of(),
            false,
            null,
            (m, e, d, r) -> null,
            chat.fates(),
            List.of()) {
          @Override
          protected byte[] write(ChatRequest r) {
            return chat.encode(r.toBuilder().temperature(null).build());
          }

          @Override
          public io.github.kimisdk.chat.ChatCompletion decode(
              byte[] b, int off, int len, int maxDepth) {
            throw new UnsupportedOperationException();
          }
        };
    assertThat(hold(forgetful, temperature, new IdentityHashMap<>()))
        .contains("the body did not change")
        .contains("not declared dropped");
  }

  /** Returns how the wire breaks its declaration for this probe, or null when it keeps it. */
  static String hold(Wire w, Probe p, Map<Fate, Boolean> seen) {
    ChatRequest before = BASE;
    for (Map.Entry<String, Object> g : p.given().entrySet()) {
      before = with(before, g.getKey(), g.getValue());
    }
    ChatRequest after = with(before, p.component(), p.value());
    List<Fate> fates = w.fates().stream().filter(f -> f.component().equals(p.component())).toList();
    byte[] body;
    try {
      body = w.encode(after);
    } catch (UnsupportedRequestException e) {
      if (!p.component().equals(e.component())) {
        return "refused naming " + e.component() + ", not " + p.component() + ": " + e.getMessage();
      }
      for (Fate f : fates) {
        if (f.kind() == Fate.Kind.REFUSED && e.getMessage().contains(f.why())) {
          seen.put(f, true);
          return null;
        }
      }
      return "refused, which the wire does not declare: " + e.getMessage();
    }
    byte[] unset;
    try {
      unset = w.encode(before);
    } catch (UnsupportedRequestException e) {
      return "the probe's other components are refused: " + e.getMessage();
    }
    Set<String> changed = changedMembers(Json.parse(unset).asObject(), Json.parse(body).asObject());
    if (changed.isEmpty()) {
      for (Fate f : fates) {
        if (f.kind() == Fate.Kind.DROPPED) {
          seen.put(f, true);
          return null;
        }
      }
      return "the body did not change, and " + p.component() + " is not declared dropped";
    }
    for (Fate f : fates) {
      if (f.kind() == Fate.Kind.WRITTEN) {
        Set<String> names =
            f.names().isEmpty() && p.value() instanceof Map<?, ?> m
                ? new TreeSet<>(m.keySet().stream().map(String::valueOf).toList())
                : new TreeSet<>(f.names());
        if (!names.containsAll(changed)) {
          return "wrote " + changed + ", but the wire declares it written as " + names;
        }
        seen.put(f, true);
        return null;
      }
    }
    return "wrote " + changed + ", yet " + p.component() + " is not declared written";
  }

  static Set<String> changedMembers(JsonObject a, JsonObject b) {
    Set<String> out = new TreeSet<>();
    Set<String> all = new TreeSet<>(a.names());
    all.addAll(b.names());
    for (String n : all) {
      if (!Objects.equals(a.get(n), b.get(n))) {
        out.add(n);
      }
    }
    return out;
  }

  /** A value other than the default for a component of a plain type; null for other types. */
  static Object plainValue(Class<?> type) {
    if (type == Boolean.class || type == boolean.class) {
      return true;
    }
    if (type == Integer.class || type == int.class) {
      return 3;
    }
    if (type == Long.class || type == long.class) {
      return 3L;
    }
    if (type == Double.class || type == double.class) {
      return 0.5;
    }
    if (type == String.class) {
      return "probe";
    }
    if (type.isEnum()) {
      Object[] values = type.getEnumConstants();
      return values[values.length - 1];
    }
    if (type == JsonValue.class) {
      return JsonString.of("probe");
    }
    return null;
  }

  /** Returns {@code r} with one component replaced, through the canonical constructor. */
  static ChatRequest with(ChatRequest r, String component, Object value) {
    RecordComponent[] cs = ChatRequest.class.getRecordComponents();
    Class<?>[] types = new Class<?>[cs.length];
    Object[] args = new Object[cs.length];
    try {
      for (int i = 0; i < cs.length; i++) {
        types[i] = cs[i].getType();
        args[i] = cs[i].getName().equals(component) ? value : cs[i].getAccessor().invoke(r);
      }
      Constructor<ChatRequest> canonical = ChatRequest.class.getDeclaredConstructor(types);
      return canonical.newInstance(args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new AssertionError(e);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
